/**
 * Logs: pino JSON on stderr (pretty on a terminal). Secrets are `Secret` objects that print a mask,
 * and these paths are redacted as well, for anything that carries a raw header or password.
 */
import pino, { type Logger } from 'pino';

export const redactPaths = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-vendor-authorization"]',
  '*.headers["x-vendor-authorization"]',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'consumerSecret',
  '*.consumerSecret',
  'vendorSecret',
  '*.vendorSecret',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env['GRADEBRIDGE_LOG_LEVEL'] ?? 'info';
  const pretty = options.pretty ?? (process.stderr.isTTY === true && !options.destination);
  const base = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { pid: process.pid } };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(base, options.destination ?? pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
