import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SftpConfig } from '../../src/config/schema.ts';
import { Secret } from '../../src/config/secret.ts';
import { remedies } from '../../src/errors.ts';
import { checkSftp, fetchExport, type FetchExportOptions } from '../../src/extract/fetch-export.ts';
import { generateEd25519Key } from '../../sandbox/sftp/server.ts';
import { gradebridgeFailure } from '../helpers/sftp.ts';
import { startOpenSshSftp, type OpenSshSftp } from '../helpers/sshd.ts';

const run = promisify(execFile);

let sshd: OpenSshSftp;
let rootDir: string;
let workDir: string;
let privateKey: string;
let downloads = 0;

const hourAgo = Math.floor(Date.now() / 1000) - 3600;
const newest = 'FINAL GRADES_20250613.CSV';
const newestContent = 'Section School Code,Unique User ID,Grading Period,Grade\nS1,U1,Q1,91\nS1,U2,Q1,"8,5"\n';
// Several of OpenSSH's 255 KiB reads in flight, and a last one that is partial.
const largeContent = randomBytes(5 * 1024 * 1024 + 777);

async function exportFile(dir: string, name: string, content: string | Buffer, mtimeSeconds = hourAgo): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  await utimes(file, mtimeSeconds, mtimeSeconds);
}

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(tmpdir(), 'gb-openssh-root-'));
  workDir = await mkdtemp(path.join(tmpdir(), 'gb-openssh-work-'));
  await exportFile(rootDir, 'Final Grades_20250610.csv', 'old\n');
  await exportFile(rootDir, 'final grades_20250611.csv', 'older\n');
  await exportFile(rootDir, newest, newestContent);
  await exportFile(rootDir, 'Other Title_20251231.csv', 'another process\n');
  await exportFile(rootDir, 'Final Grades_20991231.txt', 'not a csv\n');
  await mkdir(path.join(rootDir, 'Final Grades_20991231.csv'));
  await mkdir(path.join(rootDir, 'fresh'));
  await mkdir(path.join(rootDir, 'empty'));
  await mkdir(path.join(rootDir, 'large'));
  await exportFile(path.join(rootDir, 'large'), 'Final Grades_20250616.csv', largeContent);
  sshd = await startOpenSshSftp({ rootDir });
  privateKey = await readFile(sshd.privateKeyPath, 'utf8');
});

