/**
 * Streams CSV records with the file line each starts on. Bytes must be UTF-8 (a BOM is fine): they
 * are checked and decoded here, whole characters at a time, so the parser only ever sees text.
 * Parsing is papaparse's: it read the bench's 1M-row export 3.4 times as fast as csv-parse, and 2.3
 * times with every field quoted.
 * Lines are counted here, so a CRLF inside a quoted field counts once: a record starts on the line
 * after the previous one ended, and spans one line more per newline it holds.
 */
import { isUtf8 } from 'node:buffer';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import Papa, { type ParseError, type ParseResult } from 'papaparse';

export interface CsvRecord {
  /** The file line where the record starts (1 for the first line). */
  line: number;
  fields: string[];
}

/** Builds the error thrown when the input is not UTF-8 CSV; the caller picks the code. */
export type NotCsvError = (detail: string) => Error;

/**
 * No record of an export or mapping file comes near this many characters. A quote never closed
 * makes the parser carry the rest of the file as one record, re-read with every chunk; past this,
 * the read stops instead of going on for minutes.
 */
const longestRecord = 1 << 20;

/** Records handed over at once (one await per batch, not per record, matters at a million records). */
const batchSize = 512;
/**
 * Batches read ahead before the text is paused. Reading resumes while half are still waiting, so
 * the next chunk of the file is read while they are taken, and the reader never waits on the disk.
 */
const batchesAhead = 4;

/**
 * Text goes to the parser at most this many bytes at a time, whatever size the source's chunks are.
 * OpenSSH answers SFTP reads of 255 KiB, and all the records of a piece are parsed before the first
 * is taken: at 100k rows, 255 KiB pieces were read in 540-740 ms where 64 KiB pieces took 380-440 ms
 * (16 KiB: 450-490 ms, 128 KiB: 500-570 ms).
 */
const textPieceBytes = 64 * 1024;

/** Index where an incomplete multi-byte sequence at the end of `bytes` begins (bytes.length if none). */
function incompleteTailStart(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const byte = bytes[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return bytes.length;
    const expected = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return bytes.length - i < expected ? i : bytes.length;
  }
  return bytes.length;
}

function countNewlines(bytes: Buffer, end = bytes.length): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/** Bytes in, text out (whole characters, without a leading BOM), failing on the first byte that is not UTF-8 text. */
class Utf8Text extends Transform {
  #carry: Buffer = Buffer.alloc(0);
  #linesBefore = 0;
  #atStart = true;

  constructor(private readonly notCsv: NotCsvError) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (let at = 0; at < chunk.length; at += textPieceBytes) {
      const failure = this.#decode(chunk.subarray(at, at + textPieceBytes));
      if (failure) return done(failure);
    }
    done();
  }

  /** Pushes the whole characters of `piece` (after any bytes carried from before it); returns the error that stops the read, if any. */
  #decode(piece: Buffer): Error | undefined {
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, piece]) : piece;
    const cut = incompleteTailStart(bytes);
    const complete = bytes.subarray(0, cut);
    if (!isUtf8(complete)) {
      // Bad sequences decode to U+FFFD; the first one tells the line.
      const text = new TextDecoder('utf-8').decode(complete);
      const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
      const line = this.#linesBefore + before.split('\n').length;
      return this.notCsv(`it is not UTF-8 text (invalid bytes on line ${line})`);
    }
    const nul = complete.indexOf(0);
    if (nul !== -1) {
      const line = this.#linesBefore + countNewlines(complete, nul) + 1;
      return this.notCsv(`it holds NUL bytes (line ${line}): it is binary or UTF-16, not UTF-8 text`);
    }
    this.#linesBefore += countNewlines(complete);
    this.#carry = Buffer.from(bytes.subarray(cut));
    let text = complete.toString('utf8');
    if (this.#atStart && text.length > 0) {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) this.push(text);
    return undefined;
  }

  override _flush(done: TransformCallback): void {
    if (this.#carry.length > 0) done(this.notCsv('it is not UTF-8 text (it ends in the middle of a character)'));
    else done();
  }
}

function newlinesIn(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    if (!field.includes('\n')) continue;
    for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count++;
  }
  return count;
}

