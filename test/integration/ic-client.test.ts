/**
 * The IC client against the IC sandbox over HTTP on 127.0.0.1, in all three connection modes:
 * reads, paging, result writes, OAuth 2 tokens and OAuth 1 signatures, refusals, retries with
 * injected faults, and the concurrency bound.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { InfiniteCampusConfig } from '../../src/config/schema.ts';
import { InfiniteCampusError, remedies } from '../../src/errors.ts';
import { createIcClient, type IcClient, type IcClientOptions, type IcRequestEvent } from '../../src/load/ic-client.ts';
import { icMessage } from '../../src/load/ic-errors.ts';
import { IcClass, IcEnrollment, IcUser } from '../../src/load/ic-schemas.ts';
import { toLineItem } from '../../src/load/read-line-items.ts';
import { buildResultBody } from '../../src/load/result-body.ts';
import type { PlannedResult } from '../../src/types.ts';
import { loadDistrictDataset, startIcSandbox, type IcApiMode, type IcDataset, type IcSandbox } from '../../sandbox/ic/server.ts';

const modes: IcApiMode[] = ['oneroster-1.2', 'oneroster-1.1', 'legacy-learningdata'];
const sandboxNow = new Date('2026-12-02T15:00:00Z');
const putOptions = { letterGrades: true, scoreDate: '2026-12-02', now: sandboxNow };

const dataset: IcDataset = loadDistrictDataset();

/** What the tests post to and read, picked from the fixture data set rather than hard-coded. */
function pickTargets(d: IcDataset) {
  const isStudent = (id: string) => d.users.find((u) => u.sourcedId === id)?.roles.some((r) => r.roleType === 'primary' && r.role === 'student');
  const studentsOf = (classId: string) =>
    d.enrollments.filter((e) => e.class === classId && e.role === 'student' && e.status === 'active' && isStudent(e.user)).map((e) => e.user);
  const flag = (l: IcDataset['lineItems'][number]) => (l.windowOpen === undefined ? undefined : l.windowOpen === true || l.windowOpen === 'true');
  const usable = d.lineItems.filter((l) => l.status === 'active' && studentsOf(l.class).length > 0);
  const open = usable.find((l) => flag(l) === true && l.scoreScale !== undefined);
  const closed = usable.find((l) => flag(l) === false);
  const scale = d.scoreScales.find((s) => s.sourcedId === open?.scoreScale);
  const outsider = d.users.find((u) => isStudent(u.sourcedId) && open && !studentsOf(open.class).includes(u.sourcedId));
  const letter = scale?.scoreScaleValue[0]?.itemValueLHS;
  if (!open || !closed || !outsider || !letter)
    throw new Error('the fixture data set needs an open line item with a letter scale, a closed one, and students in and out of its class');
  return {
    open,
    closed,
    student: studentsOf(open.class)[0]!,
    closedStudent: studentsOf(closed.class)[0]!,
    outsider: outsider.sourcedId,
    letter,
    studentsOfOpenClass: studentsOf(open.class),
    lineItemsOfOpenClass: d.lineItems.filter((l) => l.class === open.class && l.status === 'active'),
  };
}
const t = pickTargets(dataset);

let resultCounter = 0;
function planned(lineItem: { sourcedId: string; class: string }, student: string, score = 87.5, letter: string | null = t.letter): PlannedResult {
  resultCounter += 1;
  return {
    resultSourcedId: `result-${process.pid}-${resultCounter}`,
    lineItemSourcedId: lineItem.sourcedId,
    classSourcedId: lineItem.class,
    studentSourcedId: student,
    score,
    letter,
    comment: null,
  };
}

