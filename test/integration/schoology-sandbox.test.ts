import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schoologyAuthorizationHeader, type SchoologySignatureMethod } from '../../src/roster/schoology/oauth.ts';
import { startSchoologySandbox, type SchoologySandbox, type SchoologySandboxOptions } from '../../sandbox/schoology/server.ts';

interface Call {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  signatureMethod?: SchoologySignatureMethod;
  secret?: string;
  /** Send this Authorization header instead of signing. */
  authorization?: string;
}

/** One signed request to the sandbox: `path` is below /v1 and may carry a query. */
async function call(sb: SchoologySandbox, path: string, options: Call = {}) {
  const method = options.method ?? 'GET';
  const url = path.startsWith('http') ? path : `${sb.url}${path}`;
  const authorization =
    options.authorization ??
    schoologyAuthorizationHeader(
      { consumerKey: sb.consumerKey, consumerSecret: options.secret ?? sb.consumerSecret },
      { method, url, signatureMethod: options.signatureMethod ?? 'HMAC-SHA1', timestamp: Math.floor(Date.now() / 1000) },
    );
  const response = await request(url, {
    method,
    headers: { authorization, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    authorization,
    url,
    json: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> & { message?: string },
  };
}

function student(i: number, extra: Record<string, unknown> = {}) {
  return { school_uid: `s${i}`, name_first: 'Ada', name_last: `Student${i}`, role_id: '261', primary_email: `s${i}@district.org`, ...extra };
}

let sb: SchoologySandbox;
async function start(options: SchoologySandboxOptions = {}) {
  sb = await startSchoologySandbox(options);
  return sb;
}

beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await sb.close();
});

describe('OAuth 1.0a checking', () => {
  it.each(['HMAC-SHA1', 'PLAINTEXT'] as const)('answers a request signed with %s', async (signatureMethod) => {
    const answer = await call(sb, '/roles?start=0&limit=10', { signatureMethod });
    expect(answer.status).toBe(200);
    expect((answer.json['role'] as Array<{ title: string }>).map((r) => r.title)).toEqual(['Student', 'Teacher', 'School Admin', 'Parent', 'System Admin']);
  });

  it('refuses a wrong secret, an unknown key and a missing header with 401', async () => {
    const wrong = await call(sb, '/roles', { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toBe('Invalid OAuth signature');
    const plaintextWrong = await call(sb, '/roles', { secret: 'not-the-secret', signatureMethod: 'PLAINTEXT' });
    expect(plaintextWrong.status).toBe(401);
    const stranger = schoologyAuthorizationHeader(
      { consumerKey: 'someone-else', consumerSecret: sb.consumerSecret },
      { method: 'GET', url: `${sb.url}/roles`, signatureMethod: 'HMAC-SHA1', timestamp: 1 },
    );
    expect((await call(sb, '/roles', { authorization: stranger })).json.message).toBe('Invalid consumer key');
    const bare = await request(`${sb.url}/roles`);
    expect(bare.statusCode).toBe(401);
    await bare.body.dump();
  });

  it('puts the query in the base string: a signature for other query parameters is refused', async () => {
    const signed = schoologyAuthorizationHeader(
      { consumerKey: sb.consumerKey, consumerSecret: sb.consumerSecret },
      { method: 'GET', url: `${sb.url}/courses?start=0`, signatureMethod: 'HMAC-SHA1', timestamp: 1 },
    );
    const answer = await call(sb, '/courses?start=20', { authorization: signed });
    expect(answer.status).toBe(401);
    expect(answer.json.message).toBe('Invalid OAuth signature');
  });

  it('refuses a replayed timestamp and nonce', async () => {
    const first = await call(sb, '/roles');
    expect(first.status).toBe(200);
    const replay = await call(sb, '/roles', { authorization: first.authorization });
    expect(replay.status).toBe(401);
    expect(replay.json.message).toBe('Duplicate timestamp/nonce combination');
  });

  it('counts no write for a request refused by auth', async () => {
    const refused = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1)] } }, secret: 'bad' });
    expect(refused.status).toBe(401);
    expect(sb.writeCount()).toBe(0);
    expect(sb.state().users).toEqual([]);
    expect(sb.requests()).toEqual([{ n: 1, method: 'POST', path: '/v1/users', query: 'update_existing=1', status: 401 }]);
  });
});

