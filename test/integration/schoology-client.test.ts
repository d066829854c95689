import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { SchoologyConfig } from '../../src/config/schema.ts';
import { Secret } from '../../src/config/secret.ts';
import { SchoologyError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSchoologyClient, type NewUser, type SchoologyClient, type SchoologyClientOptions } from '../../src/roster/schoology/index.ts';
import { startSchoologySandbox, type SchoologySandbox, type SchoologySandboxOptions } from '../../sandbox/schoology/server.ts';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.close();
});

async function sandbox(options: SchoologySandboxOptions = {}): Promise<SchoologySandbox> {
  const sb = await startSchoologySandbox(options);
  opened.push(sb);
  return sb;
}

function config(baseUrl: string, sb?: SchoologySandbox, overrides: Partial<SchoologyConfig> = {}): SchoologyConfig {
  return {
    baseUrl,
    consumerKey: new Secret(sb?.consumerKey ?? 'sandbox-consumer-key', 'env SGY_KEY'),
    consumerSecret: new Secret(sb?.consumerSecret ?? 'sandbox-consumer-secret', 'env SGY_SECRET'),
    signatureMethod: 'HMAC-SHA1',
    rateLimit: { requests: 1000, perSeconds: 5 },
    timeoutSeconds: 10,
    maxAttempts: 4,
    ...overrides,
  };
}

function client(sb: SchoologySandbox, overrides: Partial<SchoologyConfig> = {}, options: Omit<SchoologyClientOptions, 'config'> = {}): SchoologyClient {
  const made = createSchoologyClient({ sleep: async () => {}, ...options, config: config(sb.url, sb, overrides) });
  opened.push(made);
  return made;
}

/** A clock that only moves when the client sleeps, so waits cost no real time. */
function fakeClock(start = Date.parse('2026-09-01T10:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    date: () => new Date(now),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function student(i: number, extra: Partial<NewUser> = {}): NewUser {
  return { school_uid: `s${i}`, name_first: 'Ada', name_last: `Student${i}`, role_id: '261', primary_email: `s${i}@district.org`, ...extra };
}

describe.each(['HMAC-SHA1', 'PLAINTEXT'] as const)('signed with %s', (signatureMethod) => {
  it('me() follows the 303 with a freshly signed request: the sandbox sees no 401', async () => {
    const sb = await sandbox();
    const sgy = client(sb, { signatureMethod });
    expect(await sgy.me()).toEqual({ id: '900001', name: 'Gradebridge API' });
    expect(sb.requests().map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/v1/users/me', 303],
      ['GET', '/v1/users/900001', 200],
    ]);
    expect(sgy.requestCount()).toEqual({ reads: 2, writes: 0, bulkCalls: 0 });
  });

  it('writes and reads back users', async () => {
    const sb = await sandbox();
    const sgy = client(sb, { signatureMethod });
    const results = await sgy.upsertUsers([student(1, { name_first_preferred: 'Addie', additional_buildings: [sb.schoolId] })]);
    expect(results).toEqual([{ index: 0, ok: true, code: 201, id: expect.stringMatching(/^\d+$/) }]);
    const [user] = await sgy.findUsersBySchoolUid(['s1']);
    expect(user).toEqual({
      id: results[0]!.id,
      school_uid: 's1',
      name_first: 'Ada',
      name_last: 'Student1',
      name_first_preferred: 'Addie',
      username: undefined,
      primary_email: 's1@district.org',
      role_id: '261',
      building_id: sb.schoolId,
      additional_buildings: [sb.schoolId],
    });
    expect(sb.requests().filter((r) => r.status === 401)).toEqual([]);
  });
});

