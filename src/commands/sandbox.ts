/**
 * `gradebridge sandbox [--port N]`: the stand-ins for Infinite Campus, Schoology, SFTP and SMTP,
 * serving the fixture district (fixtures/district/), until SIGINT or SIGTERM. It prints where each
 * listens, the credentials to use, and a config to point the real client at them. With `--port N`
 * they listen on N (IC), N+1 (Schoology), N+2 (SFTP) and N+3 (SMTP); by default on free ports.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { fixturesDir, loadDistrictDataset, startIcSandbox, type IcSandbox } from '../../sandbox/ic/server.ts';
import { startSchoologySandbox, type SchoologySandbox } from '../../sandbox/schoology/server.ts';
import { startSftpSandbox, type SftpSandbox } from '../../sandbox/sftp/server.ts';
import { startSmtpSink, type SmtpSink } from '../../sandbox/smtp/server.ts';
import { ConfigError } from '../errors.ts';
import { waitForStopSignal } from './stop-signal.ts';
import { commandLogger, writeLine, type CommandIo } from './command-io.ts';

/** The fixture scenario's clock (fixtures/district/scenario.md): its grading windows are open then. */
export const fixtureScenarioNow = new Date('2026-12-02T15:00:00Z');

export const sftpUsername = 'schoology';

export interface DistrictSandboxes {
  ic: IcSandbox;
  schoology: SchoologySandbox;
  sftp: SftpSandbox;
  smtp: SmtpSink;
  sftpPassword: string;
  /** The SFTP folder holding the fixture export files (served as /export). */
  exportDir: string;
  /** Where the SMTP sink saves each message as an .eml file. */
  mailDir: string;
  close(): Promise<void>;
}

export interface DistrictSandboxOptions {
  /** Working folder: the SFTP root and the mail folder go under it. */
  dir: string;
  /** IC on basePort, Schoology +1, SFTP +2, SMTP +3; 0 or absent: free ports. */
  basePort?: number;
  /** The clock the IC sandbox evaluates grading windows and tokens with. */
  now: () => Date;
}

/** Starts the four stand-ins on the fixture district. */
export async function startDistrictSandboxes(options: DistrictSandboxOptions): Promise<DistrictSandboxes> {
  const port = (offset: number) => (options.basePort ? options.basePort + offset : 0);
  const exportDir = path.join(options.dir, 'sftp', 'export');
  const mailDir = path.join(options.dir, 'mail');
  mkdirSync(exportDir, { recursive: true });
  cpSync(path.join(fixturesDir, 'export'), exportDir, { recursive: true });
  // Written an hour before the earlier of the real and the scenario clock: old enough for the file-age guard either way.
  const written = new Date(Math.min(Date.now(), options.now().getTime()) - 3600_000);
  for (const name of readdirSync(exportDir)) utimesSync(path.join(exportDir, name), written, written);

  const sftpPassword = randomBytes(12).toString('base64url');
  const started: { close(): Promise<void> }[] = [];
  try {
    const ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: options.now, port: port(0) });
    started.push(ic);
    const schoology = await startSchoologySandbox({ port: port(1) });
    started.push(schoology);
    const sftp = await startSftpSandbox({ rootDir: path.join(options.dir, 'sftp'), username: sftpUsername, password: sftpPassword, port: port(2) });
    started.push(sftp);
    const smtp = await startSmtpSink({ saveDir: mailDir, port: port(3) });
    started.push(smtp);
    return {
      ic,
      schoology,
      sftp,
      smtp,
      sftpPassword,
      exportDir,
      mailDir,
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

async function closeAll(started: readonly { close(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled([...started].reverse().map((s) => s.close()));
}

export function parsePortOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_532) {
    throw new ConfigError(`usage: --port expects a port number from 0 to 65532, got "${value}"`, { code: 'USAGE' });
  }
  return port;
}

export async function sandboxCommand(options: { port?: string }, io: CommandIo): Promise<number> {
  const basePort = parsePortOption(options.port);
  const logger = commandLogger(io);
  const stop = waitForStopSignal(logger);
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gradebridge-sandbox-'));
    const scenarioOffset = fixtureScenarioNow.getTime() - Date.now();
    const sandboxes = await startDistrictSandboxes({ dir, now: () => new Date(Date.now() + scenarioOffset), ...(basePort ? { basePort } : {}) });
    try {
      for (const line of describeSandboxes(sandboxes, dir)) writeLine(io.stdout, line);
      await stop.signal;
      writeLine(io.stdout, 'gradebridge sandbox: stopped');
      return 0;
    } finally {
      await sandboxes.close();
      logSandboxRequests(logger, sandboxes);
    }
  } finally {
    stop.release();
  }
}

