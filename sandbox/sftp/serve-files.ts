/**
 * The read side of an SFTP server over a local folder, for the sandbox: REALPATH, STAT, LSTAT,
 * FSTAT, OPENDIR, READDIR, OPEN (read only), READ and CLOSE. Anything else is answered
 * OP_UNSUPPORTED by ssh2. Paths are virtual: "/" is the root folder, and ".." never leaves it.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

/** How one opened file is served: where to drop or stall, and the most bytes per READ answer. */
export interface TransferPlan {
  dropAt?: number;
  stallAt?: number;
  readAtMost?: number;
}

/** Decides, per read request, whether the sandbox misbehaves (see SftpFaults in server.ts). */
export interface ReadFaults {
  /** Called when a file is opened for reading; returns the plan for that transfer. */
  planTransfer(): TransferPlan;
  /** Drops the connection this session runs on, abruptly. */
  dropConnection(): void;
}

type OpenEntry =
  | ({ kind: 'file'; file: FileHandle; answering: Set<Promise<void>> } & TransferPlan)
  | { kind: 'dir'; realPath: string; entries: string[] | undefined };

const directoryBatch = 100;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function toAttributes(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

function typeLetter(stats: Stats): string {
  if (stats.isDirectory()) return 'd';
  if (stats.isSymbolicLink()) return 'l';
  if (stats.isFile()) return '-';
  if (stats.isFIFO()) return 'p';
  if (stats.isSocket()) return 's';
  if (stats.isCharacterDevice()) return 'c';
  if (stats.isBlockDevice()) return 'b';
  return '?';
}

/** An `ls -l` line: clients (ssh2-sftp-client among them) read the entry type from its first letter. */
function longName(name: string, stats: Stats): string {
  const bits = 'rwxrwxrwx'
    .split('')
    .map((letter, i) => (stats.mode & (0o400 >> i) ? letter : '-'))
    .join('');
  const when = stats.mtime;
  const date = `${months[when.getUTCMonth()]} ${String(when.getUTCDate()).padStart(2)} ${when.getUTCFullYear()}`;
  return `${typeLetter(stats)}${bits} ${stats.nlink} ${stats.uid} ${stats.gid} ${String(stats.size).padStart(8)} ${date} ${name}`;
}

function statusFor(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

/** What the sandbox counts for the tests: its `reads()` and `maxReadsInFlight()`. */
export interface ServeCounters {
  openedForRead(): void;
  /** Called with the number of READ requests being served whenever a new one arrives. */
  readsInFlight(count: number): void;
}

/** Serves `rootDir` on one SFTP channel. */
export function serveFiles(sftp: SFTPWrapper, rootDir: string, faults: ReadFaults, counters: ServeCounters): void {
  const open_ = new Map<number, OpenEntry>();
  let nextHandle = 1;
  let readsInFlight = 0;

  const virtualPath = (requested: string): string => path.posix.resolve('/', requested);
  const realPath = (requested: string): string => path.join(rootDir, virtualPath(requested));
  const newHandle = (entry: OpenEntry): Buffer => {
    const id = nextHandle++;
    open_.set(id, entry);
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(id, 0);
    return handle;
  };
  const lookup = (handle: Buffer): [number, OpenEntry | undefined] => {
    const id = handle.length === 4 ? handle.readUInt32BE(0) : 0;
    return [id, open_.get(id)];
  };
  const answer = (reqId: number, work: () => Promise<void>): void => {
    work().catch((error: unknown) => {
      try {
        sftp.status(reqId, statusFor(error));
      } catch {
        // The channel closed meanwhile; there is no one left to answer.
      }
    });
  };

  sftp.on('REALPATH', (reqId, requested) => {
    const resolved = virtualPath(requested);
    // No attributes: the path need not exist, and an empty object sends none.
    sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
  });

  sftp.on('STAT', (reqId, requested) => answer(reqId, async () => sftp.attrs(reqId, toAttributes(await stat(realPath(requested))))));
  sftp.on('LSTAT', (reqId, requested) => answer(reqId, async () => sftp.attrs(reqId, toAttributes(await lstat(realPath(requested))))));

  sftp.on('FSTAT', (reqId, handle) =>
    answer(reqId, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE);
      sftp.attrs(reqId, toAttributes(await entry.file.stat()));
    }),
  );

  sftp.on('OPENDIR', (reqId, requested) =>
    answer(reqId, async () => {
      const where = realPath(requested);
      if (!(await stat(where)).isDirectory()) return sftp.status(reqId, STATUS_CODE.FAILURE, 'not a directory');
      sftp.handle(reqId, newHandle({ kind: 'dir', realPath: where, entries: undefined }));
    }),
  );

  sftp.on('READDIR', (reqId, handle) =>
    answer(reqId, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'dir') return sftp.status(reqId, STATUS_CODE.FAILURE);
      entry.entries ??= (await readdir(entry.realPath, { withFileTypes: true })).map((dirent: Dirent) => dirent.name);
      const batch = entry.entries.splice(0, directoryBatch);
      if (batch.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
      const names: FileEntry[] = [];
      for (const name of batch) {
        // An entry may vanish between readdir and lstat; leave it out.
        const stats = await lstat(path.join(entry.realPath, name)).catch(() => undefined);
        if (stats) names.push({ filename: name, longname: longName(name, stats), attrs: toAttributes(stats) });
      }
      sftp.name(reqId, names);
    }),
  );

  sftp.on('OPEN', (reqId, requested, flags) =>
    answer(reqId, async () => {
      const writing = OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC | OPEN_MODE.EXCL;
      if (flags & writing || !(flags & OPEN_MODE.READ)) return sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'the sandbox is read-only');
      const where = realPath(requested);
      if (!(await stat(where)).isFile()) return sftp.status(reqId, STATUS_CODE.FAILURE, 'not a regular file');
      const file = await open(where, 'r');
      counters.openedForRead();
      sftp.handle(reqId, newHandle({ kind: 'file', file, answering: new Set(), ...faults.planTransfer() }));
    }),
  );

  sftp.on('READ', (reqId, handle, offset, length) => {
    counters.readsInFlight(++readsInFlight);
    answer(reqId, async () => {
      try {
        const [, entry] = lookup(handle);
        if (entry?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE);
        if (entry.dropAt !== undefined && offset >= entry.dropAt) {
          // The bytes before the drop are sent first, as a connection that breaks after them would have.
          await Promise.allSettled(entry.answering);
          return faults.dropConnection();
        }
        // A stalled server: the request is simply never answered.
        if (entry.stallAt !== undefined && offset >= entry.stallAt) return;
        const limit = Math.min(entry.dropAt ?? Infinity, entry.stallAt ?? Infinity);
        const size = Math.min(length, limit - offset, entry.readAtMost ?? Infinity);
        const buffer = Buffer.alloc(size);
        const answering = entry.file.read(buffer, 0, size, offset).then(({ bytesRead }) => {
          if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
          else sftp.data(reqId, buffer.subarray(0, bytesRead));
        });
        entry.answering.add(answering);
        try {
          await answering;
        } finally {
          entry.answering.delete(answering);
        }
      } finally {
        readsInFlight--;
      }
    });
  });

  sftp.on('CLOSE', (reqId, handle) =>
    answer(reqId, async () => {
      const [id, entry] = lookup(handle);
      if (!entry) return sftp.status(reqId, STATUS_CODE.FAILURE);
      open_.delete(id);
      if (entry.kind === 'file') await entry.file.close();
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );

  sftp.on('close', () => {
    for (const entry of open_.values()) if (entry.kind === 'file') void entry.file.close().catch(() => undefined);
    open_.clear();
  });
}