/** A blank or whitespace-only line parses as one empty-ish field; it is not a record. */
function isBlankLine(fields: readonly string[]): boolean {
  return fields.length === 1 && (fields[0] ?? '').trim() === '';
}

function quoteProblem(error: ParseError, line: number): string {
  return error.code === 'MissingQuotes'
    ? `a quoted field starting on line ${line} is never closed`
    : `line ${line} cannot be read as CSV (${error.message.toLowerCase()})`;
}

/**
 * Numbers the parser's records by line and queues them in batches, pausing the text while enough
 * wait to be taken. A quoting error stops the read after the records before it.
 */
class RecordQueue {
  failure: unknown;
  ended = false;
  #batches: CsvRecord[][] = [];
  #current: CsvRecord[] = [];
  #line = 1;
  #charsRead = 0;
  #wake: (() => void) | undefined;

  constructor(
    private readonly text: Utf8Text,
    private readonly notCsv: NotCsvError,
  ) {
    // Registered before the parser's own listener, so a chunk is counted before it is parsed.
    text.on('data', (chunk: string) => {
      this.#charsRead += chunk.length;
    });
  }

  take(chunk: ParseResult<string[]>): void {
    const firstError = chunk.errors[0];
    const rows = firstError ? Math.min(firstError.row ?? 0, chunk.data.length) : chunk.data.length;
    for (let i = 0; i < rows; i++) {
      const fields = chunk.data[i]!;
      const start = this.#line;
      this.#line += 1 + newlinesIn(fields);
      if (isBlankLine(fields)) continue;
      this.#current.push({ line: start, fields });
      if (this.#current.length === batchSize) this.#handOver();
    }
    if (firstError) this.fail(this.notCsv(quoteProblem(firstError, this.#line)));
    else if (this.#charsRead - chunk.meta.cursor > longestRecord) {
      this.fail(this.notCsv(`the record starting on line ${this.#line} runs past ${longestRecord / 2 ** 20} MiB: a quoted field in it is probably never closed`));
    } else if (this.#batches.length >= batchesAhead && !this.text.isPaused()) this.text.pause();
  }

  end(): void {
    this.#handOver();
    this.ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.#handOver();
    this.failure = error;
    this.text.destroy();
    this.#notify();
  }

  /** The next batch, resuming the text when few are left waiting. */
  next(): CsvRecord[] | undefined {
    const batch = this.#batches.shift();
    if (this.#batches.length <= batchesAhead / 2 && this.failure === undefined && !this.ended && this.text.isPaused()) this.text.resume();
    return batch;
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #handOver(): void {
    if (this.#current.length === 0) return;
    this.#batches.push(this.#current);
    this.#current = [];
    this.#notify();
  }

  #notify(): void {
    this.#wake?.();
    this.#wake = undefined;
  }
}

/**
 * Yields every non-blank record, the header included, in batches. Every record read before an error
 * is handed over before the error is thrown. Throws `notCsv(...)` for bytes that are not UTF-8 text
 * and for quoting the parser cannot read (a quote never closed, text after a closing quote).
 */
export async function* readCsvRecordBatches(input: NodeJS.ReadableStream, notCsv: NotCsvError): AsyncGenerator<CsvRecord[]> {
  const text = new Utf8Text(notCsv);
  const queue = new RecordQueue(text, notCsv);
  pipeline(input, text, () => undefined);
  Papa.parse<string[]>(text, {
    delimiter: ',',
    quoteChar: '"',
    chunk: (chunk) => queue.take(chunk),
    complete: () => queue.end(),
    error: (error: Error) => queue.fail(error),
  });
  try {
    for (;;) {
      const batch = queue.next();
      if (batch) {
        yield batch;
        continue;
      }
      if (queue.failure !== undefined) throw queue.failure;
      if (queue.ended) return;
      await queue.wait();
    }
  } finally {
    text.destroy();
  }
}

/** Like readCsvRecordBatches, one record at a time. */
export async function* readCsvRecords(input: NodeJS.ReadableStream, notCsv: NotCsvError): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvRecordBatches(input, notCsv)) yield* batch;
}