function logSandboxRequests(logger: Logger, sandboxes: DistrictSandboxes): void {
  logger.info({ ic: sandboxes.ic.requests().length, schoology: sandboxes.schoology.requests().length, mails: sandboxes.smtp.messages().length }, 'sandbox requests served');
}

/** What `sandbox` prints: addresses, credentials, and a config that points gradebridge at them. */
export function describeSandboxes(s: DistrictSandboxes, dir: string): string[] {
  const ic = s.ic.credentials;
  return [
    'gradebridge sandbox: stand-ins for the fixture district (Maple Valley School District), running until Ctrl-C',
    '',
    `Infinite Campus  ${s.ic.url}`,
    `  OneRoster 1.2 base URL   ${s.ic.baseUrl('oneroster-1.2')}`,
    `  token URL                ${s.ic.tokenUrl}`,
    `  client ID / secret       ${ic.clientId} / ${ic.clientSecret}`,
    `  vendor key / secret      ${ic.vendorKey} / ${ic.vendorSecret}`,
    `  controls                 ${s.ic.url}/_sandbox/results, /_sandbox/requests (grading windows follow the scenario clock, ${fixtureScenarioNow.toISOString()})`,
    `Schoology        ${s.schoology.url}`,
    `  consumer key / secret    ${s.schoology.consumerKey} / ${s.schoology.consumerSecret}`,
    `SFTP             sftp://${sftpUsername}@127.0.0.1:${s.sftp.port}/export`,
    `  password                 ${s.sftpPassword}`,
    `  host key                 ${s.sftp.hostKeySha256}`,
    `  files                    ${s.exportDir}`,
    `SMTP             ${s.smtp.url} (no login; every message is kept as an .eml file in ${s.mailDir})`,
    '',
    'These are sandbox credentials, made up for this run. A config for them (put the secrets in the environment):',
    '',
    `  export IC_CLIENT_ID=${ic.clientId} IC_CLIENT_SECRET=${ic.clientSecret} IC_VENDOR_KEY=${ic.vendorKey} IC_VENDOR_SECRET=${ic.vendorSecret}`,
    `  export SFTP_PASSWORD=${s.sftpPassword} SGY_KEY=${s.schoology.consumerKey} SGY_SECRET=${s.schoology.consumerSecret}`,
    '',
    ...sandboxConfigYaml(s, dir).map((line) => `  ${line}`),
    '',
    'Try: gradebridge check --config <that file>, then gradebridge run roster and gradebridge run grades',
    '(set GRADEBRIDGE_NOW=2026-12-02T15:00:00Z so the fixture grading windows are open).',
  ];
}

function sandboxConfigYaml(s: DistrictSandboxes, dir: string): string[] {
  return [
    `store: sqlite:${path.join(dir, 'gradebridge.db')}`,
    'timezone: America/Chicago',
    `smtp: { url: "${s.smtp.url}", from: gradebridge@maplevalley.org }`,
    'infiniteCampus:',
    `  baseUrl: ${s.ic.baseUrl('oneroster-1.2')}`,
    `  tokenUrl: "${s.ic.tokenUrl}"`,
    '  clientId: { env: IC_CLIENT_ID }',
    '  clientSecret: { env: IC_CLIENT_SECRET }',
    '  vendorKey: { env: IC_VENDOR_KEY }',
    '  vendorSecret: { env: IC_VENDOR_SECRET }',
    `gradingWindows: { calendarFile: ${JSON.stringify(path.join(fixturesDir, 'windows.csv'))} }`,
    'gradePassback:',
    `  sftp: { host: 127.0.0.1, port: ${s.sftp.port}, username: ${sftpUsername}, password: { env: SFTP_PASSWORD }, hostKeySha256: "${s.sftp.hostKeySha256}", remoteDir: /export }`,
    '  autoExportTitle: Final Grades',
    '  termTaskIds: [101, 102]',
    '  overallTaskIds: [102, 201]',
    '  letterGrades: true',
    `  mappingFile: ${JSON.stringify(path.join(fixturesDir, 'mapping.csv'))}`,
    '  identityMapping: true',
    'rosterProvisioning:',
    '  activeYear: 2026-2027',
    `  schoology: { baseUrl: "${s.schoology.url}", consumerKey: { env: SGY_KEY }, consumerSecret: { env: SGY_SECRET } }`,
    '  schools: { LHS: create, WMS: create, RHS: create }',
    '  terms: { lhs-2027-s2: skip, "*": create }',
    '  roles: { student: Student, teacher: Teacher, administrator: School Admin, guardian: Parent }',
  ];
}