function icConfig(
  sandbox: IcSandbox,
  mode: IcApiMode,
  extra: Record<string, unknown> = {},
  secrets: Partial<Record<'id' | 'secret' | 'vendorKey' | 'vendorSecret', string>> = {},
): InfiniteCampusConfig {
  const c = sandbox.credentials;
  const legacy = mode === 'legacy-learningdata';
  const env = {
    IC_ID: secrets.id ?? (legacy ? c.consumerKey : c.clientId),
    IC_SECRET: secrets.secret ?? (legacy ? c.consumerSecret : c.clientSecret),
    IC_VENDOR_KEY: secrets.vendorKey ?? c.vendorKey,
    IC_VENDOR_SECRET: secrets.vendorSecret ?? c.vendorSecret,
  };
  const raw = {
    infiniteCampus: {
      api: mode,
      baseUrl: sandbox.baseUrl(mode),
      ...(legacy ? {} : { tokenUrl: sandbox.tokenUrl }),
      clientId: { env: 'IC_ID' },
      clientSecret: { env: 'IC_SECRET' },
      vendorKey: { env: 'IC_VENDOR_KEY' },
      vendorSecret: { env: 'IC_VENDOR_SECRET' },
      ...extra,
    },
  };
  return parseConfig(raw, { baseDir: process.cwd(), env }).infiniteCampus;
}