describe('303 redirects', () => {
  it('/users/me answers 303 to the API user, which must be signed anew', async () => {
    const me = await call(sb, '/users/me');
    expect(me.status).toBe(303);
    const location = String(me.headers['location']);
    expect(location).toMatch(new RegExp(`^${sb.url}/users/\\d+$`));
    // The redirect's header replayed on the new URL: another URL, so the signature no longer fits.
    const replayed = await call(sb, location, { authorization: me.authorization });
    expect(replayed.status).toBe(401);
    const user = await call(sb, location);
    expect(user.status).toBe(200);
    expect(user.json['role_id']).toBe(265);
    expect(user.json['name_display']).toBe('Gradebridge API');
  });

  it('/users/ext/{school_uid} answers 303 to the user, and 404 for an unknown one', async () => {
    await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(7)] } } });
    const ext = await call(sb, '/users/ext/s7');
    expect(ext.status).toBe(303);
    const user = await call(sb, String(ext.headers['location']));
    expect(user.json['school_uid']).toBe('s7');
    expect((await call(sb, '/users/ext/nobody')).status).toBe(404);
  });
});

describe('bulk writes', () => {
  it('refuses 51 items as a whole with 400 and takes 50', async () => {
    const tooMany = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: Array.from({ length: 51 }, (_, i) => student(i)) } } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.message).toMatch(/at most 50/);
    expect(sb.state().users).toHaveLength(0);
    const fifty = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: Array.from({ length: 50 }, (_, i) => student(i)) } } });
    expect(fifty.status).toBe(200);
    expect((fifty.json['user'] as unknown[]).length).toBe(50);
    expect(sb.state().users).toHaveLength(50);
    expect(sb.requests().map((r) => [r.status, r.items])).toEqual([
      [400, 51],
      [200, 50],
    ]);
  });

  it('answers 200 with a failed entry per bad item (duplicate email, missing field, unknown role) and creates the rest', async () => {
    const users = [
      student(1),
      student(2, { primary_email: 'S1@district.org' }),
      student(3, { name_first: '' }),
      student(4, { role_id: '999' }),
      { school_uid: 's5', name_last: 'NoFirst', role_id: '261' },
      student(6),
    ];
    const answer = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: users } } });
    expect(answer.status).toBe(200);
    const entries = answer.json['user'] as Array<{ response_code: number; message?: string; id?: number }>;
    expect(entries.map((e) => e.response_code)).toEqual([201, 400, 400, 400, 400, 201]);
    expect(entries[1]!.message).toMatch(/S1@district.org is already in use/);
    expect(entries[2]!.message).toBe('Missing required field: name_first');
    expect(entries[3]!.message).toBe('Invalid role_id: 999');
    expect(entries[4]!.message).toBe('Missing required field: name_first');
    expect(typeof entries[0]!.id).toBe('number');
    expect(sb.state().users.map((u) => u.school_uid)).toEqual(['s1', 's6']);
  });

  it('upserts users by school_uid and courses by course_code, only with update_existing=1', async () => {
    await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1)] } } });
    const again = await call(sb, '/users', { method: 'POST', body: { users: { user: [student(1, { name_last: 'Renamed' })] } } });
    expect((again.json['user'] as Array<{ response_code: number }>)[0]!.response_code).toBe(409);
    const update = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1, { name_last: 'Renamed' })] } } });
    expect((update.json['user'] as Array<{ response_code: number }>)[0]!.response_code).toBe(200);
    expect(sb.state().users).toEqual([expect.objectContaining({ school_uid: 's1', name_last: 'Renamed' })]);

    const course = { title: 'Algebra', course_code: 'crs-1' };
    await call(sb, '/courses?update_existing=1', { method: 'POST', body: { courses: { course: [course] } } });
    await call(sb, '/courses?update_existing=1', { method: 'POST', body: { courses: { course: [{ ...course, title: 'Algebra I' }] } } });
    expect(sb.state().courses).toEqual([expect.objectContaining({ course_code: 'crs-1', title: 'Algebra I', building_id: sb.schoolId })]);
  });

  it('fails the items faults.failItems picks, inside the 200', async () => {
    sb.faults.set({ failItems: (kind, item) => (kind === 'users' && (item as { school_uid: string }).school_uid === 's2' ? 'Injected refusal' : null) });
    const answer = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1), student(2), student(3)] } } });
    expect((answer.json['user'] as Array<{ response_code: number; message?: string }>).map((e) => [e.response_code, e.message])).toEqual([
      [201, undefined],
      [400, 'Injected refusal'],
      [201, undefined],
    ]);
    sb.faults.clear();
  });
});

