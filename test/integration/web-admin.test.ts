/**
 * The admin pages over HTTP: overview with the credential-expiry banner, runs with status, trigger,
 * file, duration and counts, requesting runs through the run queue, one run's rows filtered and
 * paged, its CSV, the grading tasks file, and the public health and metrics routes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Store } from '../../src/store/open-store.ts';
import { listRunRequests } from '../../src/store/run-requests.ts';
import { insertRowOutcomes, type NewRowOutcome } from '../../src/store/row-outcomes.ts';
import { createRun, finishRun, recordRunSource } from '../../src/store/runs.ts';
import { buildWebServer } from '../../src/web/server.ts';
import type { SignInMail } from '../../src/web/send-sign-in-link.ts';
import { openFreshStore } from '../helpers/stores.ts';
import { WebClient, mainOf, outcomeRow, seedRoster, signInAs, webTestConfig } from '../helpers/web.ts';

const admin = 'it@district.test';
const now = new Date('2026-12-02T15:00:00Z');

describe('admin pages', () => {
  let store: Store;
  let app: FastifyInstance;

  async function start(config: Config = webTestConfig()): Promise<WebClient> {
    store = await openFreshStore('sqlite');
    await seedRoster(store);
    const mails: SignInMail[] = [];
    app = buildWebServer({ config, store, logger: silentLogger(), now: () => now, sendMail: async (m) => void mails.push(m), readLineItems: async () => [] });
    return signInAs(app, mails, admin);
  }

  afterEach(async () => {
    await app?.close();
    await store?.close();
  });

  it('warns on the overview when the IC credentials expire within 30 days', async () => {
    const client = await start();
    const page = mainOf((await client.get('/admin')).body);
    expect(page).toContain('class="banner warn" role="alert"');
    expect(page).toContain('The Infinite Campus credentials expire on 2026-12-20, in 18 days.');
  });

  it('shows no banner when the expiry is further away, and an alarm once it has passed', async () => {
    const far = await start(webTestConfig({ extra: { infiniteCampus: { ...icConfig(), credentialsExpire: '2027-05-01' } } }));
    const farPage = mainOf((await far.get('/admin')).body);
    expect(farPage).not.toContain('class="banner');
    expect(farPage).toContain('Expire on <strong>2027-05-01</strong>, in 150 days.');
    await app.close();
    await store.close();
    const past = await start(webTestConfig({ extra: { infiniteCampus: { ...icConfig(), credentialsExpire: '2026-11-30' } } }));
    expect(mainOf((await past.get('/admin')).body)).toContain('The Infinite Campus credentials expired on 2026-11-30.');
  });

  it('lists the last runs of both pipelines on the overview and all runs on /runs with their facts', async () => {
    const client = await start();
    await seedRun(store, { id: 'run-g', pipeline: 'grades', rows: [] , counts: { rows: 120, planned: 100, posted: 90, unchanged: 0, failed: 10, skipped: { 'not-opted-in': 20 } }, status: 'partial', file: '/export/Final Grades 2026-12-02.csv' });
    await seedRun(store, { id: 'run-r', pipeline: 'roster', rows: [], counts: { users: { created: 3, updated: 1, unchanged: 40, skipped: 2, failed: 0 } }, status: 'succeeded' });
    const overview = mainOf((await client.get('/admin')).body);
    expect(overview).toContain('Last grade runs');
    expect(overview).toContain('href="/runs/run-g"');
    expect(overview).toContain('Last roster runs');
    expect(overview).toContain('href="/runs/run-r"');
    const runs = mainOf((await client.get('/runs')).body);
    expect(runs).toContain('<span class="badge warn">partial</span>');
    expect(runs).toContain('/export/Final Grades 2026-12-02.csv');
    expect(runs).toContain('1 min 30 s');
    expect(runs).toContain('rows 120 · planned 100 · posted 90 · unchanged 0 · failed 10 · skipped 20');
    expect(runs).toContain('created 3 · updated 1 · unchanged 40 · skipped 2 · failed 0');
    expect(runs).toContain('<td>schedule</td>');
  });

  it('queues a requested run: a preview by default, a real full run for one school on "Run now"', async () => {
    const client = await start();
    await client.get('/runs');
    const preview = await client.post('/runs', { pipeline: 'grades', school: '', section: '', teacher: '' });
    expect(preview.status).toBe(303);
    const [queued] = await listRunRequests(store, { limit: 10 });
    expect(queued).toMatchObject({ pipeline: 'grades', dryRun: true, full: false, scope: null, requestedBy: [admin], trigger: 'admin', status: 'queued' });
    expect(preview.location).toBe(`/runs?request=${queued?.id}`);
    const shown = mainOf((await client.get(preview.location ?? '')).body);
    expect(shown).toContain('Preview of the grades pipeline requested.');

    const real = await client.post('/runs', { pipeline: 'grades', dryRun: 'off', full: 'on', school: 'sch-1' });
    expect(real.status).toBe(303);
    const requests = await listRunRequests(store, { limit: 10 });
    const realRequest = requests.find((r) => !r.dryRun);
    expect(realRequest).toMatchObject({ full: true, scope: { school: 'sch-1' } });

    // Asked again while it waits: merged into the queued one, and the page says so.
    const again = await client.post('/runs', { pipeline: 'grades', dryRun: 'off', full: 'on', school: 'sch-1' });
    expect(again.location).toBe(`/runs?request=${realRequest?.id}&merged=1`);
    expect(mainOf((await client.get(again.location ?? '')).body)).toContain('(merged with one already waiting)');
  });

  it('refuses a run limited two ways, a scoped roster run, and an unknown pipeline, queuing nothing', async () => {
    const client = await start();
    await client.get('/runs');
    expect((await client.post('/runs', { pipeline: 'grades', dryRun: 'off', school: 'sch-1', section: 'cls-alg' })).status).toBe(400);
    expect((await client.post('/runs', { pipeline: 'roster', dryRun: 'off', teacher: 'a@b.c' })).status).toBe(400);
    expect((await client.post('/runs', { pipeline: 'everything', dryRun: 'off' })).status).toBe(400);
    expect(await listRunRequests(store, { limit: 10 })).toEqual([]);
  });

  it('filters a run\'s rows by outcome, school, section and teacher, and pages them', async () => {
    const client = await start();
    const rows: NewRowOutcome[] = [];
    for (let i = 0; i < 230; i += 1) rows.push(row('cls-alg', `S${i}`, i % 2 ? 'posted' : 'unchanged'));
    rows.push(row('cls-bio', 'S1002', 'not-opted-in'), row('cls-geo', 'S1001', 'window-closed'), row('cls-geo', 'S1002', 'failed', 'IC refused'));
    await seedRun(store, { id: 'run-1', pipeline: 'grades', rows, counts: { rows: 233, planned: 231, posted: 115, unchanged: 115, failed: 1, skipped: { 'not-opted-in': 1, 'window-closed': 1 } }, status: 'partial', file: '/export/a.csv' });

    const all = mainOf((await client.get('/runs/run-1')).body);
    expect(all).toContain('Rows 1–100 of 233');
    expect(all).toContain('<option value="not-opted-in">not-opted-in (1)</option>');
    expect(all).toContain('The teacher has not opted this section in to grade passback.');
    const third = mainOf((await client.get('/runs/run-1?page=3')).body);
    expect(third).toContain('Rows 201–233 of 233');
    expect(third).toContain('rel="prev"');
    expect(third).not.toContain('rel="next"');

    const failed = mainOf((await client.get('/runs/run-1?outcome=failed')).body);
    expect(failed).toContain('Rows 1–1 of 1');
    expect(failed).toContain('IC refused');
    expect(failed).toContain('<option value="failed" selected>');

    expect(mainOf((await client.get('/runs/run-1?outcome=posted&page=2')).body)).toContain('Rows 101–115 of 115');
    expect(mainOf((await client.get('/runs/run-1?section=cls-geo')).body)).toContain('Rows 1–2 of 2');
    expect(mainOf((await client.get('/runs/run-1?school=sch-1&outcome=not-opted-in')).body)).toContain('Rows 1–1 of 1');
    expect(mainOf((await client.get('/runs/run-1?school=elsewhere')).body)).toContain('No rows match.');
    // Ms. Chen teaches Biology only.
    const chen = mainOf((await client.get('/runs/run-1?teacher=wei.chen%40district.test')).body);
    expect(chen).toContain('Rows 1–1 of 1');
    expect(chen).toContain('cls-bio');
    expect((await client.get('/runs/no-such-run')).status).toBe(404);
  });

  it('downloads the filtered rows as CSV, with formula-looking text neutralized', async () => {
    const client = await start();
    await seedRun(store, {
      id: 'run-1',
      pipeline: 'grades',
      rows: [row('cls-alg', 'S1', 'posted'), row('cls-alg', '=HYPERLINK("http://x")', 'failed', '-bad'), row('cls-geo', 'S3', 'failed', 'refused')],
      counts: {},
      status: 'partial',
    });
    const answer = await client.get('/runs/run-1.csv?outcome=failed');
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toMatch(/^text\/csv/);
    expect(String(answer.headers['content-disposition'])).toBe('attachment; filename="gradebridge-run-run-1.csv"');
    const records: Record<string, string>[] = parse(answer.body, { columns: true });
    expect(records.map((r) => r['section'])).toEqual(['cls-alg', 'cls-geo']);
    expect(records[0]).toMatchObject({ student: `'=HYPERLINK("http://x")`, outcome: 'failed', message: "'-bad", task_id: '101', score: '80' });
    const everything: unknown[] = parse((await client.get('/runs/run-1.csv')).body, { columns: true });
    expect(everything).toHaveLength(3);
  });

  it('offers to run a finished preview for real, with the same pipeline, kind and scope', async () => {
    const client = await start();
    await createRun(store, { id: 'preview-1', pipeline: 'grades', trigger: 'admin', dryRun: true, full: true, scope: { section: 'cls-alg' }, startedAt: now });
    await finishRun(store, 'preview-1', { status: 'succeeded', rows: 0, counts: {}, error: null, finishedAt: now, durationMs: 1 });
    const page = mainOf((await client.get('/runs/preview-1')).body);
    expect(page).toContain('Run it for real');
    expect(page).toContain('<input type="hidden" name="section" value="cls-alg">');
    await client.post('/runs', { pipeline: 'grades', full: 'on', section: 'cls-alg', dryRun: 'off' });
    expect((await listRunRequests(store, { limit: 1 }))[0]).toMatchObject({ dryRun: false, full: true, scope: { section: 'cls-alg' } });
  });

  it('serves the grading tasks file, and says why when there is none yet', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-web-tasks-'));
    const file = path.join(dir, 'grading-tasks.csv');
    const config = webTestConfig({ extra: { rosterProvisioning: { activeYear: '2026-2027', gradingTasksFile: file } } });
    const client = await start(config);
    const missing = await client.get('/grading-tasks.csv');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('has not written');
    writeFileSync(file, 'Task ID,Name,Courses,Terms\n101,Semester Grade,Algebra I,Semester 1\n');
    const served = await client.get('/grading-tasks.csv');
    expect(served.status).toBe(200);
    expect(served.body).toContain('101,Semester Grade');
    expect(String(served.headers['content-disposition'])).toContain('grading-tasks.csv');
  });

  it('answers /healthz and /metrics without signing in', async () => {
    await start();
    await seedRun(store, { id: 'run-1', pipeline: 'grades', rows: [row('cls-alg', 'S1', 'posted')], counts: {}, status: 'succeeded' });
    const visitor = new WebClient(app);
    const health = await visitor.get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', store: 'ok' });
    const metrics = await visitor.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(String(metrics.headers['content-type'])).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('gradebridge_runs_total{pipeline="grades",status="succeeded"} 1');
    expect(visitor.cookies.size).toBe(0);
  });
});

function icConfig() {
  return {
    baseUrl: 'http://127.0.0.1:9/campus/api/oneroster/v1p2/district',
    tokenUrl: 'http://127.0.0.1:9/campus/oauth2/token',
    clientId: { env: 'IC_CLIENT_ID' },
    clientSecret: { env: 'IC_CLIENT_SECRET' },
  };
}

function row(section: string, student: string, outcome: string, message: string | null = null): NewRowOutcome {
  return outcomeRow(section, student, outcome, { score: 80, message });
}

async function seedRun(
  store: Store,
  run: { id: string; pipeline: 'grades' | 'roster'; rows: NewRowOutcome[]; counts: object; status: 'succeeded' | 'partial' | 'failed'; file?: string },
): Promise<void> {
  await createRun(store, { id: run.id, pipeline: run.pipeline, trigger: 'schedule', dryRun: false, full: false, scope: null, startedAt: new Date('2026-12-02T12:00:00Z') });
  if (run.file) await recordRunSource(store, run.id, { remotePath: run.file, size: 2048, mtime: new Date('2026-12-02T11:00:00Z'), sha256: 'ab'.repeat(32) });
  await insertRowOutcomes(store, run.id, run.rows);
  await finishRun(store, run.id, { status: run.status, rows: run.rows.length, counts: run.counts, error: null, finishedAt: new Date('2026-12-02T12:01:30Z'), durationMs: 90_000 });
}
