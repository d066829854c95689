/**
 * Every error that stops a run or a command is a GradebridgeError: a stable `code` that tests,
 * logs and notices key on, a message in the admin's words, and `remedy`, what to do about it.
 * Row-level problems are never errors: they are outcomes (see src/types.ts).
 */
export class GradebridgeError extends Error {
  readonly code: string;
  readonly remedy: string | undefined;

  constructor(code: string, message: string, options: { remedy?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.remedy = options.remedy;
  }

  /** The message followed by the remedy, as shown to an admin. */
  get advice(): string {
    return this.remedy ? `${this.message} ${this.remedy}` : this.message;
  }
}

/** Bad command-line usage or configuration found before a run starts (exit code 2). */
export class ConfigError extends GradebridgeError {
  constructor(message: string, options: { code?: string; remedy?: string; cause?: unknown } = {}) {
    super(options.code ?? 'CONFIG_INVALID', message, options);
  }
}

/** SFTP connection, authentication, host key, listing or transfer problems. */
export class SftpError extends GradebridgeError {}

/** The export file is missing, unreadable, too new, empty, shrunken or structurally wrong. */
export class ExportFileError extends GradebridgeError {}

/** Infinite Campus answered in a way that stops the run (credentials, unreachable, malformed). */
export class InfiniteCampusError extends GradebridgeError {
  readonly status: number | undefined;
  constructor(code: string, message: string, options: { remedy?: string; cause?: unknown; status?: number } = {}) {
    super(code, message, options);
    this.status = options.status;
  }
}

/** Schoology answered in a way that stops the run. */
export class SchoologyError extends GradebridgeError {
  readonly status: number | undefined;
  constructor(code: string, message: string, options: { remedy?: string; cause?: unknown; status?: number } = {}) {
    super(code, message, options);
    this.status = options.status;
  }
}

/** The database could not be opened, migrated or written. */
export class StoreError extends GradebridgeError {}

/** Another run of the same pipeline holds the lock. */
export class RunLockedError extends GradebridgeError {
  constructor(pipeline: string, holder: string) {
    super('RUN_LOCKED', `A ${pipeline} run is already in progress (${holder}).`, {
      remedy: 'Wait for it to finish, or request a run from the status page so it is queued.',
    });
  }
}

/** The reason a run is aborted with on SIGTERM/SIGINT: recorded on the run, never mailed. */
export function runStoppedError(): GradebridgeError {
  return new GradebridgeError('RUN_STOPPED', 'gradebridge was stopped (SIGTERM or SIGINT) during this run.', {
    remedy: 'Nothing to do: the next run sends what this one did not, and nothing is posted twice.',
  });
}

export const remedies = {
  icCredentialsRejected:
    'Renew the key and secret in Infinite Campus (OneRoster connection), update the config, then request a full run.',
  sftpUnreachable:
    'Check that the SFTP server is up and reachable, and that the username, password or key in the config are right.',
  sftpHostKeyChanged:
    'The SFTP server presented a different host key. Confirm the new fingerprint with the server owner and update hostKeySha256.',
  exportMissing:
    'Check the Auto-Export process in Schoology: is it enabled, does its title match autoExportTitle, did it run?',
  exportShrunk:
    'Check the export in Schoology. If the smaller file is right, run `gradebridge run grades --full --accept-shrink`.',
  windowsClosed: 'Every grading window is closed in Infinite Campus; ask the registrar to open the window, then request a run.',
} as const;

export function errorCode(error: unknown): string {
  return error instanceof GradebridgeError ? error.code : 'INTERNAL_ERROR';
}

export function errorMessage(error: unknown): string {
  if (error instanceof GradebridgeError) return error.advice;
  return error instanceof Error ? error.message : String(error);
}
