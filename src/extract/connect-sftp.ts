/**
 * Opens an SFTP session to the district's export server: our own TCP socket (so a stalled or
 * half-open connection can always be destroyed), the host key pinned to the configured SHA-256
 * fingerprint, password or private-key login, and errors an admin can act on.
 */
import net from 'node:net';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import type { SftpConfig } from '../config/schema.ts';
import { SftpError, remedies } from '../errors.ts';
import { withTimeout } from './with-timeout.ts';

/** The subset of a pino logger the extract stage writes to. */
export interface ExtractLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface SftpSession {
  readonly client: SftpClient;
  /** The raw SFTP channel, for handle-level reads (the download keeps several in flight). */
  readonly sftp: SFTPWrapper;
  /** `SHA256:<base64>` of the host key the server presented. */
  readonly hostKeySha256: string;
  /** Calls `listener` once if the connection closes before `close()` is called; returns an unsubscribe. */
  onDrop(listener: (reason: Error) => void): () => void;
  /** Ends the session; never throws, never hangs longer than the operation timeout. */
  close(): Promise<void>;
  /** Drops the connection at once (a stalled server would not answer a polite goodbye). */
  destroy(): void;
}

/** ssh2 hands the verifier a hex SHA-256 digest; ssh-keygen prints base64 without padding. */
export function fingerprintFromHex(hex: string): string {
  return `SHA256:${Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '')}`;
}

function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.trim().replace(/=+$/, '');
}

type Ssh2Error = Error & { level?: string; code?: string };

function describeServer(config: SftpConfig): string {
  return `${config.host}:${config.port}`;
}

function unreachable(config: SftpConfig, detail: string, cause?: unknown): SftpError {
  return new SftpError('SFTP_UNREACHABLE', `Could not connect to the SFTP server ${describeServer(config)}: ${detail}.`, {
    remedy: remedies.sftpUnreachable,
    cause,
  });
}

async function openSocket(config: SftpConfig, timeoutMs: number): Promise<net.Socket> {
  // Without noDelay, Nagle's algorithm holds a small packet sent right after another (the handshake
  // has several) until the server acknowledges the first, which it delays by 40 ms: connecting took
  // 90-100 ms or 50 ms by luck, now 50 ms every time, and a 10 MiB download 230-330 ms, now 125-150.
  const socket = net.connect({ host: config.host, port: config.port, noDelay: true });
  const connected = new Promise<net.Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
  try {
    return await withTimeout(connected, timeoutMs, () => new Error(`no answer within ${timeoutMs / 1000} s`));
  } catch (error) {
    socket.destroy();
    const detail = error instanceof Error ? error.message : String(error);
    throw unreachable(config, detail, error);
  }
}

/** Connects and starts the SFTP subsystem; throws SftpError (unreachable, auth failed, host key mismatch). */
export async function connectSftp(config: SftpConfig, logger?: ExtractLogger): Promise<SftpSession> {
  const timeoutMs = config.timeoutSeconds * 1000;
  const socket = await openSocket(config, timeoutMs);
  const expected = config.hostKeySha256 ? normaliseFingerprint(config.hostKeySha256) : undefined;
  let presented = '';
  let lastError: Ssh2Error | undefined;
  let closing = false;
  const dropListeners = new Set<(reason: Error) => void>();

  // ssh2-sftp-client logs unexpected events to the console by default; we track them ourselves.
  const client = new SftpClient('gradebridge', { error: () => undefined, end: () => undefined, close: () => undefined });
  client.on('error', (error: Ssh2Error) => {
    lastError = error;
  });
  socket.once('close', () => {
    if (closing) return;
    const reason = new Error(`the connection to ${describeServer(config)} closed unexpectedly`, { cause: lastError });
    for (const listener of dropListeners) listener(reason);
    dropListeners.clear();
  });

  let keyRefused = false;
  let sftp: SFTPWrapper;
  try {
    sftp = await withTimeout(
      client.connect({
        sock: socket,
        username: config.username,
        password: config.password?.reveal(),
        privateKey: config.privateKey?.reveal(),
        passphrase: config.passphrase?.reveal(),
        hostHash: 'sha256',
        hostVerifier: (hex: string) => {
          presented = fingerprintFromHex(hex);
          keyRefused = config.hostKeyCheck && presented !== expected;
          return !keyRefused;
        },
        readyTimeout: timeoutMs,
      }),
      timeoutMs,
      () => new Error(`the SSH handshake did not finish within ${config.timeoutSeconds} s`),
    );
  } catch (error) {
    closing = true;
    socket.destroy();
    throw connectError(config, error, { keyRefused, presented, expected, lastError });
  }

  if (!config.hostKeyCheck) {
    logger?.warn({ host: config.host, hostKeySha256: presented }, 'SFTP host key checking is off');
  }

  return {
    client,
    sftp,
    hostKeySha256: presented,
    onDrop(listener) {
      dropListeners.add(listener);
      return () => dropListeners.delete(listener);
    },
    async close() {
      closing = true;
      dropListeners.clear();
      if (!socket.destroyed) {
        try {
          await withTimeout(client.end(), timeoutMs, () => new Error('SFTP end timed out'));
        } catch {
          // The socket is destroyed below either way.
        }
      }
      socket.destroy();
    },
    destroy() {
      closing = true;
      dropListeners.clear();
      socket.destroy();
    },
  };
}

function connectError(
  config: SftpConfig,
  error: unknown,
  seen: { keyRefused: boolean; presented: string; expected: string | undefined; lastError: Ssh2Error | undefined },
): SftpError {
  if (seen.keyRefused) {
    return new SftpError(
      'SFTP_HOST_KEY_MISMATCH',
      `The SFTP server ${describeServer(config)} presented host key ${seen.presented}, not the configured ${seen.expected ?? '(none)'}; nothing was downloaded.`,
      { remedy: remedies.sftpHostKeyChanged, cause: error },
    );
  }
  const raw = seen.lastError;
  const message = error instanceof Error ? error.message : String(error);
  if (raw?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new SftpError('SFTP_AUTH_FAILED', `The SFTP server ${describeServer(config)} refused the login of user ${config.username}.`, {
      remedy: 'Check the username and the password or private key in the config against the SFTP account.',
      cause: error,
    });
  }
  if (/privateKey|private key|passphrase/i.test(message)) {
    return new SftpError('SFTP_AUTH_FAILED', `The SFTP private key could not be used: ${message}.`, {
      remedy: 'Check that privateKey is an OpenSSH or PEM private key and that passphrase is set when the key is encrypted.',
      cause: error,
    });
  }
  return unreachable(config, raw?.message ?? message, error);
}