describe('bulk writes', () => {
  it('upserts 120 users in exactly 3 bulk calls and finds them in 3 lookups of at most 50', async () => {
    const sb = await sandbox();
    const sgy = client(sb);
    const users = Array.from({ length: 120 }, (_, i) => student(i));
    const results = await sgy.upsertUsers(users);
    expect(results).toHaveLength(120);
    expect(results.every((r, i) => r.ok && r.index === i && r.code === 201 && r.id !== undefined)).toBe(true);
    const posts = sb.requests().filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.path, r.query, r.items])).toEqual([
      ['/v1/users', 'update_existing=1', 50],
      ['/v1/users', 'update_existing=1', 50],
      ['/v1/users', 'update_existing=1', 20],
    ]);
    expect(sgy.requestCount()).toEqual({ reads: 0, writes: 3, bulkCalls: 3 });
    expect(sb.state().users).toHaveLength(120);

    sb.resetRequestLog();
    const found = await sgy.findUsersBySchoolUid([...users.map((u) => u.school_uid), 'nobody']);
    expect(found.map((u) => u.school_uid).sort()).toEqual(users.map((u) => u.school_uid).sort());
    expect(sb.requests().map((r) => [r.path, r.status, new URLSearchParams(r.query).get('school_uids')!.split(',').length])).toEqual([
      ['/v1/users', 200, 50],
      ['/v1/users', 200, 50],
      ['/v1/users', 200, 21],
    ]);
  });

  it('reports refused items with their index and message, and writes the rest', async () => {
    const sb = await sandbox();
    sb.faults.set({ failItems: (kind, item) => (kind === 'users' && (item as NewUser).school_uid === 's30' ? 'Injected refusal' : null) });
    const sgy = client(sb);
    const users = Array.from({ length: 60 }, (_, i) => student(i));
    users[10] = student(10, { primary_email: 's2@district.org' });
    users[55] = student(55, { role_id: '999' });
    users[40] = student(40, { name_first: '' });
    const results = await sgy.upsertUsers(users);
    const failed = results.filter((r) => !r.ok);
    expect(failed).toEqual([
      { index: 10, ok: false, code: 400, message: 'Email address s2@district.org is already in use by another user' },
      { index: 30, ok: false, code: 400, message: 'Injected refusal' },
      { index: 40, ok: false, code: 0, message: expect.stringMatching(/^not sent: name_first: /) },
      { index: 55, ok: false, code: 400, message: 'Invalid role_id: 999' },
    ]);
    expect(results.map((r) => r.index)).toEqual(users.map((_, i) => i));
    expect(sb.state().users).toHaveLength(56);
    // The 59 items that could be sent went out as 50 + 9.
    expect(sb.requests().map((r) => r.items)).toEqual([50, 9]);
  });

  it('upserts courses by course_code and reads every page by links.next', async () => {
    const courses = Array.from({ length: 450 }, (_, i) => ({ id: String(7000 + i), title: `Course ${i}`, course_code: `c${i}`, building_id: i < 10 ? '2000' : '1000' }));
    const sb = await sandbox({ initial: { courses, buildings: [{ id: '2000', title: 'South', building_code: 'S' }] } });
    const sgy = client(sb);
    const all = await sgy.listCourses();
    expect(all.map((c) => c.course_code)).toEqual(courses.map((c) => c.course_code));
    expect(sb.requests().map((r) => r.query)).toEqual(['start=0&limit=200', 'start=200&limit=200', 'start=400&limit=200']);
    expect((await sgy.listCourses('2000')).map((c) => c.id)).toEqual(courses.slice(0, 10).map((c) => c.id));

    const results = await sgy.upsertCourses([
      { title: 'Renamed', course_code: 'c3', building_id: '1000' },
      { title: 'New', course_code: 'c-new', building_id: '2000' },
    ]);
    expect(results.map((r) => [r.code, r.id])).toEqual([
      [200, '7003'],
      [201, expect.any(String)],
    ]);
    expect(sb.state().courses.find((c) => c.course_code === 'c3')?.title).toBe('Renamed');
  });

  it('creates sections under a course, finds them by section school code, and updates by ID without duplicating', async () => {
    const sb = await sandbox();
    const sgy = client(sb);
    const q1 = await sgy.createGradingPeriod({ title: 'Q1', start: '2026-08-20', end: '2026-10-30' });
    const q2 = await sgy.createGradingPeriod({ title: 'Q2', start: '2026-11-01', end: '2027-01-20' });
    const [course] = await sgy.upsertCourses([{ title: 'Algebra', course_code: 'crs-1', building_id: sb.schoolId }]);
    const created = await sgy.createSections(course!.id!, [
      { title: 'Algebra P1', section_code: 'P1', section_school_code: 'cls-1', grading_periods: [q1.id] },
      { title: 'Algebra P2', section_code: 'P2', section_school_code: 'cls-1', grading_periods: [q1.id] },
    ]);
    expect(created.map((r) => [r.ok, r.code])).toEqual([
      [true, 201],
      [false, 409],
    ]);
    await sgy.updateSection(created[0]!.id!, { grading_periods: [q1.id, q2.id], title: 'Algebra Period 1' });
    const found = await sgy.findSectionsBySchoolCode(['cls-1']);
    expect(found).toEqual([
      {
        id: created[0]!.id,
        course_id: course!.id,
        title: 'Algebra Period 1',
        section_code: 'P1',
        section_school_code: 'cls-1',
        grading_periods: [q1.id, q2.id],
      },
    ]);
    expect(await sgy.listCourseSections(course!.id!)).toEqual(found);
    expect(sb.state().sections).toHaveLength(1);
  });
});