/** Waits asked for between attempts; the client is given a sleep that records them and returns at once. */
let waits: number[] = [];
const clients: IcClient[] = [];
function client(config: InfiniteCampusConfig, options: Partial<IcClientOptions> = {}): IcClient {
  const c = createIcClient({
    config,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  clients.push(c);
  return c;
}

let sandbox: IcSandbox;
beforeAll(async () => {
  sandbox = await startIcSandbox({ dataset, now: () => sandboxNow });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  waits = [];
  sandbox.faults.clear();
  sandbox.resetRequestLog();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const tokenRequests = () => sandbox.requests().filter((r) => r.service === 'token').length;

describe.each(modes)('%s', (mode) => {
  it('reads a class, its students and its line items, with user IDs in the 1.2 form', async () => {
    const ic = client(icConfig(sandbox, mode));
    expect(ic.mode).toBe(mode);

    const klass = await ic.readClass(t.open.class);
    const expected = dataset.classes.find((c) => c.sourcedId === t.open.class)!;
    expect(klass).toMatchObject({ sourcedId: expected.sourcedId, title: expected.title, school: { sourcedId: expected.school } });
    expect(klass?.terms.map((term) => term.sourcedId)).toEqual(expected.terms);
    expect(await ic.readClass('no-such-class')).toBeNull();

    const students = await ic.readClassStudents(t.open.class);
    expect(students.map((s) => s.sourcedId).sort()).toEqual([...t.studentsOfOpenClass].sort());

    const items = await ic.readClassLineItems(t.open.class);
    expect(items.map((i) => i.sourcedId).sort()).toEqual(t.lineItemsOfOpenClass.map((l) => l.sourcedId).sort());
    for (const item of items) {
      const source = t.lineItemsOfOpenClass.find((l) => l.sourcedId === item.sourcedId)!;
      expect(item).toEqual({
        sourcedId: source.sourcedId,
        classSourcedId: source.class,
        title: source.title,
        taskId: Number(source.taskId),
        termSourcedId: source.gradingPeriod,
        windowOpenFlag: source.windowOpen === undefined ? null : source.windowOpen === true || source.windowOpen === 'true',
      });
    }
  });

  it('reads enrollments with user references stripped of any role prefix', async () => {
    const ic = client(icConfig(sandbox, mode));
    const enrollments = await ic.readCollection('rostering', '/enrollments', 'enrollments', IcEnrollment);
    expect(enrollments).toHaveLength(dataset.enrollments.length);
    const userIds = new Set(dataset.users.map((u) => u.sourcedId));
    for (const e of enrollments) expect(userIds.has(e.user.sourcedId)).toBe(true);
  });

  it('PUTs a final grade that IC stores and reads back', async () => {
    const ic = client(icConfig(sandbox, mode));
    const result = planned(t.open, t.student);
    expect(await ic.putResult(result, putOptions)).toEqual({ kind: 'posted', status: 201 });
    expect(await ic.putResult({ ...result, score: 91 }, putOptions)).toMatchObject({ kind: 'posted', status: 200 });

    const stored = sandbox.results().find((r) => r.sourcedId === result.resultSourcedId);
    expect(stored).toMatchObject({
      lineItemSourcedId: t.open.sourcedId,
      studentSourcedId: t.student,
      classSourcedId: t.open.class,
      score: 91,
      textScore: t.letter,
      scoreGrade: t.letter,
      scoreDate: '2026-12-02',
      writes: 2,
    });
    expect(stored?.scoreStatus).toBe(mode === 'oneroster-1.2' ? 'fully graded' : undefined);
    expect(await ic.readResult(result.resultSourcedId)).toEqual({ score: 91, textScore: t.letter });
    expect(await ic.readResult('no-such-result')).toBeNull();
  });

  it('checks the connection: token, a rostering read and a gradebook read', async () => {
    const ic = client(icConfig(sandbox, mode));
    expect(await ic.checkConnection()).toEqual({ tokenObtained: mode !== 'legacy-learningdata', classFound: true, gradebookChecked: true });
    const services = sandbox.requests().map((r) => r.service);
    expect(services).toEqual(mode === 'legacy-learningdata' ? ['rostering', 'gradebook'] : ['token', 'rostering', 'gradebook']);
  });

  it('rejected credentials stop with IC_CREDENTIALS_REJECTED and the remedy', async () => {
    const own = await startIcSandbox({ dataset, now: () => sandboxNow });
    try {
      const ic = client(icConfig(own, mode));
      await ic.readClass(t.open.class);
      const before = own.requests().length;
      own.revokeCredentials();
      const error = await ic.readClass(t.open.class).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfiniteCampusError);
      expect(error).toMatchObject({ code: 'IC_CREDENTIALS_REJECTED', remedy: remedies.icCredentialsRejected, status: 401 });
      expect((error as Error).message).not.toContain(own.credentials.clientSecret);
      expect((error as Error).message).not.toContain(own.credentials.consumerSecret);
      // One repeat after the 401, never more (the repeat used a new token where there are tokens).
      const afterRevoke = own.requests().slice(before);
      expect(afterRevoke.map((r) => `${r.service} ${r.status}`)).toEqual(
        mode === 'legacy-learningdata' ? ['rostering 401', 'rostering 401'] : ['rostering 401', 'token 401'],
      );
    } finally {
      await own.close();
    }
  });

  it('a wrong vendor secret is refused as IC_CREDENTIALS_REJECTED naming the vendor key', async () => {
    const ic = client(icConfig(sandbox, mode, {}, { vendorSecret: 'not-the-vendor-secret' }));
    expect(await ic.readClass(t.open.class)).not.toBeNull();
    const error = await ic.readClassLineItems(t.open.class).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IC_CREDENTIALS_REJECTED', remedy: remedies.icCredentialsRejected });
    expect((error as Error).message).toMatch(/vendor key/);
    // IC's own words come along; in legacy mode they also show the repeat was signed with a new nonce.
    expect((error as Error).message).toContain('x-vendor-authorization: VENDOR_KEY:VENDOR_SECRET');
    expect((error as Error).message).not.toContain('not-the-vendor-secret');
  });

  it('without vendor credentials, gradebook calls stop before anything is sent', async () => {
    const base = icConfig(sandbox, mode);
    const ic = client({ ...base, vendorKey: undefined, vendorSecret: undefined });
    await expect(ic.readClassLineItems(t.open.class)).rejects.toMatchObject({ code: 'IC_VENDOR_KEY_MISSING' });
    await expect(ic.putResult(planned(t.open, t.student), putOptions)).rejects.toMatchObject({ code: 'IC_VENDOR_KEY_MISSING' });
    expect(sandbox.requests().filter((r) => r.service === 'gradebook')).toEqual([]);
    expect(await ic.checkConnection()).toMatchObject({ gradebookChecked: false });
  });

  it('reads every page with a small page size', async () => {
    const ic = client(icConfig(sandbox, mode, { pageSize: 2 }));
    const classes = await ic.readCollection('rostering', '/classes', 'classes', IcClass);
    expect(classes.map((c) => c.sourcedId)).toEqual(dataset.classes.map((c) => c.sourcedId));
    const pageReads = sandbox.requests().filter((r) => r.path.endsWith('/classes'));
    expect(pageReads.length).toBe(Math.ceil(dataset.classes.length / 2));
    expect(pageReads.map((r) => r.query['offset'])).toEqual(pageReads.map((_, i) => String(i * 2)));
  });
});

describe('paging and filters', () => {
  it('streams pages no larger than the page size', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2', { pageSize: 3 }));
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of ic.readPages('rostering', '/users', 'users', IcUser)) {
      sizes.push(page.length);
      ids.push(...page.map((u) => u.sourcedId));
    }
    expect(ids).toEqual(dataset.users.map((u) => u.sourcedId));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.length).toBe(Math.ceil(dataset.users.length / 3));
  });

  it('sends a OneRoster filter, URL-encoded, and IC applies it', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'));
    const school = dataset.classes[0]!.school;
    const filtered = await ic.readCollection('rostering', '/classes', 'classes', IcClass, { filter: `school.sourcedId='${school}'` });
    expect(filtered.map((c) => c.sourcedId)).toEqual(dataset.classes.filter((c) => c.school === school).map((c) => c.sourcedId));
    expect(sandbox.requests().at(-1)?.query['filter']).toBe(`school.sourcedId='${school}'`);
  });

  it('an OAuth 1 signature covers the filter and page parameters', async () => {
    const ic = client(icConfig(sandbox, 'legacy-learningdata', { pageSize: 2 }));
    const active = await ic.readCollection('rostering', '/classes', 'classes', IcClass, { filter: "status='active'" });
    expect(active.map((c) => c.sourcedId)).toEqual(dataset.classes.filter((c) => c.status === 'active').map((c) => c.sourcedId));
    expect(sandbox.requests().every((r) => r.status === 200)).toBe(true);
  });
});

