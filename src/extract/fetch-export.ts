/**
 * Extract, step 1 of the grade passback: connect, pick the auto-export file, refuse one that is
 * still being written, download it with its SHA-256, resuming a dropped connection where it stopped,
 * and hand the bytes to the reader as they arrive.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { SftpConfig } from '../config/schema.ts';
import { ExportFileError, SftpError, remedies } from '../errors.ts';
import { connectSftp, type ExtractLogger, type SftpSession } from './connect-sftp.ts';
import { downloadChunks, newDownloadProgress, retriableDownloadCodes, type DownloadProgress } from './download-export.ts';
import { listExports } from './list-exports.ts';
import { selectExportFile, type RemoteEntry } from './select-export-file.ts';
import { withTimeout } from './with-timeout.ts';

/** The export file picked on the server, known before its bytes are. */
export interface SelectedExport {
  /** Path of the file on the SFTP server (the run's `sourceFile`). */
  remotePath: string;
  name: string;
  size: number;
  mtime: Date;
}

/** The export read to its end. */
export interface DownloadedExport extends SelectedExport {
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
}

export interface FetchedExport extends DownloadedExport {
  /** Where the copy was written, inside `destDir`. */
  localPath: string;
}

export interface FetchExportOptions {
  autoExportTitle: string;
  minFileAgeSeconds: number;
  now: Date;
  destDir: string;
  logger?: ExtractLogger;
  /** Download attempts, each on a new connection (default 3). */
  maxAttempts?: number;
  /** Pause before attempt n is n times this (default 1000 ms). */
  retryDelayMs?: number;
  /** Told once every byte is here, before the reader's error (if it stopped) is thrown. */
  onDownloaded?: (file: DownloadedExport) => Promise<void>;
}

/** streamExport keeps no copy of the file. */
export type StreamExportOptions = Omit<FetchExportOptions, 'destDir'>;

export const defaultDownloadAttempts = 3;
const defaultRetryDelayMs = 1000;

function describeWanted(config: SftpConfig, autoExportTitle: string): string {
  const title = autoExportTitle.trim();
  const names = title === '' ? 'no file ending in .csv' : `no file starting with "${title}" and ending in .csv`;
  return `${names} in ${config.remoteDir} on ${config.host}:${config.port}`;
}

function selectOrThrow(entries: RemoteEntry[], config: SftpConfig, options: StreamExportOptions): RemoteEntry {
  const selected = selectExportFile(entries, options.autoExportTitle);
  if (selected === null) {
    throw new ExportFileError('EXPORT_MISSING', `There is ${describeWanted(config, options.autoExportTitle)}.`, {
      remedy: remedies.exportMissing,
    });
  }
  return selected;
}

function refuseIfTooNew(selected: RemoteEntry, remotePath: string, options: StreamExportOptions): void {
  const ageSeconds = (options.now.getTime() - selected.mtimeMs) / 1000;
  if (ageSeconds >= options.minFileAgeSeconds) return;
  throw new ExportFileError(
    'EXPORT_TOO_NEW',
    `${remotePath} was last modified at ${new Date(selected.mtimeMs).toISOString()}, less than ${options.minFileAgeSeconds} s ago: it is still being written; it will be picked up by the next run.`,
    { remedy: 'Nothing to do if the export runs now; otherwise lower minFileAgeSeconds or check the server clock.' },
  );
}

/** A server that stopped answering gets no polite goodbye: it would not answer that either. */
async function endSession(session: SftpSession, error: unknown): Promise<void> {
  if (error instanceof SftpError && error.code === 'SFTP_TIMEOUT') session.destroy();
  await session.close();
}

/** Connects, lists, picks the newest export and refuses one still being written. */
async function selectExport(config: SftpConfig, options: StreamExportOptions): Promise<{ session: SftpSession; file: SelectedExport }> {
  const session = await connectSftp(config, options.logger);
  try {
    const selected = selectOrThrow(await listExports(session, config), config, options);
    const remotePath = path.posix.join(config.remoteDir, selected.name);
    refuseIfTooNew(selected, remotePath, options);
    return { session, file: { remotePath, name: selected.name, size: selected.size, mtime: new Date(selected.mtimeMs) } };
  } catch (error) {
    await endSession(session, error);
    throw error;
  }
}