describe('enrollments and parent links', () => {
  async function district() {
    const sb = await sandbox();
    const sgy = client(sb);
    const period = await sgy.createGradingPeriod({ title: 'Q1', start: '2026-08-20', end: '2026-10-30' });
    const [course] = await sgy.upsertCourses([{ title: 'Algebra', course_code: 'crs-1', building_id: sb.schoolId }]);
    const [section] = await sgy.createSections(course!.id!, [{ title: 'Algebra', section_code: 'P1', section_school_code: 'cls-1', grading_periods: [period.id] }]);
    await sgy.upsertUsers([student(1), student(2), student(3, { role_id: '262' }), student(9, { role_id: '264' })]);
    return { sb, sgy, sectionId: section!.id! };
  }

  it('counts removing an enrollment that is already gone as done', async () => {
    const { sb, sgy, sectionId } = await district();
    const added = await sgy.importEnrollments([
      { section_school_code: 'cls-1', school_uid: 's3', admin: 1 },
      { section_school_code: 'cls-1', school_uid: 's1', admin: 0 },
      { section_school_code: 'cls-404', school_uid: 's1', admin: 0 },
    ]);
    expect(added.map((r) => [r.ok, r.code])).toEqual([
      [true, 201],
      [true, 201],
      [false, 404],
    ]);
    const removed = await sgy.importEnrollments([
      { section_school_code: 'cls-1', school_uid: 's1', admin: 0, delete: 1 },
      { section_school_code: 'cls-1', school_uid: 's2', admin: 0, delete: 1 },
    ]);
    expect(removed).toEqual([
      { index: 0, ok: true, code: 200, message: 'Enrollment removed' },
      { index: 1, ok: true, code: 204, message: 'Not enrolled; nothing to delete' },
    ]);
    // A "not found" for a removal means the same: already gone.
    sb.faults.set({ failItems: (kind) => (kind === 'enrollments' ? { code: 404, message: 'Enrollment not found' } : null) });
    const notFound = await sgy.importEnrollments([
      { section_school_code: 'cls-1', school_uid: 's1', admin: 0, delete: 1 },
      { section_school_code: 'cls-1', school_uid: 's1', admin: 0 },
    ]);
    expect(notFound.map((r) => [r.ok, r.code])).toEqual([
      [true, 404],
      [false, 404],
    ]);
    sb.faults.clear();
    sb.addEnrollmentByHand('cls-1', 's2', true);
    expect(await sgy.listSectionEnrollments(sectionId)).toEqual([
      { uid: expect.any(String), school_uid: 's3', admin: 1 },
      { uid: expect.any(String), school_uid: 's2', admin: 1 },
    ]);
  });

  it('links and unlinks guardians', async () => {
    const { sb, sgy } = await district();
    expect((await sgy.importParentLinks([{ parent_uid: 's9', student_uid: 's1' }])).map((r) => r.ok)).toEqual([true]);
    expect(sb.state().parentLinks).toEqual([{ parent_uid: 's9', student_uid: 's1' }]);
    const unlinked = await sgy.importParentLinks([
      { parent_uid: 's9', student_uid: 's1', delete: 1 },
      { parent_uid: 's9', student_uid: 's2', delete: 1 },
    ]);
    expect(unlinked.map((r) => [r.ok, r.code])).toEqual([
      [true, 200],
      [true, 204],
    ]);
    expect(sb.state().parentLinks).toEqual([]);
  });
});