describe('OAuth 2 tokens', () => {
  it('one token serves many calls, also when the first calls run concurrently', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'), { concurrency: 3 });
    await Promise.all([ic.readClass(t.open.class), ic.readClassStudents(t.open.class), ic.readClassLineItems(t.open.class)]);
    for (let i = 0; i < 5; i++) await ic.readClass(t.open.class);
    expect(tokenRequests()).toBe(1);
    expect(sandbox.requests()).toHaveLength(9);
  });

  it('tokens expired by IC mid-run are renewed once and the call repeated', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'), { concurrency: 2 });
    await ic.readClass(t.open.class);
    sandbox.expireTokens();
    await Promise.all([ic.readClass(t.open.class), ic.readClassLineItems(t.open.class)]);
    expect(tokenRequests()).toBe(2);

    sandbox.resetRequestLog();
    sandbox.faults.at(1, 'expire-token');
    const outcome = await ic.putResult(planned(t.open, t.student), putOptions);
    expect(outcome.kind).toBe('posted');
    expect(sandbox.requests().map((r) => `${r.service} ${r.status}`)).toEqual(['gradebook 401', 'token 200', 'gradebook 201']);
  });

  it('a token close to its expiry is renewed before use', async () => {
    let clock = Date.parse('2026-12-02T15:00:00Z');
    const own = await startIcSandbox({ dataset, tokenLifetimeSeconds: 120, now: () => new Date(clock) });
    try {
      const ic = client(icConfig(own, 'oneroster-1.2'), { now: () => clock });
      await ic.readClass(t.open.class);
      clock += 110_000; // inside the last tenth of the 120 s lifetime, still valid at IC
      await ic.readClass(t.open.class);
      expect(own.requests().map((r) => `${r.service} ${r.status}`)).toEqual(['token 200', 'rostering 200', 'token 200', 'rostering 200']);
    } finally {
      await own.close();
    }
  });
});

