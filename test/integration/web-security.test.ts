/**
 * Security of the status page over HTTP: teachers reach only their own sections, every POST needs
 * the session's CSRF token, roster text is escaped, secrets never reach the settings page, and
 * every route checks the role (403 signed in, 303 to / signed out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/logger.ts';
import type { Store } from '../../src/store/open-store.ts';
import { readOptedInSections, setOptIn } from '../../src/store/opt-ins.ts';
import { insertRowOutcomes } from '../../src/store/row-outcomes.ts';
import { createRun, finishRun } from '../../src/store/runs.ts';
import { buildWebServer } from '../../src/web/server.ts';
import type { SignInMail } from '../../src/web/send-sign-in-link.ts';
import { openFreshStore } from '../helpers/stores.ts';
import { WebClient, mainOf, seedRoster, signInAs, testSecrets, webTestConfig } from '../helpers/web.ts';

const rivera = 'ana.rivera@district.test';
const chen = 'wei.chen@district.test';
const admin = 'it@district.test';

describe('status page security', () => {
  let store: Store;
  let app: FastifyInstance;
  const mails: SignInMail[] = [];
  // Signed in once each (at most 5 links per address an hour holds in tests too).
  let riveraClient: WebClient;
  let riveraOtherSession: WebClient;
  let chenClient: WebClient;
  let adminClient: WebClient;

  beforeAll(async () => {
    store = await openFreshStore('sqlite');
    await seedRoster(store);
    await createRun(store, { id: 'run-1', pipeline: 'grades', trigger: 'schedule', dryRun: false, full: false, scope: null, startedAt: new Date('2026-12-02T12:00:00Z') });
    await insertRowOutcomes(store, 'run-1', [
      outcome({ section: 'cls-alg', student: 'S1001', outcome: 'posted', score: 91 }),
      outcome({ section: 'cls-bio', student: 'S1002', outcome: 'posted', score: 77 }),
    ]);
    await finishRun(store, 'run-1', { status: 'succeeded', rows: 2, counts: { rows: 2, planned: 2, posted: 2, unchanged: 0, failed: 0, skipped: {} }, error: null, finishedAt: new Date('2026-12-02T12:01:00Z'), durationMs: 60_000 });
    app = buildWebServer({
      config: webTestConfig(),
      store,
      logger: silentLogger(),
      now: () => new Date('2026-12-02T15:00:00Z'),
      sendMail: async (mail) => {
        mails.push(mail);
      },
      readLineItems: async () => {
        throw new Error('IC is not part of this test');
      },
    });
    riveraClient = await signInAs(app, mails, rivera);
    riveraOtherSession = await signInAs(app, mails, rivera);
    chenClient = await signInAs(app, mails, chen);
    adminClient = await signInAs(app, mails, admin);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('shows a teacher only their own sections and results', async () => {
    const client = riveraClient;
    const page = await client.get('/teacher');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Algebra I');
    expect(page.body).toContain('Geometry');
    expect(page.body).not.toContain('Biology');
    expect(page.body).not.toContain('S1002');
  });

  it("refuses a crafted request to change another teacher's section, and changes nothing", async () => {
    const client = riveraClient;
    await client.get('/teacher');
    const before = await store.db.selectFrom('opt_ins').selectAll().execute();
    for (const optIn of ['on', 'off']) {
      const answer = await client.post('/teacher/sections/cls-bio/opt-in', { optIn });
      expect(answer.status).toBe(403);
    }
    expect((await client.post('/teacher/sections/does-not-exist/opt-in', { optIn: 'on' })).status).toBe(403);
    expect(await store.db.selectFrom('opt_ins').selectAll().execute()).toEqual(before);
    // Opt-in all touches only the teacher's own sections.
    expect((await client.post('/teacher/opt-in-all', { optIn: 'on' })).status).toBe(303);
    expect([...(await readOptedInSections(store))].sort()).toEqual(['cls-alg', 'cls-chem', 'cls-geo']);
    for (const code of ['cls-alg', 'cls-chem', 'cls-geo']) await setOptIn(store, code, false, 'test', new Date());
  });

  it('refuses a teacher the admin pages, the run pages and view-as', async () => {
    const client = chenClient;
    for (const path of ['/admin', '/runs', '/runs/run-1', '/runs/run-1.csv', '/settings', '/grading-tasks.csv', `/admin/teachers/${encodeURIComponent(rivera)}`]) {
      expect((await client.get(path)).status, path).toBe(403);
    }
    await client.get('/teacher');
    expect((await client.post('/runs', { pipeline: 'grades', dryRun: 'off', full: 'on' })).status).toBe(403);
    expect(await store.db.selectFrom('run_requests').selectAll().execute()).toEqual([]);
  });

  it('refuses an admin who teaches nothing the teacher page', async () => {
    const client = adminClient;
    expect((await client.get('/teacher')).status).toBe(403);
    expect((await client.get('/admin')).status).toBe(200);
  });

  it('sends a signed-out visitor to / from every page', async () => {
    const client = new WebClient(app);
    for (const path of ['/teacher', '/admin', '/runs', '/runs/run-1', '/runs/run-1.csv', '/settings', '/grading-tasks.csv', '/admin/teachers/x%40y.z']) {
      const answer = await client.get(path);
      expect(answer.status, path).toBe(303);
      expect(answer.location, path).toBe('/');
    }
  });

  it('refuses a POST without the CSRF token, with a wrong one, or with another session\'s', async () => {
    const client = riveraClient;
    const other = riveraOtherSession;
    await other.get('/teacher');
    await client.get('/teacher');
    expect((await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on', _csrf: null })).status).toBe(403);
    expect((await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on', _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on', _csrf: other.lastCsrf })).status).toBe(403);
    expect((await client.post('/sign-out', { _csrf: null })).status).toBe(403);
    expect(await readOptedInSections(store)).toEqual(new Set());
    // The sign-in form needs it too.
    const visitor = new WebClient(app);
    await visitor.get('/');
    const sent = mails.length;
    expect((await visitor.post('/sign-in', { email: rivera, _csrf: null })).status).toBe(403);
    expect(mails).toHaveLength(sent);
    // And with it, the same request works.
    expect((await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on' })).status).toBe(303);
    expect(await readOptedInSections(store)).toEqual(new Set(['cls-alg']));
    await setOptIn(store, 'cls-alg', false, 'test', new Date());
  });

  it('renders a roster name containing <script> as text', async () => {
    const client = riveraClient;
    const page = await client.get('/teacher');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Doe');
    expect(page.body).not.toMatch(/<script/i);
        const asTeacher = await adminClient.get(`/admin/teachers/${encodeURIComponent(rivera)}`);
    expect(asTeacher.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Doe');
    expect(asTeacher.body).not.toMatch(/<script/i);
  });

  it('never shows a configured secret on the settings page, only where it comes from', async () => {
    const client = adminClient;
    const page = await client.get('/settings');
    expect(page.status).toBe(200);
    for (const [name, value] of Object.entries(testSecrets)) {
      expect(page.body, name).not.toContain(value);
      expect(page.body).toContain(`set (env ${name})`);
    }
    // A password written into the SMTP URL is masked too.
    expect(page.body).not.toContain('inline-url-pass-Uu12');
    expect(page.body).toContain('smtp://mailer:••••••@127.0.0.1:9');
    expect(page.body).toContain('gradePassback.termTaskIds');
  });

  it('keeps the view-as-teacher page read-only: no form in it', async () => {
    const client = adminClient;
    const page = await client.get(`/admin/teachers/${encodeURIComponent(rivera)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Algebra I');
    expect(mainOf(page.body)).not.toMatch(/<form|<button/i);
    expect(mainOf(page.body)).toContain('Read-only');
  });

  it('sends no script, forbids framing and inline code, and keeps pages out of caches', async () => {
    const client = adminClient;
    for (const path of ['/admin', '/runs', '/runs/run-1', '/settings']) {
      const page = await client.get(path);
      expect(page.body).not.toMatch(/<script/i);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('keeps sign-in tokens out of the request log', async () => {
    const lines: string[] = [];
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const logged = buildWebServer({ config: webTestConfig(), store, logger, now: () => new Date('2026-12-02T18:00:00Z'), sendMail: async (m) => void mails.push(m), readLineItems: async () => [] });
    try {
      const client = await signInAs(logged, mails, rivera);
      expect(client.cookies.size).toBe(1);
      const token = /\/sign-in\/([A-Za-z0-9_-]{43})/.exec(mails.at(-1)?.text ?? '')?.[1] ?? '';
      expect(token).not.toBe('');
      expect(lines.join('')).toContain('/sign-in/[token]');
      expect(lines.join('')).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});

function outcome(o: { section: string; student: string; outcome: string; score: number }) {
  return {
    line: 2,
    sync_type: null,
    school: 'sch-1',
    section: o.section,
    student: o.student,
    grading_period: 'Semester 1',
    class_sourced_id: o.section,
    student_sourced_id: null,
    term_sourced_id: 'term-s1',
    line_item_sourced_id: `li-${o.section}`,
    task_id: 101,
    result_sourced_id: null,
    object_key: null,
    score: o.score,
    letter: null,
    outcome: o.outcome,
    message: null,
  };
}
