/**
 * Reads an open SFTP file with several READ requests in flight (as OpenSSH's own client does)
 * yet hands the bytes on strictly in file order, so a server's latency is paid once per window
 * rather than once per chunk. Unlike ssh2's fastGet it never leaves a hole: a short read (fewer
 * bytes than asked, which the protocol allows) is followed by a request for the rest of its range.
 */
import type { SFTPWrapper } from 'ssh2';

export interface ReadInOrderOptions {
  /** The size the server listed: ranges are planned up to it, plus one read there to see the end. */
  size: number;
  /** Where to start reading (0 by default; a resumed download starts where the last one stopped). */
  from?: number;
  /** Most READ requests in flight; also bounds memory to `depth` chunks. */
  depth: number;
  /** Bytes asked per request; at most what the server accepts in one READ. */
  chunkLength: number;
  signal: AbortSignal;
  /** Called on every answer from the server (an idle timer re-arms on it). */
  onAnswer(): void;
}

/** One planned range of the file, filled by one READ or, after short reads, several. */
interface Range {
  offset: number;
  buffer: Buffer;
  filled: number;
  /** The server answered EOF inside this range: the file ends at `offset + filled`. */
  atEnd: boolean;
  done: boolean;
}

/** SFTP servers must accept packets of 34000 bytes, so a 32 KiB read is safe everywhere. */
const safeReadLength = 32 * 1024;

/** ssh2 learns the server's largest READ (OpenSSH announces it) but keeps it in a private field. */
export function maxReadLength(sftp: SFTPWrapper): number {
  const learned = (sftp as SFTPWrapper & { _maxReadLen?: unknown })._maxReadLen;
  return typeof learned === 'number' && learned > 0 ? learned : safeReadLength;
}

/**
 * Yields the file's bytes in order, from `from`, until the server reports its end, or until `size`
 * bytes and one chunk past them were read (then the file is longer than listed: the caller compares).
 * Throws the first failed READ's error, or `signal.reason` once aborted.
 */
export async function* readInOrder(sftp: SFTPWrapper, handle: Buffer, options: ReadInOrderOptions): AsyncGenerator<Buffer> {
  const { size, depth, chunkLength, signal } = options;
  const queue: Range[] = [];
  let nextOffset = options.from ?? 0;
  let endSeen = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const request = (range: Range): void => {
    const position = range.offset + range.filled;
    sftp.read(handle, range.buffer, range.filled, range.buffer.length - range.filled, position, (error, bytesRead) => {
      if (stopped) return;
      options.onAnswer();
      if (error) {
        failure ??= { error };
        return notify();
      }
      // ssh2 turns the server's EOF status into a read of 0 bytes.
      if (bytesRead === 0) {
        range.atEnd = true;
        endSeen = true;
      } else {
        range.filled += bytesRead;
        if (range.filled < range.buffer.length) return request(range);
      }
      range.done = true;
      if (range === queue[0]) notify();
    });
  };

  const plan = (): void => {
    // Ranges cover [from, size); the one starting at `size` only checks that the file ends there.
    while (!endSeen && queue.length < depth && nextOffset <= size) {
      const length = nextOffset < size ? Math.min(chunkLength, size - nextOffset) : chunkLength;
      const range: Range = { offset: nextOffset, buffer: Buffer.allocUnsafe(length), filled: 0, atEnd: false, done: false };
      nextOffset += length;
      queue.push(range);
      request(range);
    }
  };

  signal.addEventListener('abort', notify);
  try {
    plan();
    for (;;) {
      signal.throwIfAborted();
      if (failure) throw failure.error;
      const head = queue[0];
      if (!head) return;
      if (!head.done) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      queue.shift();
      plan();
      if (head.filled > 0) yield head.buffer.subarray(0, head.filled);
      if (head.atEnd) return;
    }
  } finally {
    stopped = true;
    signal.removeEventListener('abort', notify);
  }
}