describe('retries', () => {
  it('429 with Retry-After is honoured, then the call succeeds', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'));
    await ic.readClass(t.open.class);
    sandbox.resetRequestLog();
    sandbox.faults.set({ retryAfterSeconds: 7 });
    sandbox.faults.at(1, '429');
    expect(await ic.putResult(planned(t.open, t.student), putOptions)).toEqual({ kind: 'posted', status: 201 });
    expect(waits).toEqual([7000]);
    expect(sandbox.requests().map((r) => r.status)).toEqual([429, 201]);
  });

  it('5xx answers and dropped connections are retried with backoff', async () => {
    const events: IcRequestEvent[] = [];
    const ic = client(icConfig(sandbox, 'oneroster-1.2'), { onRequest: (e) => events.push(e), random: () => 0.5 });
    await ic.readClass(t.open.class);
    sandbox.resetRequestLog();
    events.length = 0;
    sandbox.faults.at(1, '500');
    sandbox.faults.at(2, 'drop');
    sandbox.faults.at(3, '503');
    const items = await ic.readClassLineItems(t.open.class);
    expect(items.length).toBe(t.lineItemsOfOpenClass.length);
    expect(sandbox.requests().map((r) => r.fault ?? r.status)).toEqual(['500', 'drop', '503', 200]);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    expect(events[0]).toMatchObject({ service: 'gradebook', method: 'GET', status: 500 });
    expect(events[1]?.status).toBeUndefined();
    expect(events[1]?.error).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    // Backoff 100 and 200 ms (half of 200 and 400: random 0.5), then the 503's Retry-After of 1 s.
    expect(waits).toEqual([100, 200, 1000]);
  });

  it('a dropped PUT is repeated (PUT is idempotent) and stored once', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.1'));
    sandbox.faults.at(1, 'drop');
    const result = planned(t.open, t.student);
    expect(await ic.putResult(result, putOptions)).toMatchObject({ kind: 'posted' });
    expect(sandbox.results().find((r) => r.sourcedId === result.resultSourcedId)?.writes).toBe(1);
  });

  it('exhausted retries on a write are a failed outcome with what IC answered', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'));
    sandbox.faults.set({ rate5xx: 1, only: 'writes' });
    const outcome = await ic.putResult(planned(t.open, t.student), putOptions);
    expect(outcome).toMatchObject({ kind: 'failed' });
    if (outcome.kind !== 'failed') throw new Error('unreachable');
    expect([500, 503]).toContain(outcome.status);
    expect(outcome.message).toMatch(/^IC answered 50[03] on all 6 attempts/);
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toHaveLength(6);
    expect(waits).toHaveLength(5);
  });

  it('exhausted retries on a read stop with IC_UNAVAILABLE; maxAttempts bounds them', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2'), { maxAttempts: 3 });
    sandbox.faults.set({ rate429: 1, only: 'rostering' });
    await expect(ic.readClass(t.open.class)).rejects.toMatchObject({ code: 'IC_UNAVAILABLE', status: 429 });
    expect(sandbox.requests().filter((r) => r.service === 'rostering')).toHaveLength(3);
  });

  it('a token endpoint that keeps failing stops with IC_UNAVAILABLE', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2', { maxAttempts: 2 }));
    sandbox.faults.set({ rate5xx: 1, only: 'token' });
    await expect(ic.readClass(t.open.class)).rejects.toMatchObject({ code: 'IC_UNAVAILABLE' });
    expect(sandbox.requests().map((r) => r.service)).toEqual(['token', 'token']);
    // The failed attempt is not remembered: the next call asks for a token again.
    sandbox.faults.clear();
    expect(await ic.readClass(t.open.class)).not.toBeNull();
    expect(sandbox.requests().map((r) => `${r.service} ${r.status}`).slice(2)).toEqual(['token 200', 'rostering 200']);
  });

  it('a request IC does not answer times out and is retried', async () => {
    const ic = client(icConfig(sandbox, 'oneroster-1.2', { timeoutSeconds: 0.3, maxAttempts: 2 }));
    await ic.readClass(t.open.class);
    sandbox.resetRequestLog();
    sandbox.faults.set({ rateTimeout: 1, only: 'rostering', maxHangMs: 10_000 });
    const error = await ic.readClass(t.open.class).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IC_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    expect(sandbox.requests()).toHaveLength(2);
  });
});