/** A resumed download must continue the same file: one rewritten meanwhile would mix two exports. */
async function refuseIfChanged(session: SftpSession, config: SftpConfig, file: SelectedExport, received: number): Promise<void> {
  const stats = await withTimeout(
    session.client.stat(file.remotePath),
    config.timeoutSeconds * 1000,
    () => new SftpError('SFTP_TIMEOUT', `Reading ${file.remotePath} again to resume its download did not finish within ${config.timeoutSeconds} s.`),
  ).catch((error: unknown) => {
    if (error instanceof SftpError) throw error;
    throw new SftpError('SFTP_DOWNLOAD_FAILED', `${file.remotePath} could not be read again to resume its download: ${String(error)}.`, { cause: error });
  });
  if (stats.size === file.size && stats.modifyTime === file.mtime.getTime()) return;
  throw new ExportFileError(
    'EXPORT_CHANGED',
    `${file.remotePath} changed on the server while it was being downloaded (after ${received} bytes the connection dropped; the file now has ${stats.size} bytes, modified ${new Date(stats.modifyTime).toISOString()}). Nothing was posted.`,
    { remedy: 'Nothing to do if the export ran again meanwhile: the next run reads the new file.' },
  );
}

/**
 * The file's bytes, each once and in order, written to `localPath` on the way (null: no copy), with
 * `progress` kept up to date. A dropped connection is opened again and the download resumes where it
 * stopped. Failing, it closes the connection and removes the part file.
 */
async function* downloadResuming(
  config: SftpConfig,
  options: StreamExportOptions,
  first: SftpSession,
  file: SelectedExport,
  localPath: string | null,
  progress: DownloadProgress,
): AsyncGenerator<Buffer> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? defaultDownloadAttempts);
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const logger = options.logger;
  const partPath = localPath === null ? null : `${localPath}.part`;
  /** The connection still to close: the one in use, until it is closed. */
  let open: SftpSession | null = first;
  let done = false;
  let lastFailure: SftpError | undefined;
  try {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let session = first;
      if (attempt > 1) {
        await delay(retryDelayMs * (attempt - 1));
        try {
          session = await connectSftp(config, logger);
        } catch (error) {
          if (!(error instanceof SftpError) || error.code !== 'SFTP_UNREACHABLE') throw error;
          lastFailure = error;
          continue;
        }
        open = session;
        if (progress.received > 0) await refuseIfChanged(session, config, file, progress.received);
      }
      try {
        yield* downloadChunks(session, file.remotePath, partPath, { timeoutSeconds: config.timeoutSeconds, expectedSize: file.size, progress });
      } catch (error) {
        open = null;
        await endSession(session, error);
        if (!(error instanceof SftpError) || !retriableDownloadCodes.has(error.code)) throw error;
        lastFailure = error;
        logger?.warn({ remotePath: file.remotePath, attempt, maxAttempts, received: progress.received, reason: error.message }, 'export download interrupted');
        continue;
      }
      open = null;
      await session.close();
      if (partPath !== null && localPath !== null) await rename(partPath, localPath);
      done = true;
      return;
    }
    throw new SftpError(
      'SFTP_DOWNLOAD_FAILED',
      `Downloading ${file.remotePath} failed ${maxAttempts} time(s); the last attempt: ${lastFailure?.message ?? 'unknown error'}`,
      { remedy: 'Check the SFTP server and the network between it and gradebridge; the next run tries again.', cause: lastFailure },
    );
  } finally {
    // Abandoned by the reader (it stopped on a bad row or header), or failed for good.
    if (open) await open.close();
    if (!done && partPath !== null) await rm(partPath, { force: true });
  }
}