afterAll(async () => {
  await sshd?.close();
  await rm(rootDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

function config(overrides: Partial<SftpConfig> = {}): SftpConfig {
  return {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: new Secret(privateKey, 'test'),
    hostKeySha256: sshd.hostKeySha256,
    hostKeyCheck: true,
    remoteDir: rootDir,
    timeoutSeconds: 10,
    ...overrides,
  };
}

function options(overrides: Partial<FetchExportOptions> = {}): FetchExportOptions {
  return {
    autoExportTitle: 'Final Grades',
    minFileAgeSeconds: 120,
    now: new Date(),
    destDir: path.join(workDir, `download-${++downloads}`),
    ...overrides,
  };
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

describe('extract against OpenSSH', () => {
  it('picks the newest file of the auto-export title and downloads it with its size, mtime and SHA-256', async () => {
    const opts = options();
    const fetched = await fetchExport(config(), opts);
    expect(fetched.name).toBe(newest);
    expect(fetched.remotePath).toBe(path.posix.join(rootDir, newest));
    expect(fetched.size).toBe(Buffer.byteLength(newestContent));
    expect(fetched.mtime.getTime()).toBe(hourAgo * 1000);
    expect(fetched.sha256).toBe(createHash('sha256').update(newestContent).digest('hex'));
    expect(fetched.localPath).toBe(path.join(opts.destDir, newest));
    expect(await readFile(fetched.localPath, 'utf8')).toBe(newestContent);
    expect(await filesIn(opts.destDir)).toEqual([newest]);
  });

  it('downloads a multi-MiB export byte-identical, with its SHA-256', async () => {
    const fetched = await fetchExport(config({ remoteDir: path.join(rootDir, 'large') }), options());
    expect(fetched.size).toBe(largeContent.length);
    expect(fetched.sha256).toBe(createHash('sha256').update(largeContent).digest('hex'));
    expect((await readFile(fetched.localPath)).equals(largeContent)).toBe(true);
  });

  it('without a title, takes the greatest csv name of all', async () => {
    const fetched = await fetchExport(config(), options({ autoExportTitle: '' }));
    expect(fetched.name).toBe('Other Title_20251231.csv');
  });

  it('counts the candidate files for gradebridge check', async () => {
    expect(await checkSftp(config(), { autoExportTitle: 'Final Grades' })).toEqual({ files: 3 });
    expect(await checkSftp(config())).toEqual({ files: 4 });
  });

  it('refuses a server whose host key differs from the configured one, and downloads nothing', async () => {
    const other = `SHA256:${createHash('sha256').update('another key').digest('base64').replace(/=+$/, '')}`;
    const opts = options();
    const error = await gradebridgeFailure(fetchExport(config({ hostKeySha256: other }), opts));
    expect(error.code).toBe('SFTP_HOST_KEY_MISMATCH');
    expect(error.message).toContain(sshd.hostKeySha256);
    expect(error.message).toContain(other);
    expect(error.remedy).toBe(remedies.sftpHostKeyChanged);
    expect(await filesIn(opts.destDir)).toEqual([]);
  });

  it('accepts the fingerprint written with base64 padding', async () => {
    expect(await checkSftp(config({ hostKeySha256: `${sshd.hostKeySha256}=` }))).toEqual({ files: 4 });
  });

  it('connects to any host key when hostKeyCheck is false', async () => {
    const { hostKeySha256: _unused, ...withoutFingerprint } = config();
    const fetched = await fetchExport({ ...withoutFingerprint, hostKeyCheck: false }, options());
    expect(fetched.name).toBe(newest);
  });

  it('leaves a file younger than minFileAgeSeconds alone (EXPORT_TOO_NEW)', async () => {
    const now = new Date();
    const freshDir = path.join(rootDir, 'fresh');
    await exportFile(freshDir, 'Final Grades_20250614.csv', newestContent, Math.floor(now.getTime() / 1000) - 30);
    const opts = options({ now, minFileAgeSeconds: 120 });
    const error = await gradebridgeFailure(fetchExport(config({ remoteDir: freshDir }), opts));
    expect(error.code).toBe('EXPORT_TOO_NEW');
    expect(error.message).toContain('it will be picked up by the next run');
    expect(await filesIn(opts.destDir)).toEqual([]);

    const later = await fetchExport(config({ remoteDir: freshDir }), options({ now: new Date(now.getTime() + 120_000) }));
    expect(later.name).toBe('Final Grades_20250614.csv');
  });

  it('reports EXPORT_MISSING when no file matches the title', async () => {
    const error = await gradebridgeFailure(fetchExport(config(), options({ autoExportTitle: 'Midterm' })));
    expect(error.code).toBe('EXPORT_MISSING');
    expect(error.message).toContain('"Midterm"');
    expect(error.remedy).toBe(remedies.exportMissing);
  });

  it('reports EXPORT_MISSING for an empty export directory', async () => {
    const error = await gradebridgeFailure(fetchExport(config({ remoteDir: path.join(rootDir, 'empty') }), options({ autoExportTitle: '' })));
    expect(error.code).toBe('EXPORT_MISSING');
  });

  it('reports SFTP_LIST_FAILED when the export directory does not exist', async () => {
    const error = await gradebridgeFailure(fetchExport(config({ remoteDir: path.join(rootDir, 'absent') }), options()));
    expect(error.code).toBe('SFTP_LIST_FAILED');
    expect(error.message).toContain('absent');
  });

  it('refuses a key the server does not know with SFTP_AUTH_FAILED', async () => {
    const stranger = generateEd25519Key();
    const error = await gradebridgeFailure(checkSftp(config({ privateKey: new Secret(stranger, 'test') })));
    expect(error.code).toBe('SFTP_AUTH_FAILED');
    expect(error.message).toContain(sshd.username);
  });

  it('logs in with a passphrase-protected key, and says so when the passphrase is missing', async () => {
    const encrypted = path.join(workDir, 'client_encrypted');
    await copyFile(sshd.privateKeyPath, encrypted);
    await run('ssh-keygen', ['-q', '-p', '-f', encrypted, '-P', '', '-N', 'open sesame']);
    const key = new Secret(await readFile(encrypted, 'utf8'), 'test');
    expect(await checkSftp(config({ privateKey: key, passphrase: new Secret('open sesame', 'test') }))).toEqual({ files: 4 });
    const error = await gradebridgeFailure(checkSftp(config({ privateKey: key })));
    expect(error.code).toBe('SFTP_AUTH_FAILED');
    expect(error.message).toMatch(/private key could not be used/);
  });

  it('reports SFTP_UNREACHABLE when nothing listens on the port', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const error = await gradebridgeFailure(checkSftp(config({ port: address.port })));
    expect(error.code).toBe('SFTP_UNREACHABLE');
    expect(error.remedy).toBe(remedies.sftpUnreachable);
  });
});
