/**
 * Child process: the IC and SFTP sandboxes for a bench district, in a process of their own so that
 * their memory and CPU are not counted as the pipeline's. The parent steers IC over its
 * `/_sandbox/*` HTTP controls and closes everything by disconnecting.
 */
import { z } from 'zod';
import { IcDataset } from '../../sandbox/ic/dataset.ts';
import { startIcSandbox } from '../../sandbox/ic/server.ts';
import { startSftpSandbox } from '../../sandbox/sftp/server.ts';
import type { SandboxesReady } from '../bench-world.ts';
import { serveUntilClosed } from '../child.ts';
import { BenchDistrictSize, generateDistrict } from '../generate-district.ts';

const SandboxesInput = z.strictObject({ size: BenchDistrictSize, sftpRoot: z.string(), sftpPassword: z.string() });

serveUntilClosed(SandboxesInput, async ({ size, sftpRoot, sftpPassword }) => {
  const ic = await startIcSandbox({ dataset: IcDataset.parse(generateDistrict(size).dataset) });
  const sftp = await startSftpSandbox({ rootDir: sftpRoot, username: 'schoology', password: sftpPassword });
  const value: SandboxesReady = {
    icUrl: ic.url,
    icBaseUrl: ic.baseUrl('oneroster-1.2'),
    icTokenUrl: ic.tokenUrl,
    icCredentials: {
      clientId: ic.credentials.clientId,
      clientSecret: ic.credentials.clientSecret,
      vendorKey: ic.credentials.vendorKey,
      vendorSecret: ic.credentials.vendorSecret,
    },
    sftpPort: sftp.port,
    sftpHostKeySha256: sftp.hostKeySha256,
  };
  return {
    value,
    close: async () => {
      await Promise.all([ic.close(), sftp.close()]);
    },
  };
});