/** Counts requests in flight between the client and the sandbox: a plain forwarding proxy. */
async function startCountingProxy(target: string) {
  const counts = { inFlight: 0, max: 0, total: 0 };
  const server = http.createServer((req, res) => {
    counts.inFlight += 1;
    counts.total += 1;
    counts.max = Math.max(counts.max, counts.inFlight);
    let done = false;
    const finish = () => {
      if (!done) counts.inFlight -= 1;
      done = true;
    };
    res.on('close', finish);
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('logs', () => {
  it.each(modes)('%s: debug logs of requests, retries and refusals carry no secret and no Authorization header', async (mode) => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const config = icConfig(sandbox, mode, {}, { vendorSecret: 'wrong-vendor-secret' });
    const ic = client(config, { logger });
    sandbox.faults.at(1, '503');
    await ic.readClass(t.open.class);
    await expect(ic.readClassLineItems(t.open.class)).rejects.toMatchObject({ code: 'IC_CREDENTIALS_REJECTED' });
    const text = lines.join('\n');
    expect(text).toContain('IC request will be retried');
    expect(text).toContain('"status":503');
    for (const secret of [...Object.values(sandbox.credentials), 'wrong-vendor-secret']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/authorization|bearer|oauth_signature/i);
  });
});

describe('concurrency', () => {
  it.each([1, 3])('with concurrency %i, IC never sees more requests in flight, reads and writes together', async (concurrency) => {
    const proxy = await startCountingProxy(sandbox.url);
    try {
      const config = icConfig(sandbox, 'oneroster-1.2');
      const viaProxy = { ...config, baseUrl: config.baseUrl.replace(sandbox.url, proxy.url), tokenUrl: config.tokenUrl!.replace(sandbox.url, proxy.url) };
      const ic = client(viaProxy, { concurrency });
      sandbox.faults.set({ latencyMs: 30 });
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        work.push(ic.putResult(planned(t.open, t.student), putOptions));
        work.push(ic.readClass(t.open.class));
      }
      const outcomes = await Promise.all(work);
      expect(outcomes.filter((o) => (o as { kind?: string }).kind === 'posted')).toHaveLength(6);
      expect(proxy.counts.total).toBe(13);
      expect(proxy.counts.max).toBeLessThanOrEqual(concurrency);
      expect(proxy.counts.max).toBe(concurrency);
    } finally {
      await proxy.close();
    }
  });

  it('rejects a concurrency above IC\'s limit of 5', () => {
    expect(() => createIcClient({ config: icConfig(sandbox, 'oneroster-1.2'), concurrency: 6 })).toThrow(/1 to 5/);
  });

  it('stopping aborts requests in flight and rejects queued ones', async () => {
    const stop = new AbortController();
    const ic = client(icConfig(sandbox, 'oneroster-1.2'), { concurrency: 1, signal: stop.signal });
    await ic.readClass(t.open.class);
    sandbox.faults.set({ latencyMs: 5_000 });
    const inFlight = ic.readClass(t.open.class);
    const queued = ic.putResult(planned(t.open, t.student), putOptions);
    for (let i = 0; i < 200 && sandbox.requests().length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    stop.abort(new Error('run stopped'));
    await expect(inFlight).rejects.toThrow('run stopped');
    await expect(queued).rejects.toThrow('run stopped');
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toEqual([]);
  });
});

describe('refused results', () => {
  it.each(modes)('%s: IC\'s refusals become window-closed or failed outcomes with IC\'s message', async (mode) => {
    const ic = client(icConfig(sandbox, mode));
    const closed = await ic.putResult(planned(t.closed, t.closedStudent), putOptions);
    expect(closed).toMatchObject({ kind: 'window-closed', status: 422 });
    expect((closed as { message: string }).message).toMatch(/grading window/i);

    const outOfRange = await ic.putResult(planned(t.open, t.student, 150), putOptions);
    expect(outOfRange).toMatchObject({ kind: 'failed', status: 422 });
    expect((outOfRange as { message: string }).message).toMatch(/score must be a number from 0 to 100.*\(invaliddata\)/);

    const badLetter = await ic.putResult(planned(t.open, t.student, 80, 'Z+'), putOptions);
    expect(badLetter).toMatchObject({ kind: 'failed', status: 422, message: expect.stringContaining('"Z+" is not on the score scale') });

    const unknownStudent = await ic.putResult(planned(t.open, 'no-such-student'), putOptions);
    expect(unknownStudent).toMatchObject({ kind: 'failed', status: 404, message: expect.stringMatching(/Unknown student/) });

    const notEnrolled = await ic.putResult(planned(t.open, t.outsider), putOptions);
    expect(notEnrolled).toMatchObject({ kind: 'failed', status: 422, message: expect.stringMatching(/not enrolled/) });
    expect(waits).toEqual([]);
  });
});

describe('pure parts', () => {
  const result: PlannedResult = {
    resultSourcedId: 'r-1',
    lineItemSourcedId: 'li-1',
    classSourcedId: 'class-1',
    studentSourcedId: '1001',
    score: 88.25,
    letter: 'B+',
    comment: null,
  };
  const now = new Date('2026-12-02T15:00:00Z');

  it('builds the 1.2 body with scoreStatus and the letter in textScore and metadata', () => {
    expect(buildResultBody(result, { mode: 'oneroster-1.2', letterGrades: true, scoreDate: '2026-12-02', now })).toEqual({
      result: {
        sourcedId: 'r-1',
        status: 'active',
        dateLastModified: '2026-12-02T15:00:00.000Z',
        lineItem: { sourcedId: 'li-1', type: 'lineItem' },
        student: { sourcedId: '1001', type: 'user' },
        class: { sourcedId: 'class-1', type: 'class' },
        scoreStatus: 'fully graded',
        score: 88.25,
        scoreDate: '2026-12-02',
        textScore: 'B+',
        metadata: { ext_infiniteCampus_scoreGrade: 'B+' },
      },
    });
  });

  it.each(['oneroster-1.1', 'legacy-learningdata'] as const)('%s: no scoreStatus, an s+ student ID, no letter when letter grades are off', (mode) => {
    const body = buildResultBody({ ...result, comment: 'Good work' }, { mode, letterGrades: false, scoreDate: '2026-12-02', now }).result;
    expect(body.scoreStatus).toBeUndefined();
    expect(body.student.sourcedId).toBe('s+1001');
    expect(body.textScore).toBeUndefined();
    expect(body.metadata).toBeUndefined();
    expect(body.comment).toBe('Good work');
  });

  it('reads task ID, term and window flag through the configured paths', () => {
    const fields = { taskId: 'metadata.task', term: ['gradingPeriod.sourcedId', 'academicSession.sourcedId'], windowOpen: 'metadata.open' };
    const base = { sourcedId: 'li', title: 'Final Grade' };
    expect(toLineItem({ ...base, metadata: { task: '201', open: 'true' }, academicSession: { sourcedId: 'q2' } }, 'c1', fields)).toEqual({
      sourcedId: 'li',
      classSourcedId: 'c1',
      title: 'Final Grade',
      taskId: 201,
      termSourcedId: 'q2',
      windowOpenFlag: true,
    });
    expect(toLineItem({ ...base, metadata: { task: 101, open: false }, gradingPeriod: { sourcedId: 'q1' } }, 'c1', fields)).toMatchObject({
      taskId: 101,
      termSourcedId: 'q1',
      windowOpenFlag: false,
    });
    expect(toLineItem({ ...base, metadata: { task: 'Q1', open: 'yes' } }, 'c1', fields)).toMatchObject({
      taskId: null,
      termSourcedId: null,
      windowOpenFlag: null,
    });
  });

  it('keeps IC\'s description, truncates raw bodies and scrubs secrets', () => {
    const scrub = (text: string) => text.split('hunter2').join('••••••');
    expect(icMessage(422, JSON.stringify({ imsx_description: 'bad hunter2' }), scrub)).toBe('bad ••••••');
    const raw = icMessage(500, `<html>${'x'.repeat(2000)} hunter2</html>`, scrub);
    expect(raw.length).toBeLessThanOrEqual(501);
    expect(icMessage(502, 'proxy says hunter2', scrub)).toBe('proxy says ••••••');
    expect(icMessage(400, '', scrub)).toBe('HTTP 400 with an empty body');
  });
});
