/**
 * The status page in real headless Chromium, on the fixture district (IC and SFTP sandboxes, a
 * store filled by a mappings-only roster run, a real SMTP server catching the sign-in links):
 * - a teacher signs in by emailed link and opts one section in; the next grade run posts that
 *   section and skips her other section as `not-opted-in`, and her page shows both;
 * - an admin requests a full run for one school from the page; the run-queue worker runs it; the
 *   admin sees it finish with its counts and filters its rows by outcome.
 * Screenshots of both views go to a temp folder, or to docs/screenshots/ (the README's) with
 * GRADEBRIDGE_UPDATE_SCREENSHOTS=1.
 */
import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterProvisioning } from '../../pipelines/roster-provisioning.ts';
import { gradePassback } from '../../pipelines/grade-passback.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import type { PipelineContext } from '../../pipelines/context.ts';
import { pipelineBodies } from '../../src/commands/run.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { RunWorker } from '../../src/schedule/run-worker.ts';
import type { Store } from '../../src/store/open-store.ts';
import { setOptIn } from '../../src/store/opt-ins.ts';
import { listRowOutcomes } from '../../src/store/row-outcomes.ts';
import { startWebServer, type RunningWebServer } from '../../src/web/server.ts';
import { scenarioNow, startGradeWorld, type GradeWorld } from '../helpers/grade-world.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { linkIn } from '../helpers/web.ts';

const chromiumPath = '/usr/bin/chromium';
const screenshots = process.env['GRADEBRIDGE_UPDATE_SCREENSHOTS']
  ? path.resolve(import.meta.dirname, '../../docs/screenshots')
  : mkdtempSync(path.join(os.tmpdir(), 'gb-screenshots-'));
const teacher = 'ecarter@maplevalley.k12.us';
const admin = 'it@maplevalley.k12.us';
const optedInSection = 'Algebra I — Algebra I - P1';
const optedOutSection = 'Algebra I — Algebra I - P2';
/** The other teachers' sections, opted in as in the scenario (fixtures/district/scenario.md). */
const othersOptedIn = ['cls-bio-p3', 'cls-eng9-p4', 'cls-gov-s1', 'cls-econ-s2', 'cls-sci7-p1', 'cls-math7-p2', 'cls-art-s1', 'cls-ela7-p4', 'cls-rhs-bio-p1', 'cls-rhs-hist-p2'];