describe('buildings, grading periods, sections and enrollments', () => {
  async function seedSection() {
    const building = await call(sb, `/schools/${sb.schoolId}/buildings`, { method: 'POST', body: { title: 'North High', building_code: 'NH' } });
    expect(building.status).toBe(201);
    const period = await call(sb, '/gradingperiods', { method: 'POST', body: { title: 'Q1 2026', start: '2026-08-20', end: '2026-10-30' } });
    expect(period.status).toBe(201);
    const course = await call(sb, '/courses?update_existing=1', { method: 'POST', body: { courses: { course: [{ title: 'Algebra', course_code: 'crs-1', building_id: building.json['id'] }] } } });
    const courseId = (course.json['course'] as Array<{ id: number }>)[0]!.id;
    const sections = await call(sb, `/courses/${courseId}/sections`, {
      method: 'POST',
      body: { sections: { section: [{ title: 'Algebra 1', section_code: 'P1', section_school_code: 'cls-1', grading_periods: [period.json['id']] }] } },
    });
    expect((sections.json['section'] as Array<{ response_code: number }>)[0]!.response_code).toBe(201);
    await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1), student(2), { ...student(3), role_id: '262' }] } } });
    return { courseId, periodId: String(period.json['id']) };
  }

  it('refuses a second grading period with the same title', async () => {
    await call(sb, '/gradingperiods', { method: 'POST', body: { title: 'Q1', start: '2026-08-20', end: '2026-10-30' } });
    const duplicate = await call(sb, '/gradingperiods', { method: 'POST', body: { title: 'Q1', start: '2027-08-20', end: '2027-10-30' } });
    expect(duplicate.status).toBe(409);
    expect(sb.state().gradingPeriods).toHaveLength(1);
  });

  it('finds sections by section school code, at most 50 codes per lookup, and updates one by ID', async () => {
    const { periodId } = await seedSection();
    const found = await call(sb, '/sections?section_school_codes=cls-1,cls-404');
    const sections = found.json['section'] as Array<{ id: string; grading_periods: number[] }>;
    expect(sections).toHaveLength(1);
    expect(sections[0]!.grading_periods).toEqual([Number(periodId)]);
    const tooMany = await call(sb, `/sections?section_school_codes=${Array.from({ length: 51 }, (_, i) => `c${i}`).join(',')}`);
    expect(tooMany.status).toBe(400);
    const put = await call(sb, `/sections/${sections[0]!.id}`, { method: 'PUT', body: { title: 'Algebra One' } });
    expect(put.status).toBe(204);
    expect(sb.state().sections).toEqual([expect.objectContaining({ title: 'Algebra One', section_school_code: 'cls-1' })]);
  });

  it('imports enrollments; removing one that is not there answers 204 and counts as done', async () => {
    await seedSection();
    const add = await call(sb, '/enrollments/import/course', {
      method: 'POST',
      body: {
        enrollments: {
          enrollment: [
            { section_school_code: 'cls-1', school_uid: 's3', admin: 1 },
            { section_school_code: 'cls-1', school_uid: 's1', admin: 0 },
            { section_school_code: 'cls-404', school_uid: 's1', admin: 0 },
          ],
        },
      },
    });
    expect((add.json['enrollment'] as Array<{ response_code: number }>).map((e) => e.response_code)).toEqual([201, 201, 404]);
    sb.addEnrollmentByHand('cls-1', 's2', true);
    const remove = await call(sb, '/enrollments/import/course', {
      method: 'POST',
      body: {
        enrollments: {
          enrollment: [
            { section_school_code: 'cls-1', school_uid: 's1', admin: 0, delete: 1 },
            { section_school_code: 'cls-1', school_uid: 's1', admin: 0, delete: 1 },
          ],
        },
      },
    });
    const entries = remove.json['enrollment'] as Array<{ response_code: number; message: string }>;
    expect(entries.map((e) => e.response_code)).toEqual([200, 204]);
    expect(entries[1]!.message).toBe('Not enrolled; nothing to delete');
    expect(sb.state().enrollments.map((e) => [e.school_uid, e.admin, e.byHand])).toEqual([
      ['s3', true, false],
      ['s2', true, true],
    ]);
  });

  it('links parents to students by school_uid', async () => {
    await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1), { ...student(9), role_id: '264' }] } } });
    const link = await call(sb, '/users/import/associations/parents', {
      method: 'POST',
      body: { associations: { association: [{ parent_uid: 's9', student_uid: 's1' }, { parent_uid: 's9', student_uid: 'nobody' }] } },
    });
    expect((link.json['association'] as Array<{ response_code: number }>).map((e) => e.response_code)).toEqual([201, 404]);
    expect(sb.state().parentLinks).toEqual([{ parent_uid: 's9', student_uid: 's1' }]);
  });
});

