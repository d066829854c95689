/**
 * The Infinite Campus sandbox answers like IC (infinite-campus-api.md): auth, paging and filters,
 * the 1.1 role prefixes, OAuth 1 signatures, result validation and faults, over real HTTP.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hmacSha1Signature, signatureBaseString } from '../../sandbox/ic/oauth1.ts';
import { fixturesDir, loadDistrictDataset, startIcSandbox, type IcApiMode, type IcSandbox } from '../../sandbox/ic/server.ts';

/** The scenario's clock: 2026-12-02 09:00 in Chicago. */
const scenarioNow = new Date('2026-12-02T15:00:00Z');
let clock = scenarioNow;
let ic: IcSandbox;

beforeAll(async () => {
  ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => clock, tokenLifetimeSeconds: 600 });
});
afterAll(async () => {
  await ic.close();
});
beforeEach(() => {
  clock = scenarioNow;
  ic.faults.clear();
});

const rostering = (mode: IcApiMode = 'oneroster-1.2') =>
  ic.baseUrl(mode) + (mode === 'oneroster-1.2' ? '/ims/oneroster/rostering/v1p2' : mode === 'oneroster-1.1' ? '/ims/oneroster/v1p1' : '/learningdata/v1');
const gradebook = (mode: IcApiMode = 'oneroster-1.2') =>
  mode === 'oneroster-1.2' ? `${ic.baseUrl(mode)}/ims/oneroster/gradebook/v1p2` : rostering(mode);
