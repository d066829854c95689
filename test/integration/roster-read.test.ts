/** Reading the roster from the IC sandbox: both OneRoster versions, paging, and delta reads merged into the stored copy. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadDistrictDataset, startIcSandbox, type IcApiMode, type IcDataset, type IcSandbox } from '../../sandbox/ic/server.ts';
import { parseConfig } from '../../src/config/load.ts';
import { createIcClient, type IcClient } from '../../src/load/ic-client.ts';
import { fullReadEveryDays } from '../../src/roster/read-collection.ts';
import { readIcRoster } from '../../src/roster/read-roster.ts';
import { silentLogger } from '../../src/logger.ts';
import { readState } from '../../src/store/key-value.ts';
import type { Store } from '../../src/store/open-store.ts';
import { openFreshStore } from '../helpers/stores.ts';

const now = new Date('2026-12-02T15:00:00Z');
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function icFor(ic: IcSandbox, mode: IcApiMode, pageSize = 7): Promise<IcClient> {
  const env = { ID: ic.credentials.clientId, SECRET: ic.credentials.clientSecret, KEY: ic.credentials.consumerKey, CSECRET: ic.credentials.consumerSecret };
  const auth = mode === 'legacy-learningdata' ? { clientId: { env: 'KEY' }, clientSecret: { env: 'CSECRET' } } : { tokenUrl: ic.tokenUrl, clientId: { env: 'ID' }, clientSecret: { env: 'SECRET' } };
  const config = parseConfig({ infiniteCampus: { api: mode, baseUrl: ic.baseUrl(mode), pageSize, ...auth } }, { baseDir: '/tmp', env });
  const client = createIcClient({ config: config.infiniteCampus });
  open.push(client);
  return client;
}

async function start(dataset: IcDataset = loadDistrictDataset(), port?: number): Promise<IcSandbox> {
  const ic = await startIcSandbox({ dataset, now: () => now, ...(port ? { port } : {}) });
  open.push(ic);
  return ic;
}

async function storeFor(): Promise<Store> {
  const store = await openFreshStore('sqlite');
  open.push(store);
  return store;
}

const read = (client: IcClient, store: Store, options: { full?: boolean; at?: Date; source?: string; persist?: boolean } = {}) =>
  readIcRoster(client, { store, full: options.full ?? false, now: options.at ?? now, source: options.source ?? 'ic', persist: options.persist ?? true, logger: silentLogger() });

/** The delta filter after a read whose newest object was stamped at the latest of `stamps` (an hour of overlap). */
const deltaFilter = (stamps: readonly string[]) => `dateLastModified>'${new Date(Math.max(...stamps.map((t) => Date.parse(t))) - 3600_000).toISOString()}'`;

const filters = (ic: IcSandbox) =>
  Object.fromEntries(ic.requests().filter((r) => r.service === 'rostering' && r.query['offset'] === '0').map((r) => [r.path.split('/').pop(), r.query['filter'] ?? null]));