describe('buildings, grading periods and roles', () => {
  it('creates and lists buildings under the district school, and refuses a taken grading period title', async () => {
    const sb = await sandbox({ schoolId: '4242' });
    const sgy = client(sb);
    const building = await sgy.createBuilding({ title: 'North High', building_code: 'NH' });
    expect(building).toEqual({ id: expect.stringMatching(/^\d+$/), title: 'North High', building_code: 'NH' });
    expect(await sgy.listBuildings()).toEqual([building]);
    expect(sb.requests().filter((r) => r.path === '/v1/schools')).toHaveLength(1);
    expect((await sgy.listRoles()).find((r) => r.title === 'Teacher')).toEqual({ id: '262', title: 'Teacher' });

    await sgy.createGradingPeriod({ title: 'Q1', start: '2026-08-20', end: '2026-10-30' });
    const duplicate = await sgy.createGradingPeriod({ title: 'Q1', start: '2027-08-20', end: '2027-10-30' }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(SchoologyError);
    expect(duplicate).toMatchObject({ code: 'SCHOOLOGY_REQUEST_REJECTED', status: 409 });
    expect((duplicate as SchoologyError).message).toMatch(/already exists/);
    expect(await sgy.listGradingPeriods()).toEqual([{ id: expect.any(String), title: 'Q1', start: '2026-08-20', end: '2026-10-30' }]);
  });
});

describe('rate limit and 429', () => {
  it('absorbs a 429 by waiting the Retry-After it names', async () => {
    const sb = await sandbox();
    sb.faults.set({ rate429: 1, retryAfterSeconds: 7 });
    const sleeps: number[] = [];
    const sgy = client(sb, {}, {
      sleep: async (ms) => {
        sleeps.push(ms);
        sb.faults.clear();
      },
    });
    const results = await sgy.upsertUsers([student(1)]);
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(sleeps).toEqual([7000]);
    expect(sb.requests().map((r) => r.status)).toEqual([429, 200]);
    expect(sgy.requestCount()).toEqual({ reads: 0, writes: 2, bulkCalls: 1 });
  });

  it('rides out the server-side limit when the client is configured too generously', async () => {
    const clock = fakeClock();
    const sb = await sandbox({ rateLimit: { requests: 2, perSeconds: 30 }, now: clock.date });
    const sgy = client(sb, { rateLimit: { requests: 100, perSeconds: 1 } }, { now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) expect(await sgy.listRoles()).toHaveLength(5);
    const statuses = sb.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses).toContain(429);
    expect(clock.sleeps.every((ms) => ms > 0 && ms <= 30_000)).toBe(true);
  });

  it('keeps within its own limit: no window of perSeconds holds more than `requests` sends, and the server never answers 429', async () => {
    const clock = fakeClock();
    const sb = await sandbox({ rateLimit: { requests: 3, perSeconds: 5 }, now: clock.date });
    const sent: number[] = [];
    const sgy = client(sb, { rateLimit: { requests: 3, perSeconds: 5 } }, { now: clock.now, sleep: clock.sleep, onRequest: () => sent.push(clock.now()) });
    // One after another: the fake clock moves by each wait, which concurrent sleepers would add up.
    for (let i = 0; i < 10; i++) await sgy.listRoles();
    expect(sb.requests().map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(sent).toHaveLength(10);
    for (const t of sent) expect(sent.filter((u) => u > t - 5000 && u <= t).length).toBeLessThanOrEqual(3);
    const start = Math.min(...sent);
    expect(Math.max(...sent) - start).toBe(15_000);
  });
});

describe('failures', () => {
  it('rejected credentials stop at once with SCHOOLOGY_CREDENTIALS_REJECTED, and no secret reaches the log or the error', async () => {
    const sb = await sandbox();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'debug', pretty: false, destination });
    const secret = 'definitely-wrong-secret';
    const made = createSchoologyClient({ config: { ...config(sb.url, sb), consumerSecret: new Secret(secret, 'env SGY_SECRET') }, logger, sleep: async () => {} });
    opened.push(made);
    const error = await made.listRoles().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchoologyError);
    expect(error).toMatchObject({ code: 'SCHOOLOGY_CREDENTIALS_REJECTED', status: 401 });
    expect((error as SchoologyError).remedy).toMatch(/system administrator/);
    expect(sb.requests()).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(0);
    const everything = [...lines, (error as SchoologyError).advice].join('\n');
    expect(everything).not.toContain(secret);
  });

  it('retries reads and idempotent writes after a 5xx, but never repeats a create whose fate is unknown', async () => {
    const sb = await sandbox();
    const failures = new Map([
      ['GET /v1/roles', 1],
      ['POST /v1/users', 1],
    ]);
    sb.faults.set({
      failRequests: ({ method, path }) => {
        const key = `${method} ${path}`;
        const left = failures.get(key) ?? 0;
        if (left > 0) failures.set(key, left - 1);
        if (left > 0) return 503;
        return /^\/v1\/courses\/\d+\/sections$/.test(path) ? 502 : null;
      },
    });
    const sgy = client(sb);
    expect(await sgy.listRoles()).toHaveLength(5);
    expect((await sgy.upsertUsers([student(1)])).map((r) => r.ok)).toEqual([true]);
    expect(sgy.requestCount()).toEqual({ reads: 2, writes: 2, bulkCalls: 1 });
    const [course] = await sgy.upsertCourses([{ title: 'Algebra', course_code: 'crs-1', building_id: sb.schoolId }]);
    sb.resetRequestLog();
    const error = await sgy
      .createSections(course!.id!, [{ title: 'Algebra', section_code: 'P1', section_school_code: 'cls-1', grading_periods: ['1'] }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHOOLOGY_UNAVAILABLE', status: 502 });
    expect(sb.requests()).toHaveLength(1);
  });

  it('gives up after maxAttempts with SCHOOLOGY_UNAVAILABLE', async () => {
    const sb = await sandbox();
    sb.faults.set({ failRequests: () => 500 });
    const sgy = client(sb, { maxAttempts: 3 });
    await expect(sgy.listRoles()).rejects.toMatchObject({ code: 'SCHOOLOGY_UNAVAILABLE', status: 500 });
    expect(sb.requests().map((r) => r.status)).toEqual([500, 500, 500]);
  });

  describe('against a server that misbehaves at the socket', () => {
    async function rawServer(onConnection: (socket: Socket) => void): Promise<{ url: string; connections: () => number }> {
      let connections = 0;
      const sockets = new Set<Socket>();
      const server: Server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on('error', () => {});
        onConnection(socket);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      opened.push({
        close: async () => {
          for (const socket of sockets) socket.destroy();
          server.close();
          await once(server, 'close');
        },
      });
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, connections: () => connections };
    }

    it('retries connection resets, then reports SCHOOLOGY_UNAVAILABLE', async () => {
      const raw = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
      const made = createSchoologyClient({ config: config(raw.url, undefined, { maxAttempts: 3 }), sleep: async () => {} });
      opened.push(made);
      await expect(made.listRoles()).rejects.toMatchObject({ code: 'SCHOOLOGY_UNAVAILABLE' });
      expect(raw.connections()).toBe(3);
    });

    it('times out a silent server after timeoutSeconds, per attempt', async () => {
      const raw = await rawServer(() => {});
      const made = createSchoologyClient({ config: config(raw.url, undefined, { maxAttempts: 2, timeoutSeconds: 0.2 }), sleep: async () => {} });
      opened.push(made);
      const error = await made.listRoles().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SCHOOLOGY_UNAVAILABLE' });
      expect((error as SchoologyError).message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
      expect(raw.connections()).toBe(2);
    });
  });
});
