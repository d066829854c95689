/**
 * Extract, step 1 of the grade passback: connect, pick the auto-export file, refuse one that is
 * still being written, download it with its SHA-256, retrying a dropped connection from the start.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { SftpConfig } from '../config/schema.ts';
import { ExportFileError, SftpError, remedies } from '../errors.ts';
import { connectSftp, type ExtractLogger, type SftpSession } from './connect-sftp.ts';
import { downloadExport, retriableDownloadCodes } from './download-export.ts';
import { listExports } from './list-exports.ts';
import { selectExportFile, type RemoteEntry } from './select-export-file.ts';

export interface FetchedExport {
  /** Path of the file on the SFTP server (the run's `sourceFile`). */
  remotePath: string;
  name: string;
  size: number;
  mtime: Date;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
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
}

export const defaultDownloadAttempts = 3;
const defaultRetryDelayMs = 1000;

function describeWanted(config: SftpConfig, autoExportTitle: string): string {
  const title = autoExportTitle.trim();
  const names = title === '' ? 'no file ending in .csv' : `no file starting with "${title}" and ending in .csv`;
  return `${names} in ${config.remoteDir} on ${config.host}:${config.port}`;
}

function selectOrThrow(entries: RemoteEntry[], config: SftpConfig, options: FetchExportOptions): RemoteEntry {
  const selected = selectExportFile(entries, options.autoExportTitle);
  if (selected === null) {
    throw new ExportFileError('EXPORT_MISSING', `There is ${describeWanted(config, options.autoExportTitle)}.`, {
      remedy: remedies.exportMissing,
    });
  }
  return selected;
}

function refuseIfTooNew(selected: RemoteEntry, remotePath: string, options: FetchExportOptions): void {
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

/** Finds, checks and downloads the newest export file. Throws SftpError or ExportFileError. */
export async function fetchExport(config: SftpConfig, options: FetchExportOptions): Promise<FetchedExport> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? defaultDownloadAttempts);
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const logger = options.logger;

  let session: SftpSession = await connectSftp(config, logger);
  let selected: RemoteEntry;
  let remotePath: string;
  try {
    selected = selectOrThrow(await listExports(session, config), config, options);
    remotePath = path.posix.join(config.remoteDir, selected.name);
    refuseIfTooNew(selected, remotePath, options);
    await mkdir(options.destDir, { recursive: true });
  } catch (error) {
    await endSession(session, error);
    throw error;
  }
  // Remote names come from a directory listing; basename keeps the copy inside destDir regardless.
  const localPath = path.join(options.destDir, path.basename(selected.name));
  logger?.info({ remotePath, size: selected.size, mtime: new Date(selected.mtimeMs).toISOString() }, 'downloading export file');

  let lastFailure: SftpError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) {
      await delay(retryDelayMs * (attempt - 1));
      try {
        session = await connectSftp(config, logger);
      } catch (error) {
        if (!(error instanceof SftpError) || error.code !== 'SFTP_UNREACHABLE') throw error;
        lastFailure = error;
        continue;
      }
    }
    try {
      const file = await downloadExport(session, remotePath, localPath, {
        timeoutSeconds: config.timeoutSeconds,
        expectedSize: selected.size,
      });
      await session.close();
      return { remotePath, name: selected.name, size: file.size, mtime: new Date(selected.mtimeMs), sha256: file.sha256, localPath };
    } catch (error) {
      await endSession(session, error);
      if (!(error instanceof SftpError) || !retriableDownloadCodes.has(error.code)) throw error;
      lastFailure = error;
      logger?.warn({ remotePath, attempt, maxAttempts, reason: error.message }, 'export download interrupted');
    }
  }
  throw new SftpError(
    'SFTP_DOWNLOAD_FAILED',
    `Downloading ${remotePath} failed ${maxAttempts} time(s); the last attempt: ${lastFailure?.message ?? 'unknown error'}`,
    { remedy: 'Check the SFTP server and the network between it and gradebridge; the next run tries again.', cause: lastFailure },
  );
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