describe.skipIf(!existsSync(chromiumPath))('status page in a browser', () => {
  let world: GradeWorld;
  let smtp: TestSmtp;
  let store: Store;
  let config: Config;
  let web: RunningWebServer;
  let browser: Browser;
  const logger = silentLogger();

  const context = (): PipelineContext => ({ config, store, logger, now: () => scenarioNow });

  beforeAll(async () => {
    world = await startGradeWorld();
    smtp = await startTestSmtp();
    appendFileSync(
      world.configPath,
      `rosterProvisioning:
  activeYear: 2026-2027
  provision: false
  gradingTasksFile: ${JSON.stringify(path.join(world.dir, 'grading-tasks.csv'))}
web: { host: 127.0.0.1, port: 0, admins: [${admin}] }
smtp: { url: ${JSON.stringify(smtp.url)}, from: gradebridge@maplevalley.k12.us }
`,
    );
    const loaded = loadConfig(world.configPath, world.env);
    // Renewal due in 18 days: the admin overview must warn.
    config = { ...loaded, infiniteCampus: { ...loaded.infiniteCampus, credentialsExpire: '2026-12-20' } };
    store = await world.openStore();
    const roster = await runPipeline(context(), 'roster', rosterProvisioning, { trigger: 'cli', dryRun: false, full: true, scope: null });
    expect(roster.status).toBe('succeeded');
    for (const section of othersOptedIn) await setOptIn(store, section, true, 'another teacher', scenarioNow);
    web = await startWebServer({ config, store, logger, now: () => scenarioNow, configFile: world.configPath });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await store?.close();
    await smtp?.close();
    await world?.close();
  });

  /** Signs in through the page and the emailed link, as a person would. */
  async function signIn(email: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; browserContext: BrowserContext }> {
    const browserContext = await browser.newContext({ viewport });
    const page = await browserContext.newPage();
    await page.goto(web.url);
    await page.getByLabel('Your school email address').fill(email);
    const mail = smtp.nextMessage();
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const message = await mail;
    expect(message.to).toEqual([email]);
    expect(message.html).toContain('/sign-in/');
    await page.goto(linkIn(message.text));
    await page.getByRole('button', { name: `Sign in as ${email}` }).click();
    await page.waitForURL(/\/(teacher|admin)$/);
    return { page, browserContext };
  }

  function card(page: Page, heading: string) {
    return page.locator('article', { has: page.getByRole('heading', { name: heading, exact: true }) });
  }

  it('a teacher opts a section in, and the next grade run posts it while her other section is skipped', async () => {
    const { page, browserContext } = await signIn(teacher);
    expect(new URL(page.url()).pathname).toBe('/teacher');
    await page.getByRole('heading', { name: 'My sections' }).waitFor();
    expect(await card(page, optedOutSection).textContent()).toContain('Not opted in');

    await card(page, optedInSection).getByRole('button', { name: `Opt in: ${optedInSection}` }).click();
    await page.waitForURL(/\/teacher$/);
    expect(await card(page, optedInSection).textContent()).toContain('Opted in');
    expect(await card(page, optedOutSection).textContent()).toContain('Not opted in');

    const summary = await runPipeline(context(), 'grades', gradePassback, { trigger: 'schedule', dryRun: false, full: false, scope: null });
    // Partial: IC refuses the B+ of a Biology student (an A-F scale), as in the scenario.
    expect(summary.status).toBe('partial');
    const outcomes = await listRowOutcomes(store, summary.runId, { sections: ['cls-alg1-p1', 'cls-alg1-p2'] });
    const p1 = outcomes.filter((o) => o.section === 'cls-alg1-p1');
    const p2 = outcomes.filter((o) => o.section === 'cls-alg1-p2');
    expect(p1.filter((o) => o.outcome === 'posted').length).toBeGreaterThan(0);
    expect(p2.map((o) => o.outcome)).toEqual(['not-opted-in', 'not-opted-in']);
    const posted = world.ic.results().map((r) => r.lineItemSourcedId);
    expect(posted.some((id) => id.startsWith('li-cls-alg1-p1-'))).toBe(true);
    expect(posted.some((id) => id.startsWith('li-cls-alg1-p2-'))).toBe(false);

    await page.reload();
    const p1Card = card(page, optedInSection);
    const p1Text = (await p1Card.textContent()) ?? '';
    expect(p1Text).toMatch(/posted: \d+/);
    // Windows read from IC (flag) and the calendar (no flag) at the scenario's clock.
    expect(p1Text).toMatch(/Quarter Grade\s*\(Q2 2026-2027\)\s*open/);
    expect(p1Text).toContain('closes Dec 22, 2026, 5:00 PM CST');
    expect(await card(page, optedOutSection).textContent()).toContain('not-opted-in: 2');
    await p1Card.locator('summary').click();
    expect(await p1Card.locator('details table').textContent()).toContain('92.5');
    await page.screenshot({ path: path.join(screenshots, 'teacher-view.png'), fullPage: true });
    await browserContext.close();

    const phone = await signIn(teacher, { width: 390, height: 844 });
    await phone.page.screenshot({ path: path.join(screenshots, 'teacher-view-phone.png'), fullPage: false });
    await phone.browserContext.close();
  });

  it('an admin requests a full run for one school, sees it finish with its counts, and filters its rows by outcome', async () => {
    const { page, browserContext } = await signIn(admin);
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.getByRole('alert').first().textContent()).toContain('expire on 2026-12-20, in 18 days');
    await page.screenshot({ path: path.join(screenshots, 'admin-overview.png'), fullPage: true });

    await page.getByLabel('Full run: send every grade again, not only the ones that changed').check();
    await page.getByLabel('School', { exact: true }).selectOption({ label: 'Lincoln High School' });
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\?request=/);
    expect(await page.getByRole('status').textContent()).toContain('Run of the grades pipeline requested');

    const worker = new RunWorker({ config, store, logger, now: () => scenarioNow, bodies: pipelineBodies });
    const finished = new Promise<string | undefined>((resolve) => worker.once('run-finished', (event) => resolve(event.summary?.runId)));
    await worker.poll();
    const runId = await finished;
    await worker.idle();
    expect(runId).toBeDefined();

    await page.reload();
    await page.getByRole('link', { name: 'open the run' }).click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    expect(facts).toContain('full, school sch-lincoln');
    expect(facts).toContain('admin');
    const counts = (await page.locator('section[aria-labelledby="counts"]').textContent()) ?? '';
    expect(counts).toMatch(/posted: [1-9]\d*/);
    expect(counts).toContain('out-of-scope');
    expect(counts).toContain('not-opted-in');
    await page.screenshot({ path: path.join(screenshots, 'admin-run.png'), fullPage: true });

    await page.getByLabel('Outcome').selectOption('not-opted-in');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/outcome=not-opted-in/);
    expect(await page.locator('nav.pager').first().textContent()).toContain('Rows 1–2 of 2');
    const badges = await page.locator('tbody .badge').allTextContents();
    expect(badges).toEqual(['not-opted-in', 'not-opted-in']);
    await page.screenshot({ path: path.join(screenshots, 'admin-run-filtered.png'), fullPage: true });

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.screenshot({ path: path.join(screenshots, 'admin-runs.png'), fullPage: true });
    await page.getByRole('link', { name: 'Settings' }).click();
    const settings = (await page.locator('main').textContent()) ?? '';
    for (const name of ['IC_CLIENT_ID', 'IC_CLIENT_SECRET', 'IC_VENDOR_KEY', 'IC_VENDOR_SECRET', 'SFTP_PASSWORD'] as const) {
      expect(settings).not.toContain(world.env[name]);
    }
    expect(settings).toContain('set (env IC_CLIENT_SECRET)');
    await browserContext.close();
  });
});
