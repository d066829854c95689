/**
 * Helpers for status-page tests: a small roster, a config with secrets from a fake env, and a
 * browser-like client over Fastify's `inject` that keeps cookies and reads CSRF tokens from forms.
 */
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Store } from '../../src/store/open-store.ts';
import { replaceRosterSnapshot, type RosterSnapshot } from '../../src/store/roster-mappings.ts';
import type { NewRowOutcome } from '../../src/store/row-outcomes.ts';

/** Secret values a page must never show. */
export const testSecrets = {
  IC_CLIENT_ID: 'ic-client-id-7Q2wPZ',
  IC_CLIENT_SECRET: 'ic-client-secret-Vx93kLmN',
  IC_VENDOR_KEY: 'ic-vendor-key-Hh28dd',
  IC_VENDOR_SECRET: 'ic-vendor-secret-Zr55qq',
  SFTP_PASSWORD: 'sftp-password-Pq81zz',
  SMTP_PASSWORD: 'smtp-password-Kk40ww',
  SGY_KEY: 'schoology-key-Jj19aa',
  SGY_SECRET: 'schoology-secret-Ll77bb',
} as const;

export function webTestConfig(options: { admins?: string[]; publicUrl?: string; extra?: Record<string, unknown> } = {}): Config {
  return parseConfig(
    {
      store: 'sqlite::memory:',
      timezone: 'America/Chicago',
      smtp: { url: 'smtp://mailer:inline-url-pass-Uu12@127.0.0.1:9', from: 'gradebridge@district.test', user: 'mailer', password: { env: 'SMTP_PASSWORD' } },
      web: { host: '127.0.0.1', port: 0, admins: options.admins ?? ['it@district.test'], ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) },
      infiniteCampus: {
        baseUrl: 'http://127.0.0.1:9/campus/api/oneroster/v1p2/district',
        tokenUrl: 'http://127.0.0.1:9/campus/oauth2/token',
        clientId: { env: 'IC_CLIENT_ID' },
        clientSecret: { env: 'IC_CLIENT_SECRET' },
        vendorKey: { env: 'IC_VENDOR_KEY' },
        vendorSecret: { env: 'IC_VENDOR_SECRET' },
        credentialsExpire: '2026-12-20',
      },
      gradePassback: {
        sftp: { host: '127.0.0.1', username: 'schoology', password: { env: 'SFTP_PASSWORD' }, hostKeyCheck: false, remoteDir: '/export' },
        termTaskIds: [101],
        overallTaskIds: [201],
        teachersMustOptIn: true,
      },
      rosterProvisioning: {
        activeYear: '2026-2027',
        schoology: { consumerKey: { env: 'SGY_KEY' }, consumerSecret: { env: 'SGY_SECRET' } },
      },
      ...options.extra,
    },
    { baseDir: '/tmp', env: { ...testSecrets } },
  );
}

/** Two teachers at one school, two terms; a student of Ms. Rivera has a name that is also markup. */
export const roster: RosterSnapshot = {
  schools: [{ sourced_id: 'sch-1', identifier: 'LHS', name: 'Lincoln High', building_id: null }],
  terms: [
    { sourced_id: 'term-s1', title: 'Semester 1', type: 'semester', school_year: '2027', start_date: '2026-08-20', end_date: '2026-12-18', school_sourced_id: 'sch-1', grading_period_id: null, grading_period_title: null },
    { sourced_id: 'term-s2', title: 'Semester 2', type: 'semester', school_year: '2027', start_date: '2027-01-05', end_date: '2027-05-28', school_sourced_id: 'sch-1', grading_period_id: null, grading_period_title: null },
  ],
  classes: [
    { sourced_id: 'cls-alg', title: 'Algebra I - P1', class_code: 'ALG-1', course_sourced_id: 'crs-alg', course_title: 'Algebra I', school_sourced_id: 'sch-1', term_sourced_ids: '["term-s1"]', section_id: null },
    { sourced_id: 'cls-geo', title: 'Geometry - P3', class_code: 'GEO-3', course_sourced_id: 'crs-geo', course_title: 'Geometry', school_sourced_id: 'sch-1', term_sourced_ids: '["term-s1"]', section_id: null },
    { sourced_id: 'cls-chem', title: 'Chemistry - P5', class_code: 'CHEM-5', course_sourced_id: 'crs-chem', course_title: 'Chemistry', school_sourced_id: 'sch-1', term_sourced_ids: '["term-s2"]', section_id: null },
    { sourced_id: 'cls-bio', title: 'Biology - P2', class_code: 'BIO-2', course_sourced_id: 'crs-bio', course_title: 'Biology', school_sourced_id: 'sch-1', term_sourced_ids: '["term-s1"]', section_id: null },
  ],
  users: [
    { sourced_id: 'u-rivera', uid: 'u-rivera', identifier: 'T100', role: 'teacher', given_name: 'Ana', family_name: 'Rivera', email: 'Ana.Rivera@district.test', username: 'arivera' },
    { sourced_id: 'u-chen', uid: 'u-chen', identifier: 'T200', role: 'teacher', given_name: 'Wei', family_name: 'Chen', email: 'wei.chen@district.test', username: 'wchen' },
    { sourced_id: 'u-s1', uid: 'S1001', identifier: 'S1001', role: 'student', given_name: '<script>alert(1)</script>', family_name: 'Doe', email: null, username: 's1001' },
    { sourced_id: 'u-s2', uid: 'S1002', identifier: 'S1002', role: 'student', given_name: 'Maya', family_name: 'Okafor', email: null, username: 's1002' },
  ],
  enrollments: [
    { class_sourced_id: 'cls-alg', user_sourced_id: 'u-rivera', role: 'teacher' },
    { class_sourced_id: 'cls-geo', user_sourced_id: 'u-rivera', role: 'teacher' },
    { class_sourced_id: 'cls-chem', user_sourced_id: 'u-rivera', role: 'teacher' },
    { class_sourced_id: 'cls-bio', user_sourced_id: 'u-chen', role: 'teacher' },
    { class_sourced_id: 'cls-alg', user_sourced_id: 'u-s1', role: 'student' },
    { class_sourced_id: 'cls-alg', user_sourced_id: 'u-s2', role: 'student' },
    { class_sourced_id: 'cls-bio', user_sourced_id: 'u-s2', role: 'student' },
  ],
};

