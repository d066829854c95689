/**
 * Notices through a real SMTP server on 127.0.0.1: the fixture district's partial run, a failed run
 * (revoked credentials, sent by the CLI before it exits), a morning with no new export file, and the
 * credential-expiry warning. No configured secret may appear in any mail.
 */
import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gradePassback } from '../../pipelines/grade-passback.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import type { RunSummary } from '../../pipelines/run-summary.ts';
import { loadConfig } from '../../src/config/load.ts';
import { secretValues } from '../../src/config/secret.ts';
import type { Config } from '../../src/config/schema.ts';
import { remedies } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { checkCredentialExpiry } from '../../src/notify/credential-expiry.ts';
import { sendRunNotice } from '../../src/notify/send-run-notice.ts';
import type { Store } from '../../src/store/open-store.ts';
import { setOptIn } from '../../src/store/opt-ins.ts';
import { getRun } from '../../src/store/runs.ts';
import { jsonSummary } from '../helpers/cli.ts';
import { scenarioNow, startGradeWorld, type GradeWorld } from '../helpers/grade-world.ts';
import { startTestSmtp, type SmtpSinkMessage, type TestSmtp } from '../helpers/smtp.ts';

const optedIn = ['cls-alg1-p1', 'cls-bio-p3', 'cls-eng9-p4', 'cls-gov-s1', 'cls-econ-s2', 'cls-sci7-p1', 'cls-math7-p2', 'cls-art-s1', 'cls-ela7-p4', 'cls-rhs-bio-p1', 'cls-rhs-hist-p2'];
const notify = ['registrar@maplevalley.org', 'it@maplevalley.org'];
const smtpLogin = { user: 'gradebridge', password: 'smtp-pass-Zq81x' };
const header = 'Course Code,Course Name,Section Code,Section School Code,Section Name,School Code,Unique User ID,First Name,Last Name,Grading Period,Grade,Letter Grade,Comment';
const oneRowExport = `${header}\r\ncrs-lhs-alg1,Algebra I,MA101-1,cls-alg1-p1,Algebra I - P1,LHS,stu-1001,Jose,Garcia,Q2 2026-2027,92.5,,\r\n`;

interface MailWorld {
  world: GradeWorld;
  smtp: TestSmtp;
  config: Config;
  store: Store;
  env: Record<string, string>;
  /** Every configured secret value. */
  secrets: string[];
}

const opened: MailWorld[] = [];
const allMail: SmtpSinkMessage[] = [];

afterEach(async () => {
  for (const w of opened.splice(0)) {
    allMail.push(...w.smtp.messages());
    await w.store.close();
    await w.smtp.close();
    await w.world.close();
  }
});

async function startMailWorld(options: { exportFiles?: Record<string, string>; extraGradeYaml?: string } = {}): Promise<MailWorld> {
  const smtp = await startTestSmtp({ login: smtpLogin });
  const world = await startGradeWorld({
    gradePassbackYaml: `notify: [${notify.join(', ')}]\n${options.extraGradeYaml ?? ''}`,
    ...(options.exportFiles ? { exportFiles: options.exportFiles } : {}),
  });
  appendFileSync(
    world.configPath,
    `smtp: { url: "${smtp.url}", from: gradebridge@maplevalley.org, user: ${smtpLogin.user}, password: { env: SMTP_PASSWORD } }\nweb: { publicUrl: "https://grades.maplevalley.org" }\n`,
  );
  const env = { ...world.env, SMTP_PASSWORD: smtpLogin.password };
  const config = loadConfig(world.configPath, env);
  const store = await world.openStore();
  for (const section of optedIn) await setOptIn(store, section, true, 'teacher@maple.k12', scenarioNow);
  const secrets = secretValues(config);
  expect(secrets).toEqual(expect.arrayContaining([smtpLogin.password, 'sftp-secret-pw', 'InfiniteCampus_demo_vendor_secret']));
  const mailWorld = { world, smtp, config, store, env, secrets };
  opened.push(mailWorld);
  return mailWorld;
}

/** A run as the scheduler starts it, followed by its notice, in this process. */
async function scheduledRun(w: MailWorld, at: Date, trigger: 'schedule' | 'catch-up' | 'admin' = 'schedule'): Promise<RunSummary> {
  const ctx = { config: w.config, store: w.store, logger: silentLogger(), now: () => at };
  const summary = await runPipeline(ctx, 'grades', gradePassback, { trigger, dryRun: false, full: false, scope: null });
  await sendRunNotice(w.config, summary, { store: w.store, logger: silentLogger(), now: () => at });
  return summary;
}

