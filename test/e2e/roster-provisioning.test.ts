/**
 * Roster provisioning end to end: the fixture district served by the IC sandbox, provisioned into
 * the Schoology sandbox through the real clients, with a fresh store per test. The expected
 * Schoology state is fixtures/district/expected-schoology.json (derived by hand from the rules).
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rosterProvisioning } from '../../pipelines/roster-provisioning.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import type { PipelineContext, RunRequest } from '../../pipelines/context.ts';
import type { RosterCounts } from '../../pipelines/run-summary.ts';
import { fixturesDir, loadDistrictDataset, startIcSandbox, type IcDataset, type IcSandbox } from '../../sandbox/ic/server.ts';
import { startSchoologySandbox, type SchoologySandbox, type SchoologyState } from '../../sandbox/schoology/server.ts';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger, silentLogger } from '../../src/logger.ts';
import type { Store } from '../../src/store/open-store.ts';
import { readRosterSnapshot } from '../../src/store/roster-mappings.ts';
import { listRowOutcomes } from '../../src/store/row-outcomes.ts';
import { openFreshStore } from '../helpers/stores.ts';

const now = new Date('2026-12-02T15:00:00Z');

const Expected = z.object({
  config: z.object({ schools: z.record(z.string(), z.string()), terms: z.record(z.string(), z.string()), roles: z.record(z.string(), z.string()) }),
  buildings: z.array(z.object({ title: z.string(), building_code: z.string() })),
  gradingPeriods: z.array(z.object({ title: z.string(), start: z.string(), end: z.string() })),
  users: z.array(z.record(z.string(), z.unknown())),
  courses: z.array(z.object({ course_code: z.string(), title: z.string(), building: z.string() })),
  sections: z.array(z.object({ section_school_code: z.string(), section_code: z.string(), title: z.string(), course_code: z.string(), grading_periods: z.array(z.string()) })),
  enrollments: z.array(z.object({ section_school_code: z.string(), school_uid: z.string(), admin: z.boolean() })),
  parentLinks: z.array(z.object({ parent_uid: z.string(), student_uid: z.string() })),
});
type Expected = z.infer<typeof Expected>;
const expected: Expected = Expected.parse(JSON.parse(readFileSync(path.join(fixturesDir, 'expected-schoology.json'), 'utf8')));
type Normalized = Omit<Expected, 'config'>;

/** The counts a first run over the fixture district reports (README "Summary"). */
const firstRunCounts: RosterCounts = {
  buildings: { created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0, skippedBy: {} },
  gradingPeriods: { created: 12, updated: 0, unchanged: 0, skipped: 3, failed: 0, skippedBy: { 'other-year': 2, 'unmapped-term': 1 } },
  users: { created: 68, updated: 0, unchanged: 0, skipped: 4, failed: 0, skippedBy: { 'disabled-user': 2, 'unmapped-school': 1, 'username-has-space': 1 } },
  courses: { created: 10, updated: 0, unchanged: 0, skipped: 2, failed: 0, skippedBy: { 'no-class-provisioned': 2 } },
  sections: { created: 11, updated: 0, unchanged: 0, skipped: 2, failed: 0, skippedBy: { 'other-year': 1, 'unmapped-term': 1 } },
  // 110 enrollments and 4 parent links; skipped: the 2025-2026 class, the class whose only term is skipped, and two skipped students.
  enrollments: { created: 114, updated: 0, unchanged: 0, skipped: 17, failed: 0, skippedBy: { 'other-year': 6, 'unmapped-term': 9, 'disabled-user': 1, 'username-has-space': 1 } },
};

function unchangedCounts(counts: RosterCounts): RosterCounts {
  const out = structuredClone(counts);
  for (const kind of Object.values(out)) {
    kind.unchanged += kind.created + kind.updated;
    kind.created = 0;
    kind.updated = 0;
  }
  return out;
}

