/**
 * `gradebridge demo [--port N] [--once]`: gradebridge on the fixture district with no account and
 * no root. It starts the stand-ins (IC, Schoology, SFTP, an SMTP sink keeping every mail), writes a
 * config with file secrets into a fresh temp folder, opts the fixture's sections in as their
 * teachers would, runs roster provisioning then grade passback once, and serves the status page
 * (port N, default 8080) until Ctrl-C, printing ready sign-in links taken from the SMTP sink.
 * `--once` stops after the two runs and exits with their combined code (1 if one failed, else 3 if
 * one was partial, else 0), for smoke tests; served, the demo exits 0 when stopped.
 *
 * The fixture's grading windows are set around 2 Dec 2026, so the demo runs on a clock that starts
 * at the scenario's moment (fixtures/district/scenario.md) and runs on from there.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { fixturesDir } from '../../sandbox/ic/server.ts';
import type { SmtpSink, SmtpSinkMessage } from '../../sandbox/smtp/server.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import { exitCodeFor, type RunSummary } from '../../pipelines/run-summary.ts';
import type { PipelineContext } from '../../pipelines/context.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger } from '../logger.ts';
import { metricsRegistry } from '../metrics/registry.ts';
import { sendRunNotice } from '../notify/send-run-notice.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { setOptIn } from '../store/opt-ins.ts';
import { readRosterSnapshot } from '../store/roster-mappings.ts';
import type { PipelineName } from '../types.ts';
import { writeLine, type CommandIo } from './command-io.ts';
import { formatRunSummary } from './format-summary.ts';
import { pipelineBodies } from './run.ts';
import { fixtureScenarioNow, parsePortOption, sftpUsername, startDistrictSandboxes, type DistrictSandboxes } from './sandbox.ts';
import { startServer, type RunningServer } from './serve.ts';
import { waitForStopSignal } from './stop-signal.ts';

export interface DemoOptions {
  port?: string;
  once?: boolean;
}

export const demoAccounts = {
  admin: 'admin@maplevalley.org',
  registrar: 'registrar@maplevalley.org',
  it: 'it@maplevalley.org',
  from: 'gradebridge@maplevalley.org',
} as const;

/** The sections the fixture's teachers opted in (fixtures/district/scenario.md, "Opted in"). */
export const demoOptedInSections = [
  'cls-alg1-p1',
  'cls-bio-p3',
  'cls-eng9-p4',
  'cls-gov-s1',
  'cls-econ-s2',
  'cls-sci7-p1',
  'cls-math7-p2',
  'cls-art-s1',
  'cls-ela7-p4',
  'cls-rhs-bio-p1',
  'cls-rhs-hist-p2',
];

const defaultWebPort = 8080;
const mailWaitMs = 15_000;