function expectNoSecrets(mail: SmtpSinkMessage, secrets: readonly string[]): void {
  for (const secret of secrets) expect(mail.raw).not.toContain(secret);
}

const hours = (n: number) => new Date(scenarioNow.getTime() + n * 3600_000);

describe('run notices by mail', () => {
  it('sends one notice of a partial run with the reasons, what IC said, the file and the link', async () => {
    const w = await startMailWorld();
    const summary = await scheduledRun(w, scenarioNow);
    expect(summary.status).toBe('partial');

    const mail = await w.smtp.nextMessage();
    expect(mail.to).toEqual(notify);
    expect(mail.from).toContain('gradebridge@maplevalley.org');
    expect(mail.subject).toBe('gradebridge: grade passback partly failed (2 Dec 2026)');
    expect(mail.text).toContain('The grade passback run started Wed 2 Dec 2026 at 09:00 CST by the daily schedule ended with status partial.');
    expect(mail.text).toContain('What failed: Infinite Campus refused 1 of the 26 results sent; it accepted 25.');
    expect(mail.text).toMatch(/Top reasons:\n {2}- failed: 1\n {2}- window-closed: 12 \(The grading window of the line item is closed in IC\.\)\n {2}- superseded-by-term: 7/);
    expect(mail.text).toMatch(/What Infinite Campus said:\n {2}- 1 × .*B\+/);
    expect(mail.text).toContain('Source file: /export/Final Grades_20261201_013000.csv (');
    expect(mail.text).toContain('Results that failed are sent again by the next scheduled run once the cause is fixed.');
    expect(mail.text).toContain(`The run on the status page: https://grades.maplevalley.org/runs/${summary.runId}`);
    expect(mail.html).toContain(`<a href="https://grades.maplevalley.org/runs/${summary.runId}">`);
    expect(mail.html).toContain('What Infinite Campus said');
    expectNoSecrets(mail, w.secrets);

    const run = await getRun(w.store, summary.runId);
    expect(run?.notice).toMatchObject({ kind: 'partial', sent: true, to: notify });
    expect(w.smtp.messages()).toHaveLength(1);
  });

  it('has the CLI send the notice of a run stopped by revoked credentials before it exits', async () => {
    const w = await startMailWorld();
    w.world.ic.revokeCredentials();
    const result = await w.world.run(['run', 'grades', '--json'], { SMTP_PASSWORD: smtpLogin.password });
    expect(result.code).toBe(1);
    const summary = jsonSummary(result);
    expect(summary['error']).toMatchObject({ code: 'IC_CREDENTIALS_REJECTED' });
    // The CLI has exited: the mail is already there.
    expect(w.smtp.messages()).toHaveLength(1);
    const mail = await w.smtp.nextMessage();
    expect(mail.subject).toBe('gradebridge: grade passback failed (2 Dec 2026)');
    expect(mail.text).toContain('from the command line ended with status failed.');
    expect(mail.text).toContain('What failed: the run stopped (IC_CREDENTIALS_REJECTED): Infinite Campus refused');
    expect(mail.text).toContain(`What to do:\n  - ${remedies.icCredentialsRejected}`);
    expect(mail.text).toContain(`https://grades.maplevalley.org/runs/${String(summary['runId'])}`);
    expectNoSecrets(mail, w.secrets);
    const run = await getRun(w.store, String(summary['runId']));
    expect(run?.notice).toMatchObject({ kind: 'failed', sent: true });
  });

  it('notifies again when the run fails again the next day', async () => {
    const w = await startMailWorld();
    w.world.ic.revokeCredentials();
    await scheduledRun(w, scenarioNow);
    await scheduledRun(w, hours(24));
    const first = await w.smtp.nextMessage();
    const second = await w.smtp.nextMessage();
    expect([first.subject, second.subject]).toEqual(['gradebridge: grade passback failed (2 Dec 2026)', 'gradebridge: grade passback failed (3 Dec 2026)']);
  });

  it('sends a "no new file" notice on a scheduled morning with the same file, and with no file at all', async () => {
    const w = await startMailWorld({ exportFiles: { 'Final Grades_20261201_013000.csv': oneRowExport } });
    const first = await scheduledRun(w, scenarioNow);
    expect(first.status).toBe('succeeded');
    expect((await getRun(w.store, first.runId))?.notice).toBeNull();

    // Run by hand on the same file: the admin is there, no notice.
    const byHand = await scheduledRun(w, hours(1), 'admin');
    expect((await getRun(w.store, byHand.runId))?.notice).toBeNull();

    const sameFile = await scheduledRun(w, hours(24));
    expect(sameFile).toMatchObject({ status: 'succeeded', counts: { unchanged: 1, posted: 0 } });
    const mail = await w.smtp.nextMessage();
    expect(mail.to).toEqual(notify);
    expect(mail.subject).toBe('gradebridge: no new grade export file (3 Dec 2026)');
    expect(mail.text).toContain(
      'read the same export file as the run of Wed 2 Dec 2026 at 10:00 CST: /export/Final Grades_20261201_013000.csv',
    );
    expect(mail.text).toContain('nothing new was posted (1 results unchanged)');
    expect(mail.text).toContain(remedies.exportMissing);
    expectNoSecrets(mail, w.secrets);

    rmSync(path.join(w.world.exportDir, 'Final Grades_20261201_013000.csv'));
    const missing = await scheduledRun(w, hours(48));
    expect(missing.error?.code).toBe('EXPORT_MISSING');
    const missingMail = await w.smtp.nextMessage();
    expect(missingMail.subject).toBe('gradebridge: no new grade export file (4 Dec 2026)');
    expect(missingMail.text).toContain('found no export file on the SFTP server, so nothing was posted; the run is recorded as failed.');
    expect(w.smtp.messages()).toHaveLength(2);
    expect((await getRun(w.store, missing.runId))?.notice).toMatchObject({ kind: 'no-new-file', sent: true });
  });

  it('records a notice that could not be sent, and keeps the exit code', async () => {
    const w = await startMailWorld();
    await w.smtp.close();
    const result = await w.world.run(['run', 'grades', '--json'], { SMTP_PASSWORD: smtpLogin.password });
    expect(result.code).toBe(3);
    const summary = jsonSummary(result);
    expect(summary['status']).toBe('partial');
    const run = await getRun(w.store, String(summary['runId']));
    expect(run?.notice).toMatchObject({ kind: 'partial', sent: false, to: notify });
    expect(String(run?.notice?.['reason'])).toContain('did not take the message');
    expect(result.stderr).toContain('the run notice could not be sent');
    expect(result.stderr).not.toContain(smtpLogin.password);
  });
});