export async function seedRoster(store: Store): Promise<void> {
  await replaceRosterSnapshot(store, roster);
}

export interface Answer {
  status: number;
  body: string;
  location: string | undefined;
  headers: Record<string, unknown>;
}

/** A browser stand-in over `inject`: keeps cookies, follows nothing, reads `_csrf` from the last page. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  lastCsrf: string | null = null;

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string): Promise<Answer> {
    return this.#send('GET', url);
  }

  /** POSTs a urlencoded form; `_csrf` is added from the last page unless the form sets it (or sets it to null). */
  async post(url: string, form: Record<string, string | null> = {}, headers: Record<string, string> = {}): Promise<Answer> {
    const fields: Record<string, string> = {};
    if (!('_csrf' in form) && this.lastCsrf) fields['_csrf'] = this.lastCsrf;
    for (const [k, v] of Object.entries(form)) if (v !== null) fields[k] = v;
    return this.#send('POST', url, new URLSearchParams(fields).toString(), headers);
  }

  async #send(method: 'GET' | 'POST', url: string, payload?: string, headers: Record<string, string> = {}): Promise<Answer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.app.inject({
      method,
      url,
      headers: { ...headers, ...(cookie ? { cookie } : {}), ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() <= Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (csrf?.[1]) this.lastCsrf = csrf[1];
    const location = response.headers['location'];
    return { status: response.statusCode, body: response.body, location: typeof location === 'string' ? location : undefined, headers: response.headers };
  }
}

/** The sign-in link in a captured message. */
export function linkIn(text: string): string {
  const match = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]{43}/.exec(text);
  if (!match) throw new Error(`no sign-in link in: ${text}`);
  return match[0];
}

/** A client signed in as `email` through the real flow: form, emailed link, button. */
export async function signInAs(app: FastifyInstance, mails: readonly { text: string }[], email: string): Promise<WebClient> {
  const client = new WebClient(app);
  await client.get('/');
  const before = mails.length;
  const answer = await client.post('/sign-in', { email });
  if (answer.status !== 200 || mails.length !== before + 1) throw new Error(`no sign-in link was sent to ${email} (${answer.status})`);
  const path = new URL(linkIn(mails.at(-1)?.text ?? '')).pathname;
  await client.get(path);
  const used = await client.post(path);
  if (used.status !== 303) throw new Error(`the sign-in link of ${email} did not work (${used.status})`);
  return client;
}

/** The page's <main> content, without the site bar (which holds the sign-out form). */
export function mainOf(body: string): string {
  return /<main id="main">([\s\S]*)<\/main>/.exec(body)?.[1] ?? '';
}

/** A stored row outcome in the fixture roster's Semester 1 (task 101): the fields the pages show. */
export function outcomeRow(
  section: string,
  student: string,
  outcome: string,
  value: { score?: number | null; letter?: string | null; message?: string | null } = {},
): NewRowOutcome {
  return {
    line: 2,
    sync_type: null,
    school: 'sch-1',
    section,
    student,
    grading_period: 'Semester 1',
    class_sourced_id: section,
    student_sourced_id: null,
    term_sourced_id: 'term-s1',
    line_item_sourced_id: null,
    task_id: 101,
    result_sourced_id: null,
    object_key: null,
    score: value.score ?? null,
    letter: value.letter ?? null,
    outcome,
    message: value.message ?? null,
  };
}
