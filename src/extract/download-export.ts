/**
 * Downloads one remote file by streaming it (never fastGet: some servers corrupt parallel reads),
 * hashing SHA-256 on the way. The transfer is bounded by an idle timeout: a server that sends
 * nothing for `timeoutSeconds` is given up on, however large the file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SftpError } from '../errors.ts';
import type { SftpSession } from './connect-sftp.ts';

export interface DownloadedFile {
  size: number;
  /** Lower-case hex SHA-256 of the bytes written. */
  sha256: string;
}

/** Codes of a failed attempt that a fresh connection may fix. */
export const retriableDownloadCodes: ReadonlySet<string> = new Set(['SFTP_CONNECTION_DROPPED', 'SFTP_INCOMPLETE_DOWNLOAD']);

/** SFTP status errors from ssh2 carry the numeric status as `code`; socket and fs errors a string. */
function isSftpStatusError(error: unknown): error is Error & { code: number } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

function isLocalFileError(error: unknown, partPath: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).path === partPath;
}

/**
 * Copies `remotePath` to `localPath` (through `localPath.part`, renamed when complete).
 * Throws SftpError: SFTP_TIMEOUT, SFTP_CONNECTION_DROPPED or SFTP_INCOMPLETE_DOWNLOAD (worth
 * retrying on a new connection), SFTP_DOWNLOAD_FAILED otherwise.
 */
export async function downloadExport(
  session: SftpSession,
  remotePath: string,
  localPath: string,
  options: { timeoutSeconds: number; expectedSize: number },
): Promise<DownloadedFile> {
  const partPath = `${localPath}.part`;
  const hash = createHash('sha256');
  let received = 0;
  const abort = new AbortController();

  let idle: NodeJS.Timeout | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      abort.abort(
        new SftpError(
          'SFTP_TIMEOUT',
          `The SFTP server sent nothing for ${options.timeoutSeconds} s while downloading ${remotePath} (${received} of ${options.expectedSize} bytes received); the connection was closed.`,
          { remedy: 'Check the SFTP server; the next run tries again. Raise gradePassback.sftp.timeoutSeconds if the server is slow.' },
        ),
      );
    }, options.timeoutSeconds * 1000);
  };
  const stopWatchingDrop = session.onDrop((reason) => {
    abort.abort(
      new SftpError('SFTP_CONNECTION_DROPPED', `The connection dropped while downloading ${remotePath} after ${received} bytes.`, {
        cause: reason,
      }),
    );
  });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      armIdleTimer();
      done(null, chunk);
    },
  });

  armIdleTimer();
  try {
    await pipeline(session.client.createReadStream(remotePath), meter, createWriteStream(partPath), { signal: abort.signal });
  } catch (error) {
    await rm(partPath, { force: true });
    if (abort.signal.aborted) throw abort.signal.reason;
    throw downloadError(remotePath, localPath, partPath, error);
  } finally {
    clearTimeout(idle);
    stopWatchingDrop();
  }

  if (received !== options.expectedSize) {
    await rm(partPath, { force: true });
    throw new SftpError(
      'SFTP_INCOMPLETE_DOWNLOAD',
      `Downloaded ${received} bytes of ${remotePath}, but the server listed ${options.expectedSize}.`,
    );
  }
  await rename(partPath, localPath);
  return { size: received, sha256: hash.digest('hex') };
}

function downloadError(remotePath: string, localPath: string, partPath: string, error: unknown): SftpError {
  const message = error instanceof Error ? error.message : String(error);
  if (isLocalFileError(error, partPath)) {
    return new SftpError('SFTP_DOWNLOAD_FAILED', `Could not write the downloaded export to ${localPath}: ${message}.`, {
      remedy: 'Check free disk space and permissions of the download folder.',
      cause: error,
    });
  }
  if (isSftpStatusError(error)) {
    return new SftpError('SFTP_DOWNLOAD_FAILED', `The SFTP server refused to send ${remotePath}: ${message}.`, {
      remedy: 'Check that the SFTP account may read the export files.',
      cause: error,
    });
  }
  return new SftpError('SFTP_CONNECTION_DROPPED', `Downloading ${remotePath} failed: ${message}.`, { cause: error });
}