describe('credential expiry warnings by mail', () => {
  it('warns 7 days ahead once, then 1 day ahead, never with a secret', async () => {
    const w = await startMailWorld();
    const config: Config = { ...w.config, infiniteCampus: { ...w.config.infiniteCampus, credentialsExpire: '2026-12-09' } };
    const check = (at: Date) => checkCredentialExpiry(config, { store: w.store, logger: silentLogger(), now: () => at });

    expect(await check(scenarioNow)).toMatchObject({ due: 7, daysLeft: 7, sent: true });
    const mail = await w.smtp.nextMessage();
    expect(mail.to).toEqual(notify);
    expect(mail.subject).toBe('gradebridge: Infinite Campus credentials expire in 7 days (2026-12-09)');
    expect(mail.text).toContain('expire on 2026-12-09 (infiniteCampus.credentialsExpire)');
    expect(mail.text).toContain('renew the key and secret of the OneRoster connection');
    expect(mail.text).toContain('Settings on the status page: https://grades.maplevalley.org/settings');
    expectNoSecrets(mail, w.secrets);

    expect(await check(hours(2))).toMatchObject({ due: 7, sent: false, reason: 'sent before' });
    expect(await check(hours(24 * 5))).toMatchObject({ due: 7, daysLeft: 2, sent: false });
    // Dec 8, 09:00 in Chicago: one day left.
    expect(await check(hours(24 * 6))).toMatchObject({ due: 1, daysLeft: 1, sent: true });
    const last = await w.smtp.nextMessage();
    expect(last.subject).toBe('gradebridge: Infinite Campus credentials expire tomorrow (2026-12-09)');
    expect(w.smtp.messages()).toHaveLength(2);
  });
});

describe('every mail sent in these tests', () => {
  it('carries no configured secret', () => {
    expect(allMail.length).toBeGreaterThanOrEqual(7);
    const secretValues = [smtpLogin.password, 'InfiniteCampus_demo_secret', 'InfiniteCampus_demo_vendor_secret', 'sftp-secret-pw'];
    for (const mail of allMail) for (const secret of secretValues) expect(mail.raw).not.toContain(secret);
  });
});
