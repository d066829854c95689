/** Lists the export directory over SFTP, as entries `selectExportFile` can choose from. */
import type { SftpConfig } from '../config/schema.ts';
import { SftpError } from '../errors.ts';
import type { SftpSession } from './connect-sftp.ts';
import type { RemoteEntry } from './select-export-file.ts';
import { withTimeout } from './with-timeout.ts';

/** ssh2-sftp-client reports the type as the first letter of the `ls -l` line. */
function entryType(letter: string): RemoteEntry['type'] {
  if (letter === '-') return 'file';
  if (letter === 'd') return 'dir';
  if (letter === 'l') return 'link';
  return 'other';
}

export async function listExports(session: SftpSession, config: SftpConfig): Promise<RemoteEntry[]> {
  try {
    const listing = await withTimeout(
      session.client.list(config.remoteDir),
      config.timeoutSeconds * 1000,
      () => new SftpError('SFTP_TIMEOUT', `Listing ${config.remoteDir} on the SFTP server did not finish within ${config.timeoutSeconds} s.`),
    );
    return listing
      .filter((item) => item.name !== '.' && item.name !== '..')
      .map((item) => ({ name: item.name, type: entryType(item.type), size: item.size, mtimeMs: item.modifyTime }));
  } catch (error) {
    if (error instanceof SftpError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SftpError('SFTP_LIST_FAILED', `Could not list the export directory ${config.remoteDir}: ${message}.`, {
      remedy: 'Check that gradePassback.sftp.remoteDir exists on the SFTP server and that the account may read it.',
      cause: error,
    });
  }
}
