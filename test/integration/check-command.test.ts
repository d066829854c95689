/**
 * `gradebridge check` against the sandboxes: every connection passes; a wrong host key, a wrong IC
 * secret, a missing vendor key and an unreachable SMTP server each fail with their own line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDataset, startIcSandbox, type IcSandbox } from '../../sandbox/ic/server.ts';
import { startSchoologySandbox, type SchoologySandbox } from '../../sandbox/schoology/server.ts';
import { startSftpSandbox, type SftpSandbox } from '../../sandbox/sftp/server.ts';
import { main } from '../../src/cli.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

let ic: IcSandbox;
let sgy: SchoologySandbox;
let sftp: SftpSandbox;
let smtp: TestSmtp;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gb-check-'));
  const sftpRoot = path.join(dir, 'sftp');
  const exportDir = path.join(sftpRoot, 'export');
  mkdirExport(exportDir);
  ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => new Date('2026-12-02T15:00:00Z') });
  sgy = await startSchoologySandbox();
  sftp = await startSftpSandbox({ rootDir: sftpRoot, username: 'schoology', password: 'sftp-pass-Rr71' });
  smtp = await startTestSmtp({ login: { user: 'gradebridge', password: 'smtp-pass-Qq62' } });
  env = {
    IC_CLIENT_ID: ic.credentials.clientId,
    IC_CLIENT_SECRET: ic.credentials.clientSecret,
    IC_VENDOR_KEY: ic.credentials.vendorKey,
    IC_VENDOR_SECRET: ic.credentials.vendorSecret,
    SFTP_PASSWORD: 'sftp-pass-Rr71',
    SGY_KEY: sgy.consumerKey,
    SGY_SECRET: sgy.consumerSecret,
    SMTP_PASSWORD: 'smtp-pass-Qq62',
  };
});

afterAll(async () => {
  await Promise.all([ic?.close(), sgy?.close(), sftp?.close(), smtp?.close()]);
});

function mkdirExport(exportDir: string): void {
  const header = 'Section School Code,Unique User ID,Grading Period,Grade';
  mkdirSync(exportDir, { recursive: true });
  writeFileSync(path.join(exportDir, 'Final Grades_20261201_013000.csv'), `${header}\ncls-alg1-p1,stu-1001,Q2 2026-2027,92\n`);
  writeFileSync(path.join(exportDir, 'Final Grades_20261202_013000.csv'), `${header}\ncls-alg1-p1,stu-1001,Q2 2026-2027,93\n`);
}

interface ConfigOptions {
  hostKeySha256?: string;
  vendor?: boolean;
  smtpUrl?: string;
  credentialsExpire?: string;
}

function writeConfig(name: string, options: ConfigOptions = {}): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `store: sqlite:./${name}.db
timezone: UTC
smtp: { url: "${options.smtpUrl ?? smtp.url}", from: gradebridge@maplevalley.org, user: gradebridge, password: { env: SMTP_PASSWORD } }
infiniteCampus:
  baseUrl: ${ic.baseUrl('oneroster-1.2')}
  tokenUrl: "${ic.tokenUrl}"
  clientId: { env: IC_CLIENT_ID }
  clientSecret: { env: IC_CLIENT_SECRET }
${options.vendor === false ? '' : '  vendorKey: { env: IC_VENDOR_KEY }\n  vendorSecret: { env: IC_VENDOR_SECRET }\n'}  maxAttempts: 2
  timeoutSeconds: 5
${options.credentialsExpire ? `  credentialsExpire: ${options.credentialsExpire}\n` : ''}gradePassback:
  sftp: { host: 127.0.0.1, port: ${sftp.port}, username: schoology, password: { env: SFTP_PASSWORD }, hostKeySha256: "${options.hostKeySha256 ?? sftp.hostKeySha256}", remoteDir: /export, timeoutSeconds: 5 }
  autoExportTitle: Final Grades
  termTaskIds: [101]
  notify: [registrar@maplevalley.org]
rosterProvisioning:
  activeYear: 2026-2027
  schoology: { baseUrl: "${sgy.url}", consumerKey: { env: SGY_KEY }, consumerSecret: { env: SGY_SECRET } }
`,
  );
  return file;
}

/** `gradebridge check` in this process (the sandboxes answer from the same event loop). */
async function check(configFile: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await main(['node', 'gradebridge', 'check', '--config', configFile], { stdout, stderr, env: { ...env, ...extraEnv }, now: () => new Date() });
  return { code, stdout: out, stderr: err };
}