/** The sandbox state with IDs replaced by the keys a person reads: building codes, period titles, role titles, course codes. */
function normalize(state: SchoologyState): Normalized {
  const building = new Map(state.buildings.map((b) => [b.id, b.building_code]));
  const period = new Map(state.gradingPeriods.map((p) => [p.id, p.title]));
  const role = new Map(state.roles.map((r) => [r.id, r.title]));
  const course = new Map(state.courses.map((c) => [c.id, c.course_code]));
  const by = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    buildings: state.buildings.map((b) => ({ title: b.title, building_code: b.building_code })).sort(by((b) => b.building_code)),
    gradingPeriods: state.gradingPeriods.map((p) => ({ title: p.title, start: p.start, end: p.end })).sort(by((p) => p.title)),
    users: state.users
      .map((u) => ({
        school_uid: u.school_uid,
        name_first: u.name_first,
        name_last: u.name_last,
        username: u.username,
        primary_email: u.primary_email,
        role: role.get(u.role_id),
        building: building.get(u.building_id),
        additional_buildings: (u.additional_buildings ?? []).map((id) => building.get(id)),
        ...(u.name_first_preferred ? { name_first_preferred: u.name_first_preferred } : {}),
      }))
      .sort(by((u) => u.school_uid)),
    courses: state.courses.map((c) => ({ course_code: c.course_code, title: c.title, building: building.get(c.building_id) ?? c.building_id })).sort(by((c) => c.course_code)),
    sections: state.sections
      .map((s) => ({
        section_school_code: s.section_school_code,
        section_code: s.section_code,
        title: s.title,
        course_code: course.get(s.course_id) ?? s.course_id,
        grading_periods: s.grading_periods.map((id) => period.get(id) ?? id).sort(),
      }))
      .sort(by((s) => s.section_school_code)),
    enrollments: state.enrollments
      .map((e) => ({ section_school_code: e.section_school_code, school_uid: e.school_uid, admin: e.admin }))
      .sort(by((e) => `${e.section_school_code}/${e.school_uid}`)),
    parentLinks: state.parentLinks.map((l) => ({ parent_uid: l.parent_uid, student_uid: l.student_uid })).sort(by((l) => `${l.parent_uid}/${l.student_uid}`)),
  };
}

const { config: expectedConfig, ...expectedState } = expected;

interface World {
  ic: IcSandbox;
  sgy: SchoologySandbox;
  store: Store;
  dir: string;
  ctx: PipelineContext;
  run(request?: Partial<RunRequest>): ReturnType<typeof runPipeline>;
  /** Restarts the IC sandbox on the same address with a changed data set. */
  changeIc(change: (dataset: IcDataset) => void): Promise<void>;
}

interface WorldOptions {
  /** Mappings-only mode: without the `schoology` block, or with it and `provision: false`. */
  mappingsOnly?: 'no-schoology-block' | 'provision-false';
  vendorKey?: boolean;
  schoologyMaxAttempts?: number;
  /** Collects the run's log lines (pino JSON). */
  logLines?: string[];
}

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) {
    await world.ic.close();
    await world.sgy.close();
    await world.store.close();
  }
});

async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-roster-'));
  let dataset = loadDistrictDataset();
  let ic = await startIcSandbox({ dataset, now: () => now });
  const sgy = await startSchoologySandbox({ rateLimit: { requests: 10_000, perSeconds: 1 } });
  const store = await openFreshStore('sqlite');
  const env = {
    IC_CLIENT_ID: ic.credentials.clientId,
    IC_CLIENT_SECRET: ic.credentials.clientSecret,
    IC_VENDOR_KEY: ic.credentials.vendorKey,
    IC_VENDOR_SECRET: ic.credentials.vendorSecret,
    SGY_KEY: sgy.consumerKey,
    SGY_SECRET: sgy.consumerSecret,
  };
  const config = parseConfig(
    {
      infiniteCampus: {
        api: 'oneroster-1.2',
        baseUrl: ic.baseUrl('oneroster-1.2'),
        tokenUrl: ic.tokenUrl,
        clientId: { env: 'IC_CLIENT_ID' },
        clientSecret: { env: 'IC_CLIENT_SECRET' },
        ...(options.vendorKey === false ? {} : { vendorKey: { env: 'IC_VENDOR_KEY' }, vendorSecret: { env: 'IC_VENDOR_SECRET' } }),
      },
      rosterProvisioning: {
        activeYear: '2026-2027',
        ...(options.mappingsOnly === 'provision-false' ? { provision: false } : {}),
        ...(options.mappingsOnly === 'no-schoology-block'
          ? {}
          : {
              schoology: {
                baseUrl: sgy.url,
                consumerKey: { env: 'SGY_KEY' },
                consumerSecret: { env: 'SGY_SECRET' },
                rateLimit: { requests: 1000, perSeconds: 1 },
                ...(options.schoologyMaxAttempts ? { maxAttempts: options.schoologyMaxAttempts } : {}),
              },
            }),
        ...expectedConfig,
        gradingTasksFile: './grading-tasks.csv',
      },
    },
    { baseDir: dir, env },
  );
  const lines = options.logLines;
  const logger = lines
    ? createLogger({ level: 'info', pretty: false, destination: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString('utf8').trim().split('\n')), done()) }) })
    : silentLogger();
  const ctx: PipelineContext = { config, store, logger, now: () => now };
  const world: World = {
    get ic() {
      return ic;
    },
    sgy,
    store,
    dir,
    ctx,
    run: (request = {}) => runPipeline(ctx, 'roster', rosterProvisioning, { trigger: 'cli', dryRun: false, full: false, scope: null, ...request }),
    async changeIc(change) {
      dataset = structuredClone(dataset);
      change(dataset);
      const port = Number(new URL(ic.url).port);
      await ic.close();
      ic = await startIcSandbox({ dataset, now: () => now, port });
    },
  };
  worlds.push(world);
  return world;
}

