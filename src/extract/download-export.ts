/**
 * Downloads one remote file with several READ requests in flight, writing the bytes strictly in
 * file order (read-in-order.ts; never fastGet, which writes chunks where they land and can leave
 * holes after short reads), hashing SHA-256 on the way, and handing each chunk on as it is written.
 * The transfer is bounded by an idle timeout: a server that sends nothing for `timeoutSeconds` is
 * given up on, however large the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { SftpError } from '../errors.ts';
import type { SftpSession } from './connect-sftp.ts';
import { maxReadLength, readInOrder } from './read-in-order.ts';

/** Codes of a failed attempt that a fresh connection may fix. */
export const retriableDownloadCodes: ReadonlySet<string> = new Set(['SFTP_CONNECTION_DROPPED', 'SFTP_INCOMPLETE_DOWNLOAD']);

/**
 * Reads kept in flight: OpenSSH's sftp keeps up to 64 (its -R default), so servers take that
 * many; 8 MiB asked for at once covers ssh2's 2 MiB channel window with room to spare and
 * bounds the memory the chunks take (32 reads of OpenSSH's 255 KiB, 64 of a 32 KiB server).
 */
const maxReadsInFlight = 64;
const maxBytesInFlight = 8 * 1024 * 1024;

function readAheadDepth(chunkLength: number): number {
  return Math.max(1, Math.min(maxReadsInFlight, Math.floor(maxBytesInFlight / chunkLength)));
}

/** SFTP status errors from ssh2 carry the numeric status as `code`; socket errors a string. */
function isSftpStatusError(error: unknown): error is Error & { code: number } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

/** Marks a failure of the local copy, as opposed to one of the server or the connection. */
class LocalFileFailure extends Error {}

async function locally<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new LocalFileFailure(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Rejects with `signal.reason` once aborted; a handle the server sends after that is closed. */
function openRemote(sftp: SFTPWrapper, remotePath: string, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    sftp.open(remotePath, 'r', (error, handle) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) {
        if (!error) void closeRemote(sftp, handle);
      } else if (error) {
        reject(error);
      } else {
        resolve(handle);
      }
    });
  });
}

/** Resolves when the server answered CLOSE, whatever it answered. */
function closeRemote(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
  return new Promise((resolve) => sftp.close(handle, () => resolve()));
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** How far the download of one file got, across attempts: the bytes in its part file and their SHA-256 so far. */
export interface DownloadProgress {
  received: number;
  readonly hash: Hash;
}

export function newDownloadProgress(): DownloadProgress {
  return { received: 0, hash: createHash('sha256') };
}

/**
 * Downloads `remotePath` from `progress.received` on, appending to `partPath` (null: no copy is
 * kept), and yields each chunk once it is written, so the caller can read the file as it arrives.
 * The idle timeout counts only the server's silence: while the caller holds a chunk, the clock is
 * stopped. Throws SftpError:
 * SFTP_TIMEOUT, SFTP_CONNECTION_DROPPED or SFTP_INCOMPLETE_DOWNLOAD (worth resuming on a new
 * connection: the part file and `progress` are left as they are), SFTP_DOWNLOAD_FAILED otherwise.
 */
export async function* downloadChunks(
  session: SftpSession,
  remotePath: string,
  partPath: string | null,
  options: { timeoutSeconds: number; expectedSize: number; progress: DownloadProgress },
): AsyncGenerator<Buffer> {
  const { progress } = options;
  const abort = new AbortController();

  let idle: NodeJS.Timeout | undefined;
  let callerHolds = false;
  const armIdleTimer = (): void => {
    clearTimeout(idle);
    if (callerHolds) return;
    idle = setTimeout(() => {
      abort.abort(
        new SftpError(
          'SFTP_TIMEOUT',
          `The SFTP server sent nothing for ${options.timeoutSeconds} s while downloading ${remotePath} (${progress.received} of ${options.expectedSize} bytes received); the connection was closed.`,
          { remedy: 'Check the SFTP server; the next run tries again. Raise gradePassback.sftp.timeoutSeconds if the server is slow.' },
        ),
      );
    }, options.timeoutSeconds * 1000);
  };
  const stopWatchingDrop = session.onDrop((reason) => {
    abort.abort(
      new SftpError('SFTP_CONNECTION_DROPPED', `The connection dropped while downloading ${remotePath} after ${progress.received} bytes.`, {
        cause: reason,
      }),
    );
  });

  armIdleTimer();
  let handle: Buffer | undefined;
  try {
    handle = await openRemote(session.sftp, remotePath, abort.signal);
    const chunkLength = maxReadLength(session.sftp);
    const chunks = readInOrder(session.sftp, handle, {
      size: options.expectedSize,
      from: progress.received,
      depth: readAheadDepth(chunkLength),
      chunkLength,
      signal: abort.signal,
      onAnswer: armIdleTimer,
    });
    const file: FileHandle | null = partPath === null ? null : await locally(() => open(partPath, progress.received === 0 ? 'w' : 'a'));
    try {
      for await (const chunk of chunks) {
        // writeFile on a handle writes all of the chunk at the current position.
        if (file) await locally(() => file.writeFile(chunk));
        progress.received += chunk.length;
        progress.hash.update(chunk);
        callerHolds = true;
        clearTimeout(idle);
        yield chunk;
        callerHolds = false;
        // Time spent on our own disk, or by the caller, is not the server's silence.
        armIdleTimer();
      }
    } finally {
      if (file) await locally(() => file.close());
    }
    // The bytes are all here; the answer to CLOSE cannot change them, so only wait for it while
    // the server still answers.
    await Promise.race([closeRemote(session.sftp, handle), untilAborted(abort.signal)]);
  } catch (error) {
    // Nobody waits for this CLOSE: the connection may be gone or stalled.
    if (handle) void closeRemote(session.sftp, handle);
    if (abort.signal.aborted) throw abort.signal.reason;
    throw downloadError(remotePath, partPath, error);
  } finally {
    clearTimeout(idle);
    stopWatchingDrop();
  }

  if (progress.received !== options.expectedSize) {
    throw new SftpError(
      'SFTP_INCOMPLETE_DOWNLOAD',
      `Downloaded ${progress.received} bytes of ${remotePath}, but the server listed ${options.expectedSize}.`,
    );
  }
}

function downloadError(remotePath: string, partPath: string | null, error: unknown): SftpError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LocalFileFailure) {
    return new SftpError('SFTP_DOWNLOAD_FAILED', `Could not write the downloaded export to ${partPath ?? 'its local copy'}: ${message}.`, {
      remedy: 'Check free disk space and permissions of the download folder.',
      cause: error.cause,
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