const line = (stdout: string, name: string) => stdout.split('\n').find((l) => new RegExp(`^\\S+\\s+${name}\\s`).test(l)) ?? '';
const isoDay = (daysFromToday: number) => new Date(Date.now() + daysFromToday * 86_400_000).toISOString().slice(0, 10);

describe('gradebridge check', () => {
  it('passes against the sandboxes, one line per check (the real CLI)', async () => {
    const result = await runCli(['check', '--config', writeConfig('good', { credentialsExpire: isoDay(120) })], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(line(result.stdout, 'config')).toMatch(/^ok\s+config\s+.*good\.yaml is valid$/);
    expect(line(result.stdout, 'sftp')).toMatch(new RegExp(`^ok\\s+sftp\\s+schoology@127\\.0\\.0\\.1:${sftp.port} /export: logged in, host key matches, 2 export files named "Final Grades…"$`));
    expect(line(result.stdout, 'ic')).toMatch(/^ok\s+ic\s+oneroster-1\.2 at .*: token obtained, rostering read a class, gradebook read with the vendor header$/);
    expect(line(result.stdout, 'schoology')).toMatch(/^ok\s+schoology\s+.*: the API key belongs to /);
    expect(line(result.stdout, 'smtp')).toMatch(/^ok\s+smtp\s+smtp:\/\/127\.0\.0\.1:\d+ accepts a connection and the login of gradebridge/);
    expect(line(result.stdout, 'expiry')).toMatch(/^ok\s+expiry\s+the IC credentials expire in 120 days/);
    expect(result.stdout).toMatch(/ok\s+schedule\s+grades: daily at 10:30 GMT/);
    expect(result.stdout.trimEnd().endsWith('all checks passed')).toBe(true);
    for (const secret of Object.values(env)) expect(result.stdout).not.toContain(secret);
  });

  it('fails on a host key that does not match, saying so', async () => {
    const result = await check(writeConfig('hostkey', { hostKeySha256: `SHA256:${'A'.repeat(43)}` }));
    expect(result.code).toBe(1);
    expect(line(result.stdout, 'sftp')).toMatch(/^FAIL\s+sftp\s+SFTP_HOST_KEY_MISMATCH: .*hostKeySha256/);
    expect(line(result.stdout, 'ic')).toMatch(/^ok\s/);
    expect(result.stdout).toContain('1 check failed');
  });

  it('fails on a wrong IC secret, naming the remedy', async () => {
    const result = await check(writeConfig('icsecret'), { IC_CLIENT_SECRET: 'not-the-secret-4f9' });
    expect(result.code).toBe(1);
    expect(line(result.stdout, 'ic')).toMatch(/^FAIL\s+ic\s+IC_CREDENTIALS_REJECTED: .*Renew the key and secret in Infinite Campus/);
    expect(result.stdout).not.toContain('not-the-secret-4f9');
  });

  it('fails when grade passback has no vendor key', async () => {
    const result = await check(writeConfig('novendor', { vendor: false }));
    expect(result.code).toBe(1);
    expect(line(result.stdout, 'ic')).toMatch(/^FAIL\s+ic\s+IC_VENDOR_KEY_MISSING: token obtained, rostering read a class; but no vendor key is configured.*infiniteCampus\.vendorKey/);
  });

  it('fails when the SMTP server cannot be reached', async () => {
    const closed = await startTestSmtp();
    await closed.close();
    const result = await check(writeConfig('nosmtp', { smtpUrl: closed.url }));
    expect(result.code).toBe(1);
    expect(line(result.stdout, 'smtp')).toMatch(new RegExp(`^FAIL\\s+smtp\\s+SMTP_FAILED: The mail server at smtp://127\\.0\\.0\\.1:${closed.port} did not take the message: .*ECONNREFUSED`));
    expect(result.stdout).not.toContain('smtp-pass-Qq62');
  });

  it('warns about credentials expiring within 30 days, and fails once they expired', async () => {
    const soon = await check(writeConfig('soon', { credentialsExpire: isoDay(7) }));
    expect(soon.code).toBe(0);
    expect(line(soon.stdout, 'expiry')).toMatch(new RegExp(`^warn\\s+expiry\\s+the IC credentials expire in 7 days \\(${isoDay(7)}\\): renew`));
    const past = await check(writeConfig('past', { credentialsExpire: isoDay(-1) }));
    expect(past.code).toBe(1);
    expect(line(past.stdout, 'expiry')).toMatch(/^FAIL\s+expiry\s+the IC credentials expired on/);
  });

  it('exits 2 on a bad config before checking anything', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'infiniteCampus: { baseUrl: nope }\n');
    const result = await check(file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('config error: infiniteCampus.baseUrl');
  });
});