describe('paging', () => {
  it('pages with start and limit (default 20, at most 200) and links.next until the end', async () => {
    await sb.close();
    const courses = Array.from({ length: 45 }, (_, i) => ({ id: String(5000 + i), title: `Course ${i}`, course_code: `c${i}`, building_id: '1000' }));
    await start({ initial: { courses } });
    const seen: string[] = [];
    let next: string | undefined = `${sb.url}/courses`;
    const sizes: number[] = [];
    for (let pages = 0; next && pages < 10; pages++) {
      const page = await call(sb, next);
      expect(page.json['total']).toBe(45);
      const items = page.json['course'] as Array<{ course_code: string }>;
      sizes.push(items.length);
      seen.push(...items.map((c) => c.course_code));
      next = (page.json['links'] as { next?: string }).next;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(courses.map((c) => c.course_code));
    const big = await call(sb, '/courses?limit=500');
    expect((big.json['course'] as unknown[]).length).toBe(45);
    expect(new URL((big.json['links'] as { self: string }).self).searchParams.get('limit')).toBe('200');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the limit per consumer key, and again 200 once the window has passed', async () => {
    await sb.close();
    let clock = Date.parse('2026-09-01T10:00:00Z');
    await start({ rateLimit: { requests: 3, perSeconds: 10 }, now: () => new Date(clock) });
    for (let i = 0; i < 3; i++) expect((await call(sb, '/roles')).status).toBe(200);
    clock += 4_000;
    const over = await call(sb, '/roles');
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBe('6');
    clock += 6_000;
    expect((await call(sb, '/roles')).status).toBe(200);
  });

  it('injects 429s with the configured Retry-After', async () => {
    sb.faults.set({ rate429: 1, retryAfterSeconds: 7 });
    const answer = await call(sb, '/users?update_existing=1', { method: 'POST', body: { users: { user: [student(1)] } } });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('7');
    expect(sb.writeCount()).toBe(0);
    sb.faults.clear();
    expect((await call(sb, '/roles')).status).toBe(200);
  });
});