describe('roster provisioning (e2e)', () => {
  it('provisions the fixture district into an empty Schoology, exactly as expected, and stores the mappings', async () => {
    const world = await startWorld();
    const summary = await world.run();
    expect(summary).toMatchObject({ pipeline: 'roster', status: 'succeeded', dryRun: false });
    expect(summary.counts).toEqual(firstRunCounts);
    expect(normalize(world.sgy.state())).toEqual(expectedState);

    // The key was checked through /users/me: a 303, followed with a freshly signed request (a replayed nonce answers 401).
    const requests = world.sgy.requests();
    const me = requests.findIndex((r) => r.path === '/v1/users/me');
    expect(requests[me]?.status).toBe(303);
    expect(requests[me + 1]).toMatchObject({ method: 'GET', path: '/v1/users/900001', status: 200 });
    expect(requests.filter((r) => r.status === 401)).toEqual([]);

    // Bulk calls: at most 50 items each, ceil(n/50) per kind (sections per course).
    const bulk = (p: RegExp) => requests.filter((r) => r.method === 'POST' && p.test(r.path));
    expect(bulk(/^\/v1\/users$/).map((r) => r.items)).toEqual([50, 18]);
    expect(bulk(/^\/v1\/courses$/).map((r) => r.items)).toEqual([10]);
    expect(bulk(/^\/v1\/courses\/[^/]+\/sections$/)).toHaveLength(10);
    expect(bulk(/^\/v1\/enrollments\/import\/course$/).map((r) => r.items)).toEqual([50, 50, 10]);
    expect(bulk(/^\/v1\/users\/import\/associations\/parents$/).map((r) => r.items)).toEqual([4]);

    // Mappings for grade passback: sections and grading periods by their Schoology IDs.
    const state = world.sgy.state();
    const snapshot = await readRosterSnapshot(world.store);
    const q1 = snapshot.terms.find((t) => t.sourced_id === 'rhs-2027-q1');
    expect(q1).toMatchObject({ school_sourced_id: 'sch-roosevelt', grading_period_title: 'Q1 2026-2027 (RHS)' });
    expect(q1?.grading_period_id).toBe(state.gradingPeriods.find((p) => p.title === 'Q1 2026-2027 (RHS)')?.id);
    const alg = snapshot.classes.find((c) => c.sourced_id === 'cls-alg1-p1');
    expect(alg?.section_id).toBe(state.sections.find((s) => s.section_school_code === 'cls-alg1-p1')?.id);
    expect(snapshot.schools.find((s) => s.sourced_id === 'sch-lincoln')?.building_id).toBe(state.buildings.find((b) => b.building_code === 'LHS')?.id);

    // Every action and skip is logged with its sync type and school.
    const skips = await listRowOutcomes(world.store, summary.runId, { syncType: 'users', outcome: 'username-has-space' });
    expect(skips).toEqual([expect.objectContaining({ object_key: 'stu-1029', school: 'sch-lincoln', message: expect.stringContaining('ana lucia.ortiz') })]);
    expect(await listRowOutcomes(world.store, summary.runId, { syncType: 'sections', outcome: 'created', school: 'sch-roosevelt' })).toHaveLength(2);

    // The grading tasks file lists every task on the line items, with its courses and terms.
    const tasks = readFileSync(path.join(world.dir, 'grading-tasks.csv'), 'utf8').trim().split('\n');
    expect(tasks[0]).toBe('Task ID,Task Name,Courses,Terms');
    expect(tasks.slice(1).map((line) => line.split(',')[0])).toEqual([...new Set(loadDistrictDataset().lineItems.map((l) => l.taskId))].sort((a, b) => Number(a) - Number(b)));
  });

  it('makes no write call on a second run over an unchanged district', async () => {
    const world = await startWorld();
    await world.run();
    world.sgy.resetRequestLog();
    const second = await world.run();
    expect(second.status).toBe('succeeded');
    expect(world.sgy.writeCount()).toBe(0);
    expect(world.sgy.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(second.counts).toEqual(unchangedCounts(firstRunCounts));
    expect(normalize(world.sgy.state())).toEqual(expectedState);
  });

  it('applies IC changes on the next run without duplicates, and never removes a hand-made enrollment', async () => {
    const world = await startWorld();
    await world.run();
    const before = world.sgy.state();
    world.sgy.addEnrollmentByHand('cls-alg1-p1', 'tch-2002', true);
    // Enrolled by hand, and then listed by IC too: Schoology already has it when gradebridge imports it.
    world.sgy.addEnrollmentByHand('cls-alg1-p1', 'tch-2003', true);
    const changed = '2026-11-30T08:00:00.000Z';
    await world.changeIc((d) => {
      const student = structuredClone(d.users.find((u) => u.sourcedId === 'stu-1001')!);
      Object.assign(student, { sourcedId: 'stu-1061', username: 'new.student', givenName: 'New', familyName: 'Student', identifier: '801061', email: 'new.student@students.maplevalley.k12.us', agents: [], dateLastModified: changed });
      d.users.push(student);
      d.enrollments.push({ ...structuredClone(d.enrollments.find((e) => e.sourcedId === 'enr-cls-alg1-p1-stu-1001')!), sourcedId: 'enr-new', user: 'stu-1061', dateLastModified: changed });
      d.enrollments.push({ ...structuredClone(d.enrollments.find((e) => e.sourcedId === 'enr-cls-alg1-p1-tch-2001')!), sourcedId: 'enr-co-teacher', user: 'tch-2003', dateLastModified: changed });
      d.enrollments = d.enrollments.filter((e) => !(e.class === 'cls-alg1-p1' && e.user === 'stu-1002'));
      Object.assign(d.classes.find((c) => c.sourcedId === 'cls-bio-p3')!, { title: 'Biology - P3 (Lab)', dateLastModified: changed });
      Object.assign(d.classes.find((c) => c.sourcedId === 'cls-gov-s1')!, { terms: ['lhs-2027-q2'], dateLastModified: changed });
    });
    world.sgy.resetRequestLog();
    const summary = await world.run();
    expect(summary.status).toBe('succeeded');
    expect(summary.counts).toMatchObject({
      users: { created: 1, updated: 0, failed: 0 },
      sections: { created: 0, updated: 2, failed: 0 },
      enrollments: { created: 2, updated: 1, failed: 0 },
      courses: { created: 0, updated: 0 },
    });

    // Users, courses and classes were read as deltas; enrollments in full.
    const icReads = world.ic.requests().filter((r) => r.service === 'rostering');
    for (const collection of ['users', 'courses', 'classes']) {
      expect(icReads.find((r) => r.path.endsWith(`/${collection}`))?.query['filter']).toMatch(/^dateLastModified>'/);
    }
    expect(icReads.find((r) => r.path.endsWith('/enrollments'))?.query['filter']).toBeUndefined();

    const after = world.sgy.state();
    expect(after.sections).toHaveLength(before.sections.length);
    const section = (state: SchoologyState, code: string) => state.sections.find((s) => s.section_school_code === code)!;
    expect(section(after, 'cls-bio-p3')).toEqual({ ...section(before, 'cls-bio-p3'), title: 'Biology - P3 (Lab)' });
    const q2 = after.gradingPeriods.find((p) => p.title === 'Q2 2026-2027')!.id;
    expect(section(after, 'cls-gov-s1')).toEqual({ ...section(before, 'cls-gov-s1'), grading_periods: [q2] });
    expect(after.users.filter((u) => u.school_uid === 'stu-1061')).toHaveLength(1);
    const alg1 = after.enrollments.filter((e) => e.section_school_code === 'cls-alg1-p1').map((e) => `${e.school_uid}:${e.admin ? 1 : 0}`);
    expect(alg1).toContain('stu-1061:0');
    expect(alg1).toContain('tch-2002:1');
    expect(alg1).not.toContain('stu-1002:0');
    const writes = world.sgy.requests().filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')} ${r.items ?? ''}`).sort()).toEqual([
      'POST /vN/enrollments/import/course 3',
      'POST /vN/users 1',
      'PUT /vN/sections/N ',
      'PUT /vN/sections/N ',
    ]);

    // Once more: nothing left to do. Then IC drops the co-teacher: the enrollment was made by hand, so it stays.
    world.sgy.resetRequestLog();
    await world.run();
    expect(world.sgy.writeCount()).toBe(0);
    await world.changeIc((d) => {
      d.enrollments = d.enrollments.filter((e) => e.sourcedId !== 'enr-co-teacher');
    });
    const dropped = await world.run();
    expect(dropped.counts).toMatchObject({ enrollments: { created: 0, updated: 0, failed: 0 } });
    expect(world.sgy.writeCount()).toBe(0);
    const byHand = world.sgy.state().enrollments.filter((e) => e.section_school_code === 'cls-alg1-p1' && e.byHand).map((e) => e.school_uid);
    expect(byHand.sort()).toEqual(['tch-2002', 'tch-2003']);
  });

  it('reports exactly the bulk items Schoology refused inside a 200, provisions the rest, and finishes on the next run', async () => {
    const world = await startWorld();
    world.sgy.faults.set({
      failItems: (kind, item) => {
        const fields = item as Record<string, unknown>;
        if (kind === 'users' && fields['school_uid'] === 'stu-1005') return 'Email address aaliyah.johnson@students.maplevalley.k12.us is already in use';
        if (kind === 'enrollments' && fields['section_school_code'] === 'cls-bio-p3' && fields['school_uid'] === 'stu-1003') return { code: 403, message: 'Section is locked' };
        return null;
      },
    });
    const summary = await world.run();
    expect(summary.status).toBe('partial');
    const failed = await listRowOutcomes(world.store, summary.runId, { outcome: 'failed' });
    expect(failed.map((o) => [o.sync_type, o.object_key, o.school, o.message])).toEqual([
      ['users', 'stu-1005', 'sch-lincoln', 'Email address aaliyah.johnson@students.maplevalley.k12.us is already in use'],
      ['enrollments', 'cls-bio-p3/stu-1003', 'sch-lincoln', 'Section is locked'],
    ]);
    const stu1005Enrollments = expectedState.enrollments.filter((e) => e.school_uid === 'stu-1005');
    const counts = summary.counts as RosterCounts;
    expect(counts.users).toMatchObject({ created: 67, failed: 1 });
    expect(counts.enrollments).toMatchObject({ created: 114 - 1 - stu1005Enrollments.length, failed: 1, skippedBy: expect.objectContaining({ 'dependency-failed': stu1005Enrollments.length }) });
    const state = normalize(world.sgy.state());
    expect(state.users.map((u) => u.school_uid)).toEqual(expectedState.users.map((u) => u['school_uid']).filter((uid) => uid !== 'stu-1005'));
    expect(state.enrollments).toEqual(expectedState.enrollments.filter((e) => e.school_uid !== 'stu-1005' && !(e.section_school_code === 'cls-bio-p3' && e.school_uid === 'stu-1003')));

    world.sgy.faults.clear();
    const again = await world.run();
    expect(again.status).toBe('succeeded');
    const againCounts = again.counts as RosterCounts;
    expect(againCounts.users).toMatchObject({ created: 1, unchanged: 67 });
    expect(againCounts.enrollments).toMatchObject({ created: 1 + stu1005Enrollments.length, failed: 0 });
    expect(normalize(world.sgy.state())).toEqual(expectedState);
  });

  it('absorbs 429s (honouring Retry-After) and refreshes an IC token that expires mid-run', async () => {
    const world = await startWorld({ schoologyMaxAttempts: 20 });
    world.sgy.faults.set({ rate429: 0.3, retryAfterSeconds: 0, seed: 7 });
    world.ic.faults.at(4, 'expire-token');
    const summary = await world.run();
    expect(summary.status).toBe('succeeded');
    expect(world.sgy.requests().filter((r) => r.status === 429).length).toBeGreaterThan(5);
    expect(normalize(world.sgy.state())).toEqual(expectedState);
    const icRequests = world.ic.requests();
    expect(icRequests.some((r) => r.status === 401)).toBe(true);
    expect(icRequests.filter((r) => r.service === 'token' && r.status === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('--dry-run reads IC and Schoology, writes nothing, and counts what it would write', async () => {
    const world = await startWorld();
    const summary = await world.run({ dryRun: true });
    expect(summary).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(summary.counts).toEqual(firstRunCounts);
    expect(world.sgy.writeCount()).toBe(0);
    expect(world.sgy.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(world.sgy.requests().some((r) => r.path === '/v1/users' && r.method === 'GET')).toBe(true);
    expect(normalize(world.sgy.state())).toEqual({ buildings: [], gradingPeriods: [], users: [], courses: [], sections: [], enrollments: [], parentLinks: [] });
    const planned = await listRowOutcomes(world.store, summary.runId, { syncType: 'sections', outcome: 'created' });
    expect(planned).toHaveLength(11);
    expect(planned.every((o) => o.message === 'dry run: not sent')).toBe(true);
    expect((await readRosterSnapshot(world.store)).classes).toEqual([]);
    expect(existsSync(path.join(world.dir, 'grading-tasks.csv'))).toBe(false);
  });

  it.each(['no-schoology-block', 'provision-false'] as const)('mappings-only mode (%s) stores every active-year class with its teachers, students and terms, and calls Schoology not once', async (mappingsOnly) => {
    const logLines: string[] = [];
    const world = await startWorld({ mappingsOnly, vendorKey: false, logLines });
    const summary = await world.run();
    expect(summary.status).toBe('succeeded');
    expect(world.sgy.requests()).toEqual([]);
    const snapshot = await readRosterSnapshot(world.store);
    const dataset = loadDistrictDataset();
    const activeYearClasses = dataset.classes.filter((c) => c.terms.some((t) => dataset.academicSessions.find((s) => s.sourcedId === t)?.schoolYear === '2027'));
    expect(snapshot.classes.map((c) => c.sourced_id).sort()).toEqual(activeYearClasses.map((c) => c.sourcedId).sort());
    expect(snapshot.classes.every((c) => c.section_id === null)).toBe(true);
    const econ = snapshot.classes.find((c) => c.sourced_id === 'cls-econ-s2');
    expect(JSON.parse(econ?.term_sourced_ids ?? '[]')).toEqual(['lhs-2027-s2']);
    const roster = (role: string, cls: string) => snapshot.enrollments.filter((e) => e.class_sourced_id === cls && e.role === role).map((e) => e.user_sourced_id).sort();
    const inIc = (role: string, cls: string) => dataset.enrollments.filter((e) => e.class === cls && e.role === role && e.status === 'active').map((e) => e.user).sort();
    for (const c of activeYearClasses) {
      expect(roster('teacher', c.sourcedId)).toEqual(inIc('teacher', c.sourcedId));
      expect(roster('student', c.sourcedId)).toEqual(inIc('student', c.sourcedId));
    }
    expect(snapshot.terms.find((t) => t.sourced_id === 'lhs-2027-q1')).toMatchObject({ school_sourced_id: 'sch-lincoln', grading_period_id: null });
    expect(snapshot.users.find((u) => u.sourced_id === 'tch-2001')).toMatchObject({ uid: 'tch-2001', email: 'ecarter@maplevalley.k12.us', role: 'teacher' });
    // Without the vendor key the grading tasks file is skipped with a warning; the roster is unaffected.
    expect(existsSync(path.join(world.dir, 'grading-tasks.csv'))).toBe(false);
    const warnings = logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringContaining('vendorKey')]);
  });
});