export async function demoCommand(options: DemoOptions, io: CommandIo): Promise<number> {
  const explicitPort = parsePortOption(options.port);
  // Logs are quiet unless GRADEBRIDGE_LOG_LEVEL asks for more: stdout tells the story.
  const logger = createLogger({ level: io.env['GRADEBRIDGE_LOG_LEVEL'] ?? 'warn', pretty: io.stderr.isTTY === true, ...(io.stderr === process.stderr ? {} : { destination: io.stderr }) });
  const stop = waitForStopSignal(logger);
  const out = (line = '') => writeLine(io.stdout, line);
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gradebridge-demo-'));
    const offset = fixtureScenarioNow.getTime() - Date.now();
    const now = () => new Date(Date.now() + offset);
    out('gradebridge demo: the fixture district (Maple Valley School District), no accounts needed');
    out(`  working folder: ${dir}`);
    out(`  clock: starts at the fixture scenario's moment, ${fixtureScenarioNow.toISOString()} (Wed 2 Dec 2026, 09:00 in Chicago),`);
    out("         so the fixture's grading windows are open and grades are posted");
    const sandboxes = await startDistrictSandboxes({ dir, now });
    try {
      const configPath = writeDemoConfig(dir, sandboxes, explicitPort ?? defaultWebPort);
      const config = loadConfig(configPath, io.env);
      out(`  config: ${configPath} (secrets in ${path.join(dir, 'secrets')})`);
      out(`  Infinite Campus sandbox ${sandboxes.ic.url}, Schoology sandbox ${sandboxes.schoology.url}, SFTP sandbox 127.0.0.1:${sandboxes.sftp.port}, SMTP sink ${sandboxes.smtp.url}`);
      out();
      const store = await openStore(config.store);
      try {
        for (const section of demoOptedInSections) await setOptIn(store, section, true, 'demo teacher', now());
        out(`Opted in ${demoOptedInSections.length} sections, as their teachers would on the status page.`);
        const summaries: RunSummary[] = [];
        for (const pipeline of ['roster', 'grades'] as const) {
          const summary = await runDemoPipeline({ config, store, logger, now, onIcRequest: (event) => metricsRegistry.observeIcRequest(event) }, pipeline);
          summaries.push(summary);
          out();
          out(formatRunSummary(summary));
        }
        out();
        if (summaries.some((s) => s.pipeline === 'grades' && s.status === 'partial')) {
          out('The grade run is partial on purpose: the fixture holds one letter grade IC refuses (B+ on an A-F scale, file line 21);');
          out('the notice an admin would get is in the mail below.');
        }
        describeMail(sandboxes.smtp.messages(), sandboxes, out);
        const code = combinedExitCode(summaries);
        if (options.once) {
          out(`gradebridge demo --once: done (exit code ${code})`);
          return code;
        }
        const server = await startDemoServer({ config, store, logger, now, configFile: configPath }, explicitPort === undefined, out);
        try {
          await printSignInLinks(server.url, store, sandboxes.smtp, out);
          out();
          out(`Status page: ${server.url}   (Ctrl-C to stop; ask for more sign-in links there, they land in ${sandboxes.mailDir})`);
          await stop.signal;
          out('gradebridge demo: stopping');
          return 0;
        } finally {
          await server.stop();
        }
      } finally {
        await store.close();
      }
    } finally {
      await sandboxes.close();
    }
  } finally {
    stop.release();
  }
}

async function runDemoPipeline(ctx: PipelineContext, pipeline: PipelineName): Promise<RunSummary> {
  const summary = await runPipeline(ctx, pipeline, pipelineBodies[pipeline], { trigger: 'demo', dryRun: false, full: pipeline === 'roster', scope: null });
  await sendRunNotice(ctx.config, summary, { store: ctx.store, logger: ctx.logger, now: ctx.now });
  return summary;
}

/** 1 if a run failed, else 3 if one was partial, else 0. */
export function combinedExitCode(summaries: readonly RunSummary[]): number {
  const codes = summaries.map((s) => exitCodeFor(s.status));
  if (codes.includes(1)) return 1;
  if (codes.includes(3)) return 3;
  return 0;
}