/** Resolves once `stream` can take more, or is gone. */
function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** Writes every chunk to `bytes` as the reader takes them; a download failure reaches the reader too. */
async function handOver(chunks: AsyncIterable<Buffer>, bytes: PassThrough): Promise<void> {
  try {
    for await (const chunk of chunks) {
      // A reader that stopped takes no more; the download still completes, so the run records its file.
      if (bytes.destroyed) continue;
      if (!bytes.write(chunk)) await drainedOrClosed(bytes);
    }
    bytes.end();
  } catch (error) {
    bytes.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/**
 * Finds and checks the newest export and hands its bytes to `read` as they arrive: the file is read
 * while it downloads. `read` gets each byte once, in order (a dropped connection is resumed where it
 * stopped), and reads to the end or throws. Once the download is complete, `onDownloaded` is told,
 * whether `read` succeeded or not; then `read`'s error, if any, is thrown. No copy of the file is kept.
 * Throws SftpError or ExportFileError for the download itself.
 */
export function streamExport<T>(
  config: SftpConfig,
  options: StreamExportOptions,
  read: (bytes: Readable, file: SelectedExport) => Promise<T>,
): Promise<{ file: DownloadedExport; result: T }> {
  return readExport(config, options, null, read);
}

/** Finds, checks and downloads the newest export file into `destDir`. Throws SftpError or ExportFileError. */
export async function fetchExport(config: SftpConfig, options: FetchExportOptions): Promise<FetchedExport> {
  await mkdir(options.destDir, { recursive: true });
  const { file } = await readExport(config, options, options.destDir, async (bytes) => {
    for await (const _chunk of bytes);
  });
  return { ...file, localPath: copyPath(options.destDir, file) };
}

/** Remote names come from a directory listing; basename keeps the copy inside its folder regardless. */
function copyPath(dir: string, file: SelectedExport): string {
  return path.join(dir, path.basename(file.name));
}

/** streamExport, with a copy of the file written into `copyInto` (null: none) on the way. */
async function readExport<T>(
  config: SftpConfig,
  options: StreamExportOptions,
  copyInto: string | null,
  read: (bytes: Readable, file: SelectedExport) => Promise<T>,
): Promise<{ file: DownloadedExport; result: T }> {
  const { session, file } = await selectExport(config, options);
  options.logger?.info({ remotePath: file.remotePath, size: file.size, mtime: file.mtime.toISOString() }, 'downloading export file');
  const progress = newDownloadProgress();
  const chunks = downloadResuming(config, options, session, file, copyInto === null ? null : copyPath(copyInto, file), progress);
  const bytes = new PassThrough();
  // However `read` ends, what it left unread is dropped, so the download never waits on it.
  const reading = read(bytes, file).finally(() => {
    if (!bytes.readableEnded) bytes.destroy();
  });
  const [download, readOutcome] = await Promise.allSettled([handOver(chunks, bytes), reading]);
  if (download.status === 'rejected') {
    // A reader that stopped for a reason of its own says more than the download failing after it.
    throw readOutcome.status === 'rejected' && readOutcome.reason !== download.reason ? readOutcome.reason : download.reason;
  }
  // handOver only ends once downloadResuming has: every byte is here.
  const complete: DownloadedExport = { ...file, sha256: progress.hash.digest('hex') };
  await options.onDownloaded?.(complete);
  if (readOutcome.status === 'rejected') throw readOutcome.reason;
  return { file: complete, result: readOutcome.value };
}

/** For `gradebridge check`: logs in and lists the export directory; `files` counts the candidate CSV files. */
export async function checkSftp(config: SftpConfig, options: { autoExportTitle?: string; logger?: ExtractLogger } = {}): Promise<{ files: number }> {
  const session = await connectSftp(config, options.logger);
  let entries: RemoteEntry[];
  try {
    entries = await listExports(session, config);
  } catch (error) {
    await endSession(session, error);
    throw error;
  }
  await session.close();
  const title = options.autoExportTitle ?? '';
  return { files: entries.filter((entry) => selectExportFile([entry], title) !== null).length };
}
