/** What a command needs from the process: output streams, environment, clock. Tests pass their own. */
import type { Logger } from 'pino';
import { loadConfig, configPathFrom } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import type { Config } from '../config/schema.ts';
import { createLogger } from '../logger.ts';

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export const processIo: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => new Date(),
};

/**
 * The real clock, or with GRADEBRIDGE_NOW (an ISO date-time) a clock that starts at that moment and
 * runs on from there: for the demo and tests, whose fixture grading windows are set in Dec 2026.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): () => Date {
  const start = env['GRADEBRIDGE_NOW'];
  if (!start) return () => new Date();
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new ConfigError(`GRADEBRIDGE_NOW: expected an ISO date-time, got "${start}"`);
  const offset = startMs - Date.now();
  return () => new Date(Date.now() + offset);
}

export interface GlobalOptions {
  config?: string;
}

export function loadCommandConfig(options: GlobalOptions, io: CommandIo): { config: Config; configPath: string } {
  const configPath = configPathFrom(options.config, io.env);
  return { config: loadConfig(configPath, io.env), configPath };
}

export function commandLogger(io: CommandIo): Logger {
  return createLogger({ pretty: io.stderr.isTTY === true, ...(io.stderr === process.stderr ? {} : { destination: io.stderr }) });
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
