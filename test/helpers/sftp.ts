/** What the SFTP tests share: the sandbox account's config, and the typed error a failing call gives. */
import type { SftpConfig } from '../../src/config/schema.ts';
import { Secret } from '../../src/config/secret.ts';
import { GradebridgeError } from '../../src/errors.ts';
import type { SftpSandbox } from '../../sandbox/sftp/server.ts';

/** The sandbox's account (`district` / `correct horse`), host key pinned, files at the root. */
export function sandboxSftpConfig(sandbox: SftpSandbox, overrides: Partial<SftpConfig> = {}): SftpConfig {
  return {
    host: sandbox.host,
    port: sandbox.port,
    username: 'district',
    password: new Secret('correct horse', 'test'),
    hostKeySha256: sandbox.hostKeySha256,
    hostKeyCheck: true,
    remoteDir: '/',
    timeoutSeconds: 10,
    ...overrides,
  };
}

/** The GradebridgeError `promise` rejects with; anything else fails the test. */
export async function gradebridgeFailure(promise: Promise<unknown>): Promise<GradebridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GradebridgeError) return error;
    throw error;
  }
  throw new Error('expected a GradebridgeError');
}
