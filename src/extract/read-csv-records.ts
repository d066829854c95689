/**
 * Streams CSV records with the file line each starts on. Bytes must be UTF-8 (a BOM is fine):
 * csv-parse would silently replace bad bytes, so they are checked before it sees them.
 * csv-parse counts a CRLF inside a quoted field as two lines, so lines are counted here: a record
 * starts on the line after the previous one ended, and spans one line more per newline it holds.
 */
import { isUtf8 } from 'node:buffer';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { CsvError, parse, type Parser } from 'csv-parse';

export interface CsvRecord {
  /** The file line where the record starts (1 for the first line). */
  line: number;
  fields: string[];
}

/** Builds the error thrown when the input is not UTF-8 CSV; the caller picks the code. */
export type NotCsvError = (detail: string) => Error;

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

/** Passes bytes through unchanged, failing on the first byte that is not UTF-8 text. */
class Utf8Guard extends Transform {
  #carry: Buffer = Buffer.alloc(0);
  #linesBefore = 0;

  constructor(private readonly notCsv: NotCsvError) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const cut = incompleteTailStart(bytes);
    const complete = bytes.subarray(0, cut);
    if (!isUtf8(complete)) {
      // Bad sequences decode to U+FFFD; the first one tells the line.
      const text = new TextDecoder('utf-8').decode(complete);
      const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
      const line = this.#linesBefore + before.split('\n').length;
      done(this.notCsv(`it is not UTF-8 text (invalid bytes on line ${line})`));
      return;
    }
    const nul = complete.indexOf(0);
    if (nul !== -1) {
      const line = this.#linesBefore + countNewlines(complete, nul) + 1;
      done(this.notCsv(`it holds NUL bytes (line ${line}): it is binary or UTF-16, not UTF-8 text`));
      return;
    }
    this.#linesBefore += countNewlines(complete);
    this.#carry = Buffer.from(bytes.subarray(cut));
    done(null, complete);
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

/**
 * csv-parse records, a batch at a time (one await per batch, not per record, matters at a million
 * records). Unlike a stream's own iterator, every record parsed before an error is handed over
 * before the error is thrown, so the error can name the right line.
 */
async function* parsedBatches(parser: Parser, highWaterMark = 512): AsyncGenerator<string[][]> {
  let queue: string[][] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  // The reader is woken for a full batch (or the end), not for every record.
  parser.on('data', (record: string[]) => {
    queue.push(record);
    if (queue.length >= highWaterMark) {
      parser.pause();
      notify();
    }
  });
  parser.on('error', (error: unknown) => {
    failure ??= error;
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  parser.on('close', () => {
    if (!ended) failure ??= new Error('the CSV input closed before its end');
    notify();
  });
  for (;;) {
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (parser.isPaused()) parser.resume();
      yield batch;
      continue;
    }
    if (failure !== undefined) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/**
 * Yields every non-blank record, the header included, in batches. Throws `notCsv(...)` for bytes
 * that are not UTF-8 text or quoting csv-parse cannot read (such as a quote never closed).
 */
export async function* readCsvRecordBatches(input: NodeJS.ReadableStream, notCsv: NotCsvError): AsyncGenerator<CsvRecord[]> {
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true });
  pipeline(input, new Utf8Guard(notCsv), parser, () => undefined);
  let line = 1;
  try {
    for await (const batch of parsedBatches(parser)) {
      const records: CsvRecord[] = [];
      for (const fields of batch) {
        const start = line;
        line += 1 + newlinesIn(fields);
        if (!isBlankLine(fields)) records.push({ line: start, fields });
      }
      yield records;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const detail =
        error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? `a quoted field starting on line ${line} is never closed`
          : `line ${line} cannot be read as CSV (${error.message})`;
      throw notCsv(detail);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

/** Like readCsvRecordBatches, one record at a time. */
export async function* readCsvRecords(input: NodeJS.ReadableStream, notCsv: NotCsvError): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvRecordBatches(input, notCsv)) yield* batch;
}
