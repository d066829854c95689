/**
 * A throwaway OpenSSH SFTP server on 127.0.0.1, for integration tests and the bench's export
 * (bench/bench-world.ts): its own config, host key, client key and port, serving `rootDir` through
 * internal-sftp (no chroot: that needs root-owned parents). Requires the openssh-server package.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sshdPath = '/usr/sbin/sshd';
const startTimeoutMs = 15_000;

export interface OpenSshSftp {
  host: '127.0.0.1';
  port: number;
  /** The user running the tests (sshd authenticates as them). */
  username: string;
  /** An ed25519 client key without passphrase, authorised to log in. */
  privateKeyPath: string;
  /** `SHA256:<base64>` of the server's host key, from `ssh-keygen -lf`. */
  hostKeySha256: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function generateKey(file: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gradebridge-test', '-f', file]);
}

async function fingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(stdout);
  if (!match) throw new Error(`ssh-keygen printed no SHA256 fingerprint: ${stdout}`);
  return match[0];
}

/** Resolves once sshd logs that it listens; rejects if it exits first or takes too long. */
function waitUntilListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`sshd did not start listening within ${startTimeoutMs} ms:\n${log()}`)), startTimeoutMs);
    const onData = (): void => {
      if (log().includes(`Server listening on 127.0.0.1 port ${port}`)) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`sshd exited (${code}) before listening:\n${log()}`));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

export async function startOpenSshSftp(options: { rootDir: string }): Promise<OpenSshSftp> {
  if (!existsSync(sshdPath)) {
    throw new Error(`${sshdPath} is missing: install it with \`apt-get install -y openssh-server\` to run the OpenSSH SFTP tests.`);
  }
  // sshd's privilege separation needs this directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(tmpdir(), 'gb-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  await Promise.all([generateKey(hostKey), generateKey(clientKey)]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`));
  const hostKeySha256 = await fingerprint(`${hostKey}.pub`);

  const port = await freePort();
  const username = userInfo().username;
  const configFile = path.join(dir, 'sshd_config');
  await writeFile(
    configFile,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      `ForceCommand internal-sftp -d ${options.rootDir}`,
      'LogLevel INFO',
      '',
    ].join('\n'),
  );

  const child = spawn(sshdPath, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    // Keep the start of the log (for errors) without growing for ever.
    if (stderr.length < 20_000) stderr += text;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await waitUntilListening(child, port, () => stderr);
  } catch (error) {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    host: '127.0.0.1',
    port,
    username,
    privateKeyPath: clientKey,
    hostKeySha256,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
