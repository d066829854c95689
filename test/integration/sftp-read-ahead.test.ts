import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectSftp, type SftpSession } from '../../src/extract/connect-sftp.ts';
import { downloadChunks, newDownloadProgress } from '../../src/extract/download-export.ts';
import { startSftpSandbox, type SftpSandbox } from '../../sandbox/sftp/server.ts';
import { gradebridgeFailure, sandboxSftpConfig } from '../helpers/sftp.ts';

// Not a multiple of any read length, so the last range is partial.
const big = randomBytes(3 * 1024 * 1024 + 12_345);
const bigSha256 = createHash('sha256').update(big).digest('hex');

let rootDir: string;
let workDir: string;
let sandbox: SftpSandbox;
let downloads = 0;
const sessions: SftpSession[] = [];

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(tmpdir(), 'gb-readahead-root-'));
  workDir = await mkdtemp(path.join(tmpdir(), 'gb-readahead-work-'));
  await writeFile(path.join(rootDir, 'big.csv'), big);
  await writeFile(path.join(rootDir, 'empty.csv'), '');
  sandbox = await startSftpSandbox({ rootDir, username: 'district', password: 'correct horse' });
});

afterEach(async () => {
  sandbox.setFaults({});
  for (const session of sessions.splice(0)) session.destroy();
});

afterAll(async () => {
  await sandbox.close();
  await rm(rootDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

async function connect(): Promise<SftpSession> {
  const session = await connectSftp(sandboxSftpConfig(sandbox));
  sessions.push(session);
  return session;
}

/** Downloads to `localPath` through a part file, renamed when complete and removed when the download fails. */
async function downloadExport(
  session: SftpSession,
  remotePath: string,
  localPath: string,
  options: { timeoutSeconds: number; expectedSize: number },
): Promise<{ size: number; sha256: string }> {
  const partPath = `${localPath}.part`;
  const progress = newDownloadProgress();
  try {
    for await (const _chunk of downloadChunks(session, remotePath, partPath, { ...options, progress }));
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
  await rename(partPath, localPath);
  return { size: progress.received, sha256: progress.hash.digest('hex') };
}

/** A fresh empty folder and the local path to download into, so leftovers are visible. */
async function destination(): Promise<{ dir: string; localPath: string }> {
  const dir = path.join(workDir, `download-${++downloads}`);
  await mkdir(dir);
  return { dir, localPath: path.join(dir, 'export.csv') };
}

function readRaw(session: SftpSession, remotePath: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    session.sftp.open(remotePath, 'r', (openError, handle) => {
      if (openError) return reject(openError);
      session.sftp.read(handle, Buffer.alloc(length), 0, length, 0, (readError, bytesRead) => {
        session.sftp.close(handle, () => (readError ? reject(readError) : resolve(bytesRead)));
      });
    });
  });
}

describe('read-ahead download from the sandbox', () => {
  it('downloads a multi-MiB file byte-identical, with several reads in flight', async () => {
    const { dir, localPath } = await destination();
    const file = await downloadExport(await connect(), '/big.csv', localPath, { timeoutSeconds: 10, expectedSize: big.length });
    expect(file).toEqual({ size: big.length, sha256: bigSha256 });
    expect((await readFile(localPath)).equals(big)).toBe(true);
    expect(await readdir(dir)).toEqual(['export.csv']);
    expect(sandbox.maxReadsInFlight()).toBeGreaterThan(1);
  });

  it('fills every short read with a request for the rest, leaving no hole', async () => {
    sandbox.setFaults({ shortReadBytes: 1_000 });
    const session = await connect();
    expect(await readRaw(session, '/big.csv', 32 * 1024)).toBe(1_000);
    const { localPath } = await destination();
    const file = await downloadExport(session, '/big.csv', localPath, { timeoutSeconds: 10, expectedSize: big.length });
    expect(file).toEqual({ size: big.length, sha256: bigSha256 });
    expect((await readFile(localPath)).equals(big)).toBe(true);
  });

  it('downloads an empty file', async () => {
    const { localPath } = await destination();
    const file = await downloadExport(await connect(), '/empty.csv', localPath, { timeoutSeconds: 10, expectedSize: 0 });
    expect(file).toEqual({ size: 0, sha256: createHash('sha256').digest('hex') });
    expect(await readFile(localPath)).toHaveLength(0);
  });
});

describe('read-ahead download faults', () => {
  it('reports SFTP_CONNECTION_DROPPED when the connection drops mid-transfer, leaving no partial file', async () => {
    sandbox.setFaults({ dropAfterBytes: 1024 * 1024 });
    const { dir, localPath } = await destination();
    const error = await gradebridgeFailure(downloadExport(await connect(), '/big.csv', localPath, { timeoutSeconds: 10, expectedSize: big.length }));
    expect(error.code).toBe('SFTP_CONNECTION_DROPPED');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports SFTP_TIMEOUT when the server stalls mid-transfer, even while answering short', async () => {
    sandbox.setFaults({ stallAfterBytes: 1024 * 1024, shortReadBytes: 10_000 });
    const { dir, localPath } = await destination();
    const error = await gradebridgeFailure(downloadExport(await connect(), '/big.csv', localPath, { timeoutSeconds: 1, expectedSize: big.length }));
    expect(error.code).toBe('SFTP_TIMEOUT');
    expect(error.message).toContain('sent nothing for 1 s');
    // Bytes are handed on per completed range, so the range the stall cut is not counted.
    const received = Number(/\((\d+) of \d+ bytes received\)/.exec(error.message)?.[1]);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(1024 * 1024);
    expect(await readdir(dir)).toEqual([]);
  }, 10_000);

  it('reports SFTP_INCOMPLETE_DOWNLOAD when the file is shorter than listed', async () => {
    const { dir, localPath } = await destination();
    const error = await gradebridgeFailure(downloadExport(await connect(), '/big.csv', localPath, { timeoutSeconds: 10, expectedSize: big.length + 100 }));
    expect(error.code).toBe('SFTP_INCOMPLETE_DOWNLOAD');
    expect(error.message).toContain(`Downloaded ${big.length} bytes`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports SFTP_INCOMPLETE_DOWNLOAD when the file is longer than listed', async () => {
    const { dir, localPath } = await destination();
    const error = await gradebridgeFailure(downloadExport(await connect(), '/big.csv', localPath, { timeoutSeconds: 10, expectedSize: big.length - 100 }));
    expect(error.code).toBe('SFTP_INCOMPLETE_DOWNLOAD');
    expect(error.message).toContain(`the server listed ${big.length - 100}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports SFTP_DOWNLOAD_FAILED when the server refuses to open the file', async () => {
    const { dir, localPath } = await destination();
    const error = await gradebridgeFailure(downloadExport(await connect(), '/absent.csv', localPath, { timeoutSeconds: 10, expectedSize: 10 }));
    expect(error.code).toBe('SFTP_DOWNLOAD_FAILED');
    expect(error.message).toContain('refused to send /absent.csv');
    expect(await readdir(dir)).toEqual([]);
  });
});
