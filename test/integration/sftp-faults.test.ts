import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SftpConfig } from '../../src/config/schema.ts';
import { Secret } from '../../src/config/secret.ts';
import { checkSftp, fetchExport, streamExport, type DownloadedExport, type FetchExportOptions } from '../../src/extract/fetch-export.ts';
import { startSftpSandbox, type SftpSandbox } from '../../sandbox/sftp/server.ts';
import { gradebridgeFailure, sandboxSftpConfig } from '../helpers/sftp.ts';

const fileName = 'Final Grades_20250612_230000.csv';
const content = randomBytes(400_000);
const contentSha256 = createHash('sha256').update(content).digest('hex');

let rootDir: string;
let workDir: string;
let sandbox: SftpSandbox;
let downloads = 0;

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(tmpdir(), 'gb-sftp-root-'));
  workDir = await mkdtemp(path.join(tmpdir(), 'gb-sftp-work-'));
  await writeFile(path.join(rootDir, fileName), content);
  sandbox = await startSftpSandbox({ rootDir, username: 'district', password: 'correct horse' });
});

afterEach(() => {
  sandbox.setFaults({});
});

afterAll(async () => {
  await sandbox.close();
  await rm(rootDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

function config(overrides: Partial<SftpConfig> = {}): SftpConfig {
  return sandboxSftpConfig(sandbox, overrides);
}

/** Each fetch gets its own empty folder, so leftovers of a failed one are visible. */
function options(overrides: Partial<FetchExportOptions> = {}): FetchExportOptions {
  return {
    autoExportTitle: 'Final Grades',
    minFileAgeSeconds: 0,
    now: new Date(Date.now() + 60_000),
    destDir: path.join(workDir, `download-${++downloads}`),
    retryDelayMs: 0,
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await gradebridgeFailure(promise)).code;
}

describe('SFTP sandbox, no faults', () => {
  it('serves the newest export, complete, by password login', async () => {
    const before = sandbox.reads();
    const fetched = await fetchExport(config(), options());
    expect(fetched).toMatchObject({ remotePath: `/${fileName}`, name: fileName, size: content.length, sha256: contentSha256 });
    expect((await readFile(fetched.localPath)).equals(content)).toBe(true);
    expect(sandbox.reads() - before).toBe(1);
  });

  it('answers checkSftp with the number of candidate files', async () => {
    expect(await checkSftp(config())).toEqual({ files: 1 });
  });

  it('refuses a wrong password with SFTP_AUTH_FAILED', async () => {
    expect(await codeOf(checkSftp(config({ password: new Secret('wrong', 'test') })))).toBe('SFTP_AUTH_FAILED');
  });
});

describe('SFTP faults', () => {
  it('retries a connection dropped mid-download once and gets the whole file', async () => {
    sandbox.setFaults({ dropAfterBytes: 150_000, dropTimes: 1 });
    const before = sandbox.reads();
    const opts = options();
    const fetched = await fetchExport(config(), opts);
    expect(sandbox.reads() - before).toBe(2);
    expect(fetched.size).toBe(content.length);
    expect(fetched.sha256).toBe(contentSha256);
    const written = await readFile(fetched.localPath);
    expect(createHash('sha256').update(written).digest('hex')).toBe(contentSha256);
    expect(await readdir(opts.destDir)).toEqual([fileName]);
  });

  it('gives up with SFTP_DOWNLOAD_FAILED when every attempt is dropped, leaving no partial file', async () => {
    sandbox.setFaults({ dropAfterBytes: 150_000 });
    const before = sandbox.reads();
    const opts = options({ maxAttempts: 3 });
    const attempt = fetchExport(config(), opts);
    await expect(attempt).rejects.toThrow(/failed 3 time\(s\)/);
    expect(await codeOf(attempt)).toBe('SFTP_DOWNLOAD_FAILED');
    expect(sandbox.reads() - before).toBe(3);
    expect(await readdir(opts.destDir)).toEqual([]);
  });

  it('stops a stalled transfer with SFTP_TIMEOUT after timeoutSeconds, and does not retry it', async () => {
    sandbox.setFaults({ stallAfterBytes: 150_000 });
    const before = sandbox.reads();
    const opts = options();
    const attempt = fetchExport(config({ timeoutSeconds: 1 }), opts);
    await expect(attempt).rejects.toMatchObject({ code: 'SFTP_TIMEOUT', message: expect.stringContaining('sent nothing for 1 s') });
    expect(sandbox.reads() - before).toBe(1);
    expect(await readdir(opts.destDir)).toEqual([]);
  }, 10_000);

  it('serves normally again after the faults are cleared', async () => {
    sandbox.setFaults({ dropAfterBytes: 0, dropTimes: 1 });
    sandbox.setFaults({});
    const fetched = await fetchExport(config(), options({ maxAttempts: 1 }));
    expect(fetched.sha256).toBe(contentSha256);
  });
});

describe('streamExport: the file read as it downloads', () => {
  it('hands the reader every byte once, in order, resuming a dropped connection where it stopped', async () => {
    sandbox.setFaults({ dropAfterBytes: 150_000, dropTimes: 1 });
    const before = sandbox.reads();
    const opts = options();
    const seen: Buffer[] = [];
    let told: DownloadedExport | undefined;
    const { file, result } = await streamExport(
      config(),
      {
        ...opts,
        onDownloaded: async (downloaded) => {
          told = downloaded;
        },
      },
      async (bytes, picked) => {
        for await (const chunk of bytes) seen.push(chunk as Buffer);
        return picked.name;
      },
    );
    expect(Buffer.concat(seen).equals(content)).toBe(true);
    expect(result).toBe(fileName);
    expect(file).toMatchObject({ name: fileName, size: content.length, sha256: contentSha256 });
    expect(told).toEqual(file);
    expect(sandbox.reads() - before).toBe(2);
    // Read as it came: no copy is kept.
    expect(existsSync(opts.destDir)).toBe(false);
  });

  it('completes the download when the reader stops early, tells it, then throws the reader\'s error', async () => {
    const opts = options();
    let told: DownloadedExport | undefined;
    const reading = streamExport(
      config(),
      {
        ...opts,
        onDownloaded: async (downloaded) => {
          told = downloaded;
        },
      },
      async (bytes) => {
        for await (const _chunk of bytes) throw new Error('the header is wrong');
      },
    );
    await expect(reading).rejects.toThrow('the header is wrong');
    expect(told?.sha256).toBe(contentSha256);
  });

  it('gives the reader the download\'s error when every attempt drops', async () => {
    sandbox.setFaults({ dropAfterBytes: 150_000 });
    const opts = options();
    let received = 0;
    const reading = streamExport(config(), opts, async (bytes) => {
      for await (const chunk of bytes) received += (chunk as Buffer).length;
    });
    expect(await codeOf(reading)).toBe('SFTP_DOWNLOAD_FAILED');
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(150_000);
  });

  it('does not resume a file that changed on the server meanwhile (EXPORT_CHANGED)', async () => {
    sandbox.setFaults({ dropAfterBytes: 150_000, dropTimes: 1 });
    const remote = path.join(rootDir, fileName);
    const opts = options({
      logger: {
        info: () => undefined,
        // The export is written again while gradebridge waits to reconnect.
        warn: () => writeFileSync(remote, randomBytes(content.length + 10)),
      },
    });
    try {
      const reading = streamExport(config(), opts, async (bytes) => {
        for await (const _chunk of bytes);
      });
      const error = await gradebridgeFailure(reading);
      expect(error.code).toBe('EXPORT_CHANGED');
      expect(error.message).toContain('changed on the server while it was being downloaded');
    } finally {
      await writeFile(remote, content);
    }
  });
});