describe('reading the roster from IC', () => {
  it('reads the same district through OneRoster 1.2, 1.1 and the legacy API, page by page', async () => {
    const ic = await start();
    const dataset = loadDistrictDataset();
    const results = [];
    for (const mode of ['oneroster-1.2', 'oneroster-1.1', 'legacy-learningdata'] as const) {
      const { roster } = await read(await icFor(ic, mode), await storeFor());
      results.push(roster);
    }
    const [v12, v11, legacy] = results;
    expect(v12?.users).toHaveLength(dataset.users.length);
    expect(v12?.enrollments).toHaveLength(dataset.enrollments.length);
    expect(v12?.schools.map((s) => s.identifier).sort()).toEqual(['LHS', 'RHS', 'WMS']);
    // 1.1 and the legacy API prefix user IDs with the role and carry one role per user: the reader's records agree.
    expect(v11?.users.map((u) => [u.sourcedId, u.roles[0]?.role, u.roles[0]?.orgSourcedId, u.enabled])).toEqual(v12?.users.map((u) => [u.sourcedId, u.roles[0]?.role, u.roles[0]?.orgSourcedId, u.enabled]));
    expect(v11?.enrollments).toEqual(v12?.enrollments);
    expect(legacy?.classes).toEqual(v12?.classes);
    expect(v12?.users.find((u) => u.sourcedId === 'gdn-4001')?.agents).toEqual(['stu-1001', 'stu-1031']);
    expect(v12?.sessions.find((s) => s.sourcedId === 'lhs-2027-q1')?.orgSourcedId).toBe('sch-lincoln');
    expect(v11?.sessions.find((s) => s.sourcedId === 'lhs-2027-q1')?.orgSourcedId).toBeNull();
  });

  it('reads users, courses and classes as deltas after a full read, merged into the stored copy; enrollments always in full', async () => {
    const dataset = loadDistrictDataset();
    let ic = await start(dataset);
    const store = await storeFor();
    const first = await read(await icFor(ic, 'oneroster-1.2'), store);
    expect(Object.values(filters(ic)).every((f) => f === null)).toBe(true);
    const newest = (list: readonly { dateLastModified: string }[]) => new Date(Math.max(...list.map((o) => Date.parse(o.dateLastModified)))).toISOString();
    expect(JSON.parse((await readState(store, 'roster.read.users')) ?? '{}')).toMatchObject({ source: 'ic', watermark: newest(dataset.users) });

    // IC changes a user and a class, and drops an enrollment (no tobedeleted mark).
    const changed = structuredClone(dataset);
    const stamp = '2026-11-30T08:00:00.000Z';
    Object.assign(changed.users.find((u) => u.sourcedId === 'stu-1001')!, { familyName: 'García-López', dateLastModified: stamp });
    Object.assign(changed.classes.find((c) => c.sourcedId === 'cls-bio-p3')!, { title: 'Biology - P3 (Lab)', dateLastModified: stamp });
    changed.enrollments = changed.enrollments.filter((e) => e.sourcedId !== 'enr-cls-alg1-p1-stu-1002');
    const port = Number(new URL(ic.url).port);
    await ic.close();
    ic = await start(changed, port);

    const second = await read(await icFor(ic, 'oneroster-1.2'), store);
    expect(filters(ic)).toEqual({
      schools: null,
      academicSessions: null,
      users: deltaFilter(dataset.users.map((u) => u.dateLastModified)),
      courses: deltaFilter(dataset.courses.map((c) => c.dateLastModified)),
      classes: deltaFilter(dataset.classes.map((c) => c.dateLastModified)),
      enrollments: null,
    });
    expect(second.roster.users).toHaveLength(first.roster.users.length);
    expect(second.roster.users.find((u) => u.sourcedId === 'stu-1001')?.familyName).toBe('García-López');
    expect(second.roster.classes.find((c) => c.sourcedId === 'cls-bio-p3')?.title).toBe('Biology - P3 (Lab)');
    expect(second.roster.enrollments).toHaveLength(first.roster.enrollments.length - 1);

    // The watermark moved to the newest change: the next delta returns only what changed since (with the overlap).
    ic.resetRequestLog();
    const third = await read(await icFor(ic, 'oneroster-1.2'), store);
    expect(filters(ic)['users']).toBe(deltaFilter([stamp]));
    expect(third.roster.users).toEqual(second.roster.users);
    const fetched = ic.requests().filter((r) => r.service === 'rostering');
    expect(fetched.filter((r) => /\/(users|classes)$/.test(r.path))).toHaveLength(2);
    // Fetched in full: schools, sessions, enrollments; as deltas: what is newer than each collection's watermark less the overlap.
    const sinceWatermark = (list: readonly { dateLastModified: string }[]) => list.filter((o) => Date.parse(o.dateLastModified) > Date.parse(newest(list)) - 3600_000).length;
    expect(third.fetched).toBe(
      dataset.orgs.filter((o) => o.type === 'school').length + dataset.academicSessions.length + changed.enrollments.length + sinceWatermark(changed.users) + sinceWatermark(changed.courses) + sinceWatermark(changed.classes),
    );
  });

  it('keeps the watermark when a delta returns nothing', async () => {
    const dataset = loadDistrictDataset();
    let ic = await start(dataset);
    const store = await storeFor();
    await read(await icFor(ic, 'oneroster-1.2'), store);
    const before = JSON.parse((await readState(store, 'roster.read.users')) ?? '{}') as { watermark: string };
    // IC drops the user(s) stamped last (without a tobedeleted mark): the next delta finds nothing newer.
    const changed = structuredClone(dataset);
    changed.users = changed.users.filter((u) => Date.parse(u.dateLastModified) <= Date.parse(before.watermark) - 3600_000);
    const port = Number(new URL(ic.url).port);
    await ic.close();
    ic = await start(changed, port);
    const client = await icFor(ic, 'oneroster-1.2');
    await read(client, store);
    expect(JSON.parse((await readState(store, 'roster.read.users')) ?? '{}')).toMatchObject({ watermark: before.watermark });
    ic.resetRequestLog();
    await read(client, store);
    expect(filters(ic)['users']).toBe(deltaFilter([before.watermark]));
  });

  it('reads everything again on a full run, when the IC connection changed, after a week, and stores nothing on a dry run', async () => {
    const ic = await start();
    const store = await storeFor();
    const client = await icFor(ic, 'oneroster-1.2');
    await read(client, store, { persist: false });
    expect(await readState(store, 'roster.read.users')).toBeNull();
    await read(client, store);

    const usersFilter = async (options: Parameters<typeof read>[2]) => {
      ic.resetRequestLog();
      await read(client, store, { ...options, persist: false });
      return filters(ic)['users'];
    };
    expect(await usersFilter({})).toMatch(/^dateLastModified>/);
    expect(await usersFilter({ full: true })).toBeNull();
    expect(await usersFilter({ source: 'another IC' })).toBeNull();
    expect(await usersFilter({ at: new Date(now.getTime() + (fullReadEveryDays + 1) * 86_400_000) })).toBeNull();
    expect(await usersFilter({ at: new Date(now.getTime() + (fullReadEveryDays - 1) * 86_400_000) })).toMatch(/^dateLastModified>/);
  });
});