function writeDemoConfig(dir: string, s: DistrictSandboxes, webPort: number): string {
  const secretsDir = path.join(dir, 'secrets');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const secrets: Record<string, string> = {
    'ic-client-id': s.ic.credentials.clientId,
    'ic-client-secret': s.ic.credentials.clientSecret,
    'ic-vendor-key': s.ic.credentials.vendorKey,
    'ic-vendor-secret': s.ic.credentials.vendorSecret,
    'sftp-password': s.sftpPassword,
    'schoology-key': s.schoology.consumerKey,
    'schoology-secret': s.schoology.consumerSecret,
  };
  for (const [name, value] of Object.entries(secrets)) {
    const file = path.join(secretsDir, name);
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const secret = (name: keyof typeof secrets) => ({ file: `./secrets/${name}` });
  const config = {
    store: 'sqlite:./data/gradebridge.db',
    timezone: 'America/Chicago',
    smtp: { url: s.smtp.url, from: demoAccounts.from },
    web: { host: '127.0.0.1', port: webPort, admins: [demoAccounts.admin] },
    infiniteCampus: {
      api: 'oneroster-1.2',
      baseUrl: s.ic.baseUrl('oneroster-1.2'),
      tokenUrl: s.ic.tokenUrl,
      clientId: secret('ic-client-id'),
      clientSecret: secret('ic-client-secret'),
      vendorKey: secret('ic-vendor-key'),
      vendorSecret: secret('ic-vendor-secret'),
      credentialsExpire: '2027-06-30',
    },
    gradingWindows: { calendarFile: path.join(fixturesDir, 'windows.csv') },
    gradePassback: {
      // Not scheduled: the demo runs each pipeline once; runs requested on the status page still run.
      enabled: false,
      sftp: { host: '127.0.0.1', port: s.sftp.port, username: sftpUsername, password: secret('sftp-password'), hostKeySha256: s.sftp.hostKeySha256, remoteDir: '/export' },
      autoExportTitle: 'Final Grades',
      termTaskIds: [101, 102],
      overallTaskIds: [102, 201],
      letterGrades: true,
      teachersMustOptIn: true,
      mappingFile: path.join(fixturesDir, 'mapping.csv'),
      identityMapping: true,
      notify: [demoAccounts.registrar],
    },
    rosterProvisioning: {
      enabled: false,
      activeYear: '2026-2027',
      schoology: { baseUrl: s.schoology.url, consumerKey: secret('schoology-key'), consumerSecret: secret('schoology-secret') },
      schools: { LHS: 'create', WMS: 'create', RHS: 'create' },
      terms: { 'lhs-2027-s2': 'skip', '*': 'create' },
      roles: { student: 'Student', teacher: 'Teacher', administrator: 'School Admin', guardian: 'Parent' },
      gradingTasksFile: './data/grading-tasks.csv',
      notify: [demoAccounts.it],
    },
  };
  const configPath = path.join(dir, 'gradebridge.yaml');
  writeFileSync(configPath, `# Written by gradebridge demo: the fixture district on local stand-ins.\n${stringify(config)}`);
  return configPath;
}

function describeMail(messages: readonly SmtpSinkMessage[], s: DistrictSandboxes, out: (line?: string) => void): void {
  if (messages.length === 0) {
    out(`No notice was mailed (mail would land in ${s.mailDir}).`);
    return;
  }
  out(`Mail sent to the SMTP sink (each saved in ${s.mailDir}):`);
  for (const m of messages) out(`  ${m.file ?? ''}  to ${m.to.join(', ')}: ${m.subject}`);
}

async function startDemoServer(
  options: Parameters<typeof startServer>[0],
  portMayMove: boolean,
  out: (line?: string) => void,
): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (error) {
    if (!portMayMove || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    out(`Port ${defaultWebPort} is in use; the status page takes a free port instead (or pass --port N).`);
    const config: Config = { ...options.config, web: { ...(options.config.web ?? { host: '127.0.0.1', admins: [] }), port: 0 } };
    return startServer({ ...options, config });
  }
}

/** Asks the status page for sign-in links, as a person would, and reads them from the SMTP sink. */
async function printSignInLinks(baseUrl: string, store: Store, smtp: SmtpSink, out: (line?: string) => void): Promise<void> {
  const roster = await readRosterSnapshot(store);
  const teacher = roster.users
    .filter((u) => u.role === 'teacher' && u.email)
    .sort((a, b) => a.sourced_id.localeCompare(b.sourced_id))[0];
  const people = [
    { who: 'the district admin', email: demoAccounts.admin },
    ...(teacher?.email ? [{ who: `a teacher, ${[teacher.given_name, teacher.family_name].filter(Boolean).join(' ')}`, email: teacher.email }] : []),
  ];
  out('Sign-in links (one use each, valid 15 minutes; the demo has no real mail, so here they are from the SMTP sink):');
  for (const person of people) {
    try {
      out(`  ${person.who}, ${person.email}:`);
      out(`    ${await requestSignInLink(baseUrl, person.email, smtp)}`);
    } catch (error) {
      out(`    (no link: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

async function requestSignInLink(baseUrl: string, email: string, smtp: SmtpSink): Promise<string> {
  const home = await fetch(`${baseUrl}/`, { redirect: 'manual' });
  const cookie = home.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1];
  if (!csrf) throw new Error('the sign-in page has no form token');
  const mail = nextMailTo(smtp, email);
  const answer = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, _csrf: csrf }).toString(),
  });
  if (answer.status !== 200) {
    mail.cancel();
    throw new Error(`the status page answered ${answer.status}`);
  }
  const message = await mail.promise;
  const link = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(message.text)?.[0];
  if (!link) throw new Error('the mail holds no sign-in link');
  return link;
}

function nextMailTo(smtp: SmtpSink, email: string): { promise: Promise<SmtpSinkMessage>; cancel(): void } {
  let cancel = () => undefined as void;
  const promise = new Promise<SmtpSinkMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no mail reached ${email} within ${mailWaitMs / 1000} s`));
    }, mailWaitMs);
    const unsubscribe = smtp.onMessage((message) => {
      if (!message.to.includes(email)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(message);
    });
    cancel = () => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
  return { promise, cancel };
}