const vendor = () => ({ 'x-vendor-authorization': `${ic.credentials.vendorKey}:${ic.credentials.vendorSecret}` });

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function requestToken(secret = ic.credentials.clientSecret): Promise<Response> {
  return fetch(ic.tokenUrl, {
    method: 'POST',
    headers: { Authorization: basic(ic.credentials.clientId, secret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

async function token(): Promise<string> {
  const res = await requestToken();
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${await token()}`, ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const ImsxError = z.object({
  imsx_codeMajor: z.literal('failure'),
  imsx_description: z.string(),
  imsx_CodeMinor: z.object({ imsx_codeMinorField: z.array(z.object({ imsx_codeMinorFieldValue: z.string() })).length(1) }),
});
const codeMinor = (body: unknown) => ImsxError.parse(body).imsx_CodeMinor.imsx_codeMinorField[0]?.imsx_codeMinorFieldValue;
const description = (body: unknown) => ImsxError.parse(body).imsx_description;

const Ref = z.looseObject({ sourcedId: z.string() });
/** The objects of a collection answer, `{"users": [...]}`. */
function listed(body: unknown, envelope: string): z.infer<typeof Ref>[] {
  return z.record(z.string(), z.array(Ref)).parse(body)[envelope] ?? [];
}
const ids = (body: unknown, envelope: string) => listed(body, envelope).map((o) => o.sourcedId);

/** A result body as the client sends it in 1.2. */
function result(fields: { id?: string; lineItem: string; student: string } & Record<string, unknown>) {
  const { id, lineItem, student, ...rest } = fields;
  const sourcedId = id ?? randomUUID();
  return {
    sourcedId,
    body: {
      result: {
        sourcedId,
        status: 'active',
        dateLastModified: '2026-12-02T15:00:00.000Z',
        lineItem: { sourcedId: lineItem },
        student: { sourcedId: student },
        scoreStatus: 'fully graded',
        scoreDate: '2026-12-02',
        score: 88,
        ...rest,
      },
    },
  };
}

async function putResult(sourcedId: string, body: unknown, mode: IcApiMode = 'oneroster-1.2', headers: Record<string, string> = vendor()) {
  const res = await fetch(`${gradebook(mode)}/results/${encodeURIComponent(sourcedId)}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

// RFC 5849 (OAuth 1.0a) signing, written from the RFC for the test: two-legged, empty token secret.
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function oauth1Header(method: string, url: string, key: string, secret: string, nonce = randomUUID()): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: key,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
  };
  const params = [...u.searchParams.entries(), ...Object.entries(oauth)]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort();
  const base = `${method}&${rfc3986(`${u.origin}${u.pathname}`)}&${rfc3986(params.join('&'))}`;
  const signature = createHmac('sha1', `${rfc3986(secret)}&`).update(base).digest('base64');
  return `OAuth realm="Campus", ${Object.entries({ ...oauth, oauth_signature: signature })
    .map(([k, v]) => `${k}="${rfc3986(v)}"`)
    .join(', ')}`;
}

describe('OAuth 2 client credentials', () => {
  it('issues a bearer token that opens the rostering service', async () => {
    const res = await requestToken();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    const classes = await fetch(`${rostering()}/classes`, { headers: { Authorization: `Bearer ${String(body['access_token'])}` } });
    expect(classes.status).toBe(200);
  });

  it('answers 401 to a wrong secret, a missing Basic header, and a request without a token', async () => {
    const wrong = await requestToken('not-the-secret');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const noBasic = await fetch(ic.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${ic.credentials.clientId}&client_secret=${ic.credentials.clientSecret}`,
    });
    expect(noBasic.status).toBe(401);
    const anonymous = await fetch(`${rostering()}/classes`);
    expect(anonymous.status).toBe(401);
    expect(codeMinor(await anonymous.json())).toBe('unauthorisedrequest');
  });

  it('refuses another grant type', async () => {
    const res = await fetch(ic.tokenUrl, {
      method: 'POST',
      headers: { Authorization: basic(ic.credentials.clientId, ic.credentials.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('expires tokens after their lifetime on the sandbox clock, and on expireTokens()', async () => {
    const bearer = { Authorization: `Bearer ${await token()}` };
    expect((await fetch(`${rostering()}/orgs`, { headers: bearer })).status).toBe(200);
    clock = new Date(scenarioNow.getTime() + 601_000);
    expect((await fetch(`${rostering()}/orgs`, { headers: bearer })).status).toBe(401);

    const fresh = { Authorization: `Bearer ${await token()}` };
    expect((await fetch(`${rostering()}/orgs`, { headers: fresh })).status).toBe(200);
    ic.expireTokens();
    expect((await fetch(`${rostering()}/orgs`, { headers: fresh })).status).toBe(401);
  });
});

describe('rostering reads', () => {
  it('pages with limit and offset, X-Total-Count and a Link to the next page', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${rostering()}/students?limit=25`;
    for (let page = 0; url !== undefined && page < 10; page++) {
      const res = await getJson(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('60');
      seen.push(...ids(res.body, 'users'));
      url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const last = await getJson(`${rostering()}/students?limit=25&offset=50`);
    expect(ids(last.body, 'users')).toHaveLength(10);
    expect(last.headers.get('link')).toBeNull();
  });

  it('defaults to pages of 100', async () => {
    const res = await getJson(`${rostering()}/enrollments`);
    expect(ids(res.body, 'enrollments')).toHaveLength(100);
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThan(100);
  });

  it('filters on schoolYear, role, status and dateLastModified, with AND', async () => {
    const old = await getJson(`${rostering()}/academicSessions?filter=${encodeURIComponent("schoolYear='2026'")}`);
    expect(ids(old.body, 'academicSessions')).toEqual(['lhs-2026', 'lhs-2026-s1', 'lhs-2026-s2']);
    const teachers = await getJson(`${rostering()}/users?filter=${encodeURIComponent("role='teacher' AND status='active'")}`);
    expect(teachers.headers.get('x-total-count')).toBe('6');
    const changed = await getJson(`${rostering()}/users?filter=${encodeURIComponent("dateLastModified>'2026-09-01T00:00:00Z'")}`);
    expect(ids(changed.body, 'users').sort()).toEqual(['stu-1002', 'stu-1029', 'stu-1030', 'tch-2007']);
    const gradingPeriods = await getJson(`${rostering()}/academicSessions?filter=${encodeURIComponent("type='gradingPeriod' OR type='schoolYear'")}`);
    expect(gradingPeriods.headers.get('x-total-count')).toBe('8');
  });

  it('answers 400 invalid_filter_field to an unknown field', async () => {
    const res = await getJson(`${rostering()}/classes?filter=${encodeURIComponent("colour='blue'")}`);
    expect(res.status).toBe(400);
    expect(codeMinor(res.body)).toBe('invalid_filter_field');
  });

  it('serves single objects and the class members, and 404 unknownobject otherwise', async () => {
    const klass = await getJson(`${rostering()}/classes/cls-gov-s1`);
    expect(klass.body).toMatchObject({ class: { sourcedId: 'cls-gov-s1', school: { sourcedId: 'sch-lincoln', type: 'org' }, terms: [{ sourcedId: 'lhs-2027-s1' }] } });
    const school = await getJson(`${rostering()}/schools/sch-roosevelt`);
    expect(school.body).toMatchObject({ org: { identifier: 'RHS', type: 'school' } });
    const students = await getJson(`${rostering()}/classes/cls-alg1-p1/students`);
    expect(ids(students.body, 'users')).toHaveLength(10);
    const teachers = await getJson(`${rostering()}/classes/cls-eng9-p4/teachers`);
    expect(ids(teachers.body, 'users')).toEqual(['tch-2002', 'tch-2003']);
    const missing = await getJson(`${rostering()}/classes/SGY-98765`);
    expect(missing.status).toBe(404);
    expect(codeMinor(missing.body)).toBe('unknownobject');
  });

  it('serves users with roles[] in 1.2 and role-prefixed IDs with a single role in 1.1', async () => {
    const v12 = await getJson(`${rostering()}/users/stu-1001`);
    expect(v12.body).toMatchObject({
      user: {
        sourcedId: 'stu-1001',
        enabledUser: true,
        roles: [{ roleType: 'primary', role: 'student', org: { sourcedId: 'sch-lincoln' } }],
        agents: [{ sourcedId: 'gdn-4001', type: 'user' }],
        metadata: { ic: { legacySourcedId: 's+stu-1001' } },
      },
    });
    const v11 = await getJson(`${rostering('oneroster-1.1')}/users/s%2Bstu-1001`);
    expect(v11.body).toMatchObject({ user: { sourcedId: 's+stu-1001', role: 'student', enabledUser: 'true', agents: [{ sourcedId: 'c+gdn-4001' }] } });
    expect(v11.body).not.toHaveProperty('user.roles');
    expect((await getJson(`${rostering('oneroster-1.1')}/users/stu-1001`)).status).toBe(404);
    const enrollments = await getJson(
      `${rostering('oneroster-1.1')}/enrollments?filter=${encodeURIComponent("class.sourcedId='cls-eng9-p4' AND role='teacher'")}`,
    );
    expect(listed(enrollments.body, 'enrollments').map((e) => Ref.parse(e['user']).sourcedId)).toEqual(['t+tch-2002', 't+tch-2003']);
  });
});

describe('gradebook reads', () => {
  it('needs the vendor header', async () => {
    const without = await getJson(`${gradebook()}/classes/cls-alg1-p1/lineItems`);
    expect(without.status).toBe(401);
    const wrong = await getJson(`${gradebook()}/classes/cls-alg1-p1/lineItems`, { 'x-vendor-authorization': `${ic.credentials.vendorKey}:nope` });
    expect(wrong.status).toBe(401);
  });

  it('serves grading-task line items with IC metadata, term and scale', async () => {
    const res = await getJson(`${gradebook()}/classes/cls-bio-p3/lineItems`, vendor());
    expect(res.status).toBe(200);
    const q2 = listed(res.body, 'lineItems').find((l) => l.sourcedId === 'li-cls-bio-p3-101-q2');
    expect(q2).toMatchObject({
      title: 'Quarter Grade',
      class: { sourcedId: 'cls-bio-p3' },
      gradingPeriod: { sourcedId: 'lhs-2027-q2', type: 'academicSession' },
      scoreScale: { sourcedId: 'ss-letter-af' },
      metadata: { ext_infiniteCampus_gradingTaskID: '101', ext_infiniteCampus_isGradingWindowOpen: 'true' },
    });
    const s1 = listed(res.body, 'lineItems').find((l) => l.sourcedId === 'li-cls-bio-p3-102-s1');
    expect(s1).toHaveProperty('metadata.ext_infiniteCampus_gradingTaskID', '102');
    expect(s1).not.toHaveProperty('metadata.ext_infiniteCampus_isGradingWindowOpen');
    const v11 = await getJson(`${gradebook('oneroster-1.1')}/lineItems/li-cls-bio-p3-101-q2`, vendor());
    expect(v11.body).toMatchObject({ lineItem: { academicSession: { sourcedId: 'lhs-2027-q2' } } });
    expect(v11.body).not.toHaveProperty('lineItem.gradingPeriod');
  });

  it('keeps gradebook resources off the 1.2 rostering service', async () => {
    const res = await getJson(`${rostering()}/classes/cls-bio-p3/lineItems`, vendor());
    expect(res.status).toBe(404);
  });
});

describe('PUT results', () => {
  it('creates (201), replaces (200) without duplicating, and reads back', async () => {
    const first = result({ lineItem: 'li-cls-alg1-p1-101-q2', student: 'stu-1001', score: 91.5 });
    expect((await putResult(first.sourcedId, first.body)).status).toBe(201);
    const second = result({ id: first.sourcedId, lineItem: 'li-cls-alg1-p1-101-q2', student: 'stu-1001', score: 93 });
    expect((await putResult(first.sourcedId, second.body)).status).toBe(200);
    const stored = ic.results().filter((r) => r.sourcedId === first.sourcedId);
    expect(stored).toEqual([
      expect.objectContaining({ lineItemSourcedId: 'li-cls-alg1-p1-101-q2', studentSourcedId: 'stu-1001', score: 93, writes: 2 }),
    ]);
    const read = await getJson(`${gradebook()}/results/${first.sourcedId}`, vendor());
    expect(read.body).toMatchObject({ result: { score: 93, student: { sourcedId: 'stu-1001' }, scoreStatus: 'fully graded' } });
  });

  it('stores letters from textScore and the IC metadata when they are on the scale', async () => {
    const r = result({
      lineItem: 'li-cls-math7-p2-101-q2',
      student: 'stu-1041',
      score: 97,
      textScore: 'A+',
      metadata: { ext_infiniteCampus_scoreGrade: 'A+' },
    });
    expect((await putResult(r.sourcedId, r.body)).status).toBe(201);
    expect(ic.results().find((s) => s.sourcedId === r.sourcedId)).toMatchObject({ textScore: 'A+', scoreGrade: 'A+', score: 97 });
  });

  it('takes a role-prefixed student in 1.1 and stores the 1.2 ID; scoreStatus is optional there', async () => {
    const r = result({ lineItem: 'li-cls-gov-s1-102-s1', student: 's+stu-1022', scoreStatus: undefined });
    expect((await putResult(r.sourcedId, r.body, 'oneroster-1.1')).status).toBe(201);
    expect(ic.results().find((s) => s.sourcedId === r.sourcedId)).toMatchObject({ studentSourcedId: 'stu-1022' });
    const read = await getJson(`${gradebook('oneroster-1.1')}/results/${r.sourcedId}`, vendor());
    expect(read.body).toMatchObject({ result: { student: { sourcedId: 's+stu-1022' } } });
    const unprefixed = result({ lineItem: 'li-cls-gov-s1-102-s1', student: 'stu-1022' });
    expect((await putResult(unprefixed.sourcedId, unprefixed.body, 'oneroster-1.1')).status).toBe(404);
  });

  it('needs the vendor header to write', async () => {
    const r = result({ lineItem: 'li-cls-alg1-p1-101-q2', student: 'stu-1002' });
    expect((await putResult(r.sourcedId, r.body, 'oneroster-1.2', {})).status).toBe(401);
  });

  const rejections: [string, (r: Record<string, unknown>) => Record<string, unknown>, number, string | RegExp][] = [
    ['a missing scoreStatus (1.2)', ({ scoreStatus: _, ...r }) => r, 400, /scoreStatus/],
    ['a sourcedId other than the URL', (r) => ({ ...r, sourcedId: 'other' }), 400, /differs/],
    ['a status other than active', (r) => ({ ...r, status: 'tobedeleted' }), 400, /status/],
    ['a dateLastModified that is not a date-time', (r) => ({ ...r, dateLastModified: '02/12/2026' }), 400, /dateLastModified/],
    ['a missing lineItem', ({ lineItem: _, ...r }) => r, 400, /lineItem/],
    ['a missing student', ({ student: _, ...r }) => r, 400, /student/],
    ['a scoreDate that is not YYYY-MM-DD', (r) => ({ ...r, scoreDate: '2026-12-02T10:00:00Z' }), 400, /scoreDate/],
    ['an unknown line item', (r) => ({ ...r, lineItem: { sourcedId: 'li-nope' } }), 404, /lineItem/],
    ['an unknown student', (r) => ({ ...r, student: { sourcedId: 'stu-9999' } }), 404, /student/],
    ['a teacher as the student', (r) => ({ ...r, student: { sourcedId: 'tch-2001' } }), 404, /student/],
    ['a student not enrolled in the class', (r) => ({ ...r, student: { sourcedId: 'stu-1015' } }), 422, /not enrolled/],
    ['a class other than the line item\'s', (r) => ({ ...r, class: { sourcedId: 'cls-alg1-p2' } }), 422, /class/],
    ['a window closed by the flag', (r) => ({ ...r, lineItem: { sourcedId: 'li-cls-alg1-p1-101-q1' } }), 422, /grading window/],
    ['a score above 100', (r) => ({ ...r, score: 101 }), 422, /score/],
    ['a score below 0', (r) => ({ ...r, score: -1 }), 422, /score/],
    ['a score that is not a number', (r) => ({ ...r, score: '90' }), 422, /score/],
  ];
  for (const [what, change, status, message] of rejections) {
    it(`rejects ${what} with ${status}`, async () => {
      const r = result({ lineItem: 'li-cls-alg1-p1-101-q2', student: 'stu-1003' });
      const res = await putResult(r.sourcedId, { result: change(r.body.result) });
      expect(res.status).toBe(status);
      expect(description(res.body)).toMatch(message);
      expect(ic.results().some((s) => s.sourcedId === r.sourcedId)).toBe(false);
    });
  }

  it('decides windows without a flag by the window dates on the sandbox clock', async () => {
    const closed = result({ lineItem: 'li-cls-sci7-p1-102-s1', student: 'stu-1033' });
    const refused = await putResult(closed.sourcedId, closed.body);
    expect(refused.status).toBe(422);
    expect(codeMinor(refused.body)).toBe('invaliddata');
    expect(description(refused.body)).toMatch(/grading window/);
    const noWindow = result({ lineItem: 'li-cls-sci7-p1-201-yr', student: 'stu-1033' });
    expect((await putResult(noWindow.sourcedId, noWindow.body)).status).toBe(422);
    const open = result({ lineItem: 'li-cls-sci7-p1-101-q2', student: 'stu-1033' });
    expect((await putResult(open.sourcedId, open.body)).status).toBe(201);
    clock = new Date('2026-12-19T00:00:00Z');
    const later = result({ lineItem: 'li-cls-sci7-p1-101-q2', student: 'stu-1034' });
    expect((await putResult(later.sourcedId, later.body)).status).toBe(422);
  });

  it('refuses a letter not on the line item\'s scale, in textScore or in the IC metadata', async () => {
    const text = result({ lineItem: 'li-cls-bio-p3-101-q2', student: 'stu-1002', textScore: 'B+' });
    const res = await putResult(text.sourcedId, text.body);
    expect(res.status).toBe(422);
    expect(description(res.body)).toMatch(/score scale/);
    expect(description(res.body)).not.toMatch(/grading window/);
    const meta = result({ lineItem: 'li-cls-bio-p3-101-q2', student: 'stu-1002', metadata: { ext_infiniteCampus_scoreGrade: 'B+' } });
    expect((await putResult(meta.sourcedId, meta.body)).status).toBe(422);
    const onScale = result({ lineItem: 'li-cls-bio-p3-101-q2', student: 'stu-1002', textScore: 'B', metadata: { ext_infiniteCampus_scoreGrade: 'B' } });
    expect((await putResult(onScale.sourcedId, onScale.body)).status).toBe(201);
  });
});

describe('OAuth 1.0a on the legacy learningdata API', () => {
  const key = () => ic.credentials.consumerKey;
  const secret = () => ic.credentials.consumerSecret;

  it('agrees with the RFC 5849 section 1.2 example signature', () => {
    const base = signatureBaseString('GET', 'http://photos.example.net/photos', [
      ['file', 'vacation.jpg'],
      ['size', 'original'],
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ]);
    expect(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it('accepts a signed request with query parameters and refuses the replayed nonce', async () => {
    const url = `${rostering('legacy-learningdata')}/classes?limit=5&filter=${encodeURIComponent("classType='scheduled'")}`;
    const authorization = oauth1Header('GET', url, key(), secret());
    const first = await fetch(url, { headers: { Authorization: authorization } });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { classes: unknown[] };
    expect(body.classes).toHaveLength(5);
    const replay = await fetch(url, { headers: { Authorization: authorization } });
    expect(replay.status).toBe(401);
    expect(description(await replay.json())).toMatch(/nonce/);
  });

  it('refuses a wrong signature and an OAuth 2 token', async () => {
    const url = `${rostering('legacy-learningdata')}/orgs`;
    const badSignature = await fetch(url, { headers: { Authorization: oauth1Header('GET', url, key(), 'wrong-secret') } });
    expect(badSignature.status).toBe(401);
    const signedForOtherUrl = await fetch(`${url}?limit=1`, { headers: { Authorization: oauth1Header('GET', url, key(), secret()) } });
    expect(signedForOtherUrl.status).toBe(401);
    const bearer = await fetch(url, { headers: { Authorization: `Bearer ${await token()}` } });
    expect(bearer.status).toBe(401);
  });

  it('writes a result with the role-prefixed student, behind the vendor header', async () => {
    const r = result({ lineItem: 'li-cls-eng9-p4-101-q2', student: 's+stu-1019', scoreStatus: undefined, score: 94 });
    const url = `${gradebook('legacy-learningdata')}/results/${r.sourcedId}`;
    const res = await fetch(url, {
      method: 'PUT',
      headers: { Authorization: oauth1Header('PUT', url, key(), secret()), 'Content-Type': 'application/json', ...vendor() },
      body: JSON.stringify(r.body),
    });
    expect(res.status).toBe(201);
    expect(ic.results().find((s) => s.sourcedId === r.sourcedId)).toMatchObject({ studentSourcedId: 'stu-1019', score: 94 });
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After at a chosen request number', async () => {
    ic.resetRequestLog();
    ic.faults.set({ retryAfterSeconds: 7 });
    ic.faults.at(2, '429');
    const bearer = { Authorization: `Bearer ${await token()}` };
    const busy = await fetch(`${rostering()}/schools`, { headers: bearer });
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('7');
    expect(codeMinor(await busy.json())).toBe('server_busy');
    expect((await fetch(`${rostering()}/schools`, { headers: bearer })).status).toBe(200);
    expect(ic.requests().map((r) => [r.n, r.service, r.status, r.fault])).toEqual([
      [1, 'token', 200, undefined],
      [2, 'rostering', 429, '429'],
      [3, 'rostering', 200, undefined],
    ]);
  });

  it('drops the connection without answering', async () => {
    ic.resetRequestLog();
    ic.faults.at(2, 'drop');
    const bearer = { Authorization: `Bearer ${await token()}` };
    await expect(fetch(`${rostering()}/orgs`, { headers: bearer })).rejects.toThrow();
    expect(ic.requests()[1]).toMatchObject({ n: 2, status: 0, fault: 'drop' });
  });

  it('expires every token at a chosen request, so the client must fetch another', async () => {
    ic.resetRequestLog();
    ic.faults.at(3, 'expire-token');
    const bearer = { Authorization: `Bearer ${await token()}` };
    expect((await fetch(`${rostering()}/orgs`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${rostering()}/orgs`, { headers: bearer })).status).toBe(401);
    expect((await fetch(`${rostering()}/orgs`, { headers: { Authorization: `Bearer ${await token()}` } })).status).toBe(200);
  });

  it('limits proportional faults to writes, and replays the same faults for the same seed', async () => {
    const outcomes = async () => {
      ic.faults.set({ rate429: 0.5, rate5xx: 0.3, seed: 42, only: 'writes', retryAfterSeconds: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const r = result({ id: `fault-${i}`, lineItem: 'li-cls-alg1-p1-101-q2', student: 'stu-1010' });
        statuses.push((await putResult(r.sourcedId, r.body)).status);
      }
      return statuses;
    };
    const first = await outcomes();
    expect(first.some((s) => s === 429)).toBe(true);
    expect(first.every((s) => [200, 201, 429, 500, 503].includes(s))).toBe(true);
    // Same seed, same draws: the same requests fail; the ones stored the first time are now replaced (200).
    expect(await outcomes()).toEqual(first.map((s) => (s === 201 ? 200 : s)));
  });

  it('hangs a request until the client gives up', async () => {
    ic.resetRequestLog();
    const bearer = { Authorization: `Bearer ${await token()}` };
    ic.faults.set({ rateTimeout: 1, only: 'rostering' });
    await expect(fetch(`${rostering()}/orgs`, { headers: bearer, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(ic.requests().find((r) => r.service === 'rostering')).toMatchObject({ status: 0, fault: 'timeout' });
  });
});

describe('revoked credentials', () => {
  it('answer 401 at the token endpoint, with old tokens, and for the OAuth 1 consumer key', async () => {
    const own = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => scenarioNow });
    try {
      const tokenRes = await fetch(own.tokenUrl, {
        method: 'POST',
        headers: { Authorization: basic(own.credentials.clientId, own.credentials.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const { access_token: accessToken } = (await tokenRes.json()) as { access_token: string };
      const orgs = `${own.baseUrl('oneroster-1.2')}/ims/oneroster/rostering/v1p2/orgs`;
      expect((await fetch(orgs, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);

      const revoke = await fetch(`${own.url}/_sandbox/revoke`, { method: 'POST' });
      expect(revoke.status).toBe(204);
      expect((await fetch(orgs, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(401);
      const again = await fetch(own.tokenUrl, {
        method: 'POST',
        headers: { Authorization: basic(own.credentials.clientId, own.credentials.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(again.status).toBe(401);
      const legacy = `${own.baseUrl('legacy-learningdata')}/learningdata/v1/orgs`;
      const signed = await fetch(legacy, { headers: { Authorization: oauth1Header('GET', legacy, own.credentials.consumerKey, own.credentials.consumerSecret) } });
      expect(signed.status).toBe(401);
    } finally {
      await own.close();
    }
  });
});

describe('sandbox control endpoints', () => {
  it('set faults, and read results and requests over HTTP', async () => {
    const set = await fetch(`${ic.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ rate5xx: 1, only: 'token' }) });
    expect(set.status).toBe(204);
    expect((await requestToken()).status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${ic.url}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await requestToken()).status).toBe(200);
    const invalid = await fetch(`${ic.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ rate429: 2 }) });
    expect(invalid.status).toBe(400);

    const results = (await (await fetch(`${ic.url}/_sandbox/results`)).json()) as { sourcedId: string }[];
    expect(results.map((r) => r.sourcedId)).toEqual(ic.results().map((r) => r.sourcedId));
    const requests = (await (await fetch(`${ic.url}/_sandbox/requests`)).json()) as { path: string }[];
    expect(requests.length).toBe(ic.requests().length);
    expect(requests.some((r) => r.path.startsWith('/_sandbox'))).toBe(false);
  });
});

describe('the fixture district', () => {
  const csvRows = (file: string) => parse(readFileSync(path.join(fixturesDir, file), 'utf8'), { bom: true, columns: true }) as unknown;
  const dataset = loadDistrictDataset();
  const schoolId = (schoolOrIdentifier: string) => dataset.orgs.find((o) => o.identifier === schoolOrIdentifier)?.sourcedId ?? schoolOrIdentifier;

  it('has a window calendar equal to the sandbox window dates, read in the district time zone', () => {
    const rows = z
      .array(z.object({ School: z.string(), 'Task ID': z.string(), Term: z.string(), 'Opens At': z.string(), 'Closes At': z.string() }))
      .parse(csvRows('windows.csv'));
    const utc = (local: string) =>
      DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: dataset.timezone }).toUTC().toISO({ suppressMilliseconds: true });
    const fromCsv = rows.map((r) => [schoolId(r.School), r['Task ID'], r.Term, utc(r['Opens At']), utc(r['Closes At'])].join(' '));
    const fromDataset = dataset.gradingWindows.map((w) => [w.school, w.taskId, w.term, w.opensAt, w.closesAt].join(' '));
    expect(fromCsv.sort()).toEqual(fromDataset.sort());
  });

  it('has a mapping file covering two of the three schools, with each school\'s own terms', () => {
    const rows = z
      .array(z.object({ 'Schoology Grading Period': z.string(), 'IC Term': z.string(), School: z.string() }))
      .parse(csvRows('mapping.csv'));
    expect(new Set(rows.map((r) => schoolId(r.School)))).toEqual(new Set(['sch-lincoln', 'sch-washington']));
    for (const row of rows) {
      const term = dataset.academicSessions.find((s) => s.sourcedId === row['IC Term']);
      expect(term).toMatchObject({ org: schoolId(row.School), title: row['Schoology Grading Period'] });
    }
  });

  const ExpectedResults = z.array(
    z.strictObject({ lineItemSourcedId: z.string(), studentSourcedId: z.string(), score: z.number(), letter: z.string().nullable() }),
  );
  const ExpectedOutcomes = z.strictObject({
    counts: z.strictObject({
      rows: z.number(),
      planned: z.number(),
      posted: z.number(),
      unchanged: z.number(),
      failed: z.number(),
      skipped: z.record(z.string(), z.number()),
    }),
    byLine: z.array(
      z.strictObject({ line: z.number(), outcome: z.string(), lineItemSourcedId: z.string().optional(), studentSourcedId: z.string().optional() }),
    ),
  });
  const readJson = (file: string) => JSON.parse(readFileSync(path.join(fixturesDir, file), 'utf8')) as unknown;

  it('has outcome counts that agree with the outcomes by line and with the expected results', () => {
    const { counts, byLine } = ExpectedOutcomes.parse(readJson('expected-outcomes.json'));
    const tally = (outcome: string) => byLine.filter((o) => o.outcome === outcome).length;
    expect(tally('posted')).toBe(counts.posted);
    expect(tally('failed')).toBe(counts.failed);
    for (const [reason, n] of Object.entries(counts.skipped)) expect(tally(reason)).toBe(n);
    expect(new Set(byLine.map((o) => o.line)).size).toBe(counts.rows);
    const posted = new Set(byLine.filter((o) => o.outcome === 'posted').map((o) => `${o.lineItemSourcedId}/${o.studentSourcedId}`));
    const expected = ExpectedResults.parse(readJson('expected-results.json')).map((r) => `${r.lineItemSourcedId}/${r.studentSourcedId}`);
    expect([...posted].sort()).toEqual(expected);
  });

  it('expects only results that IC accepts at the scenario clock, and the refused letter to be refused', async () => {
    const own = await startIcSandbox({ dataset, now: () => scenarioNow });
    try {
      const tokenRes = await fetch(own.tokenUrl, {
        method: 'POST',
        headers: { Authorization: basic(own.credentials.clientId, own.credentials.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const { access_token: accessToken } = z.object({ access_token: z.string() }).parse(await tokenRes.json());
      const put = async (r: z.infer<typeof ExpectedResults>[number]) => {
        const sourcedId = randomUUID();
        const letter = r.letter === null ? {} : { textScore: r.letter, metadata: { ext_infiniteCampus_scoreGrade: r.letter } };
        const res = await fetch(`${own.baseUrl('oneroster-1.2')}/ims/oneroster/gradebook/v1p2/results/${sourcedId}`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', ...vendor() },
          body: JSON.stringify(result({ id: sourcedId, lineItem: r.lineItemSourcedId, student: r.studentSourcedId, score: r.score, ...letter }).body),
        });
        return res.status;
      };
      const expected = ExpectedResults.parse(readJson('expected-results.json'));
      for (const r of expected) expect([r.lineItemSourcedId, r.studentSourcedId, await put(r)]).toEqual([r.lineItemSourcedId, r.studentSourcedId, 201]);
      expect(await put({ lineItemSourcedId: 'li-cls-bio-p3-101-q2', studentSourcedId: 'stu-1002', score: 88, letter: 'B+' })).toBe(422);
      expect(own.results()).toHaveLength(expected.length);
    } finally {
      await own.close();
    }
  });
});
