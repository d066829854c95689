/**
 * The SFTP stand-in: an in-process SSH server (ssh2) serving a local folder read-only, for the
 * demo, `gradebridge sandbox` and the fault tests. It can drop a connection or stall a transfer
 * after a number of bytes, or answer reads short, on purpose. It answers any number of reads
 * in flight, each as soon as its bytes are read from disk.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey } from 'ssh2';
import { serveFiles, type TransferPlan } from './serve-files.ts';

export interface SftpFaults {
  /** Drop the connection once this many bytes of a file were sent. */
  dropAfterBytes?: number;
  /** How many transfers to drop before serving normally again (default: every one). */
  dropTimes?: number;
  /** Stop answering reads of a file once this many bytes were sent. */
  stallAfterBytes?: number;
  /** Answer every read with at most this many bytes (a short read, which SFTP allows). */
  shortReadBytes?: number;
}

export interface SftpSandboxOptions {
  rootDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  username: string;
  password?: string;
  /** An OpenSSH public key line ("ssh-ed25519 AAAA... comment") allowed to log in. */
  authorizedPublicKey?: string;
  /** The host private key (OpenSSH or PEM); an ed25519 key is generated when absent. */
  hostKey?: string;
  faults?: SftpFaults;
}

export interface SftpSandbox {
  host: '127.0.0.1';
  port: number;
  username: string;
  /** `SHA256:<base64>`, as `ssh-keygen -lf` prints it and the config's hostKeySha256 expects. */
  hostKeySha256: string;
  setFaults(faults: SftpFaults): void;
  /** How many times a file was opened for reading. */
  reads(): number;
  /** The most READ requests of one connection served at once (a client reading ahead sends several). */
  maxReadsInFlight(): number;
  close(): Promise<void>;
}

/**
 * A new ed25519 private key in OpenSSH format. ssh2's generator drops a leading zero byte of the
 * public key, so about one key in 256 is one its own parser refuses (mscdex/ssh2 issue 1513): such
 * a key is drawn again.
 */
export function generateEd25519Key(): string {
  for (let attempt = 1; attempt <= 16; attempt++) {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
  throw new Error('SFTP sandbox: could not generate a readable ed25519 key');
}

function parseKeyOrThrow(key: string, what: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) throw new Error(`SFTP sandbox: cannot read the ${what}: ${parsed.message}`);
  return parsed;
}

/** Compares secrets without leaking their length or content through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function authenticate(ctx: AuthContext, options: SftpSandboxOptions, clientKey: ParsedKey | undefined): void {
  if (!sameSecret(ctx.username, options.username)) return ctx.reject();
  if (ctx.method === 'password' && options.password !== undefined) {
    return sameSecret(ctx.password, options.password) ? ctx.accept() : ctx.reject();
  }
  if (ctx.method === 'publickey' && clientKey) {
    const sameKey = ctx.key.algo === clientKey.type && ctx.key.data.equals(clientKey.getPublicSSH());
    if (!sameKey) return ctx.reject();
    // Without a signature the client only asks whether the key would do.
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    return clientKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) ? ctx.accept() : ctx.reject();
  }
  const methods: ('password' | 'publickey')[] = [];
  if (options.password !== undefined) methods.push('password');
  if (clientKey) methods.push('publickey');
  ctx.reject(methods);
}

export async function startSftpSandbox(options: SftpSandboxOptions): Promise<SftpSandbox> {
  const hostKey = options.hostKey ?? generateEd25519Key();
  const hostKeySha256 = `SHA256:${createHash('sha256')
    .update(parseKeyOrThrow(hostKey, 'host key').getPublicSSH())
    .digest('base64')
    .replace(/=+$/, '')}`;
  const clientKey = options.authorizedPublicKey ? parseKeyOrThrow(options.authorizedPublicKey, 'authorized public key') : undefined;

  let faults: SftpFaults = { ...options.faults };
  let dropsDone = 0;
  let reads = 0;
  let maxReadsInFlight = 0;
  const sockets = new Map<number, net.Socket>();

  const planTransfer = (): TransferPlan => {
    const dropping = faults.dropAfterBytes !== undefined && (faults.dropTimes === undefined || dropsDone < faults.dropTimes);
    return {
      ...(dropping ? { dropAt: faults.dropAfterBytes } : {}),
      ...(faults.stallAfterBytes !== undefined ? { stallAt: faults.stallAfterBytes } : {}),
      ...(faults.shortReadBytes !== undefined ? { readAtMost: faults.shortReadBytes } : {}),
    };
  };

  const ssh = new ssh2.Server({ hostKeys: [hostKey] }, (client: Connection, info) => {
    const socket = sockets.get(info.port);
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => authenticate(ctx, options, clientKey));
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          sftp.on('error', () => undefined);
          serveFiles(
            sftp,
            options.rootDir,
            {
              planTransfer,
              dropConnection: () => {
                dropsDone++;
                // Once what was answered so far has left (an empty write completes after every write before it).
                socket?.write(Buffer.alloc(0), () => socket?.destroy());
              },
            },
            {
              openedForRead: () => reads++,
              readsInFlight: (count) => {
                maxReadsInFlight = Math.max(maxReadsInFlight, count);
              },
            },
          );
        });
      });
    });
  });

  // We own the TCP side, so a fault can cut a connection as abruptly as a network would.
  const server = net.createServer((socket) => {
    const port = socket.remotePort;
    if (port === undefined) return socket.destroy();
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
    socket.on('error', () => undefined);
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('SFTP sandbox: no TCP address');

  return {
    host: '127.0.0.1',
    port: address.port,
    username: options.username,
    hostKeySha256,
    setFaults(next) {
      faults = { ...next };
      dropsDone = 0;
    },
    reads: () => reads,
    maxReadsInFlight: () => maxReadsInFlight,
    async close() {
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
