/**
 * Read rows, step 2 of the grade passback: streams the auto-export CSV into ExportRows. Header
 * problems and files that are not UTF-8 CSV stop the run (ExportFileError); a structurally bad
 * record is an `invalid` outcome with its line, and the rest go on. Grades stay raw text.
 */
import { ConfigError, ExportFileError } from '../errors.ts';
import type { ExportRow, InvalidRecord } from '../types.ts';
import { exportColumns, type ExportField } from './export-columns.ts';
import { describeHeaderProblem, matchHeaders } from './match-headers.ts';
import { readCsvRecordBatches } from './read-csv-records.ts';

export type ExportRecord = { kind: 'row'; row: ExportRow } | { kind: 'invalid'; record: InvalidRecord };

export interface ReadExportRowsOptions {
  /** `gradePassback.columns`: field -> extra header name(s), which also settle ambiguous columns. */
  columns?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Single-use: iterate once, a record or a batch (`batches()`, for a million rows) at a time. `rows`
 * counts the data records read so far (valid and invalid).
 */
export interface ExportRowReader extends AsyncIterable<ExportRecord> {
  readonly rows: number;
  batches(): AsyncIterable<ExportRecord[]>;
}

const remedyExportLayout =
  'Check the columns of the Auto-Export in Schoology, or map the header in gradePassback.columns (e.g. studentId: "Unique User ID").';

function notCsv(detail: string): ExportFileError {
  return new ExportFileError('EXPORT_NOT_CSV', `The export file is not UTF-8 CSV: ${detail}. Nothing was posted.`, {
    remedy: 'Check that the Auto-Export writes CSV in UTF-8 and that the file on the SFTP server is complete.',
  });
}

function resolveColumns(headers: readonly string[], columns: ReadExportRowsOptions['columns']): Map<ExportField, number> {
  const match = matchHeaders(headers, exportColumns, columns);
  if (match.ok) return match.columns;
  const [first] = match.problems;
  const message = match.problems.map((problem) => describeHeaderProblem(problem, headers)).join(' ');
  if (first?.kind === 'unknown-field') {
    throw new ConfigError(message, { remedy: 'Fix gradePassback.columns in the config.' });
  }
  if (first?.kind === 'ambiguous') {
    throw new ExportFileError('EXPORT_AMBIGUOUS_COLUMN', `${message} Nothing was posted.`, {
      remedy: `Name the column to use in gradePassback.columns (e.g. ${first.field}: "${first.headers[0] ?? ''}").`,
    });
  }
  throw new ExportFileError('EXPORT_MISSING_COLUMN', `${message} Nothing was posted.`, { remedy: remedyExportLayout });
}

class ExportRowStream implements ExportRowReader {
  #rows = 0;
  #started = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly options: ReadExportRowsOptions,
  ) {}

  get rows(): number {
    return this.#rows;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ExportRecord> {
    for await (const batch of this.#read()) {
      for (const record of batch) {
        this.#rows++;
        yield record;
      }
    }
  }

  async *batches(): AsyncGenerator<ExportRecord[]> {
    for await (const batch of this.#read()) {
      this.#rows += batch.length;
      yield batch;
    }
  }

  async *#read(): AsyncGenerator<ExportRecord[]> {
    if (this.#started) throw new Error('readExportRows: the rows can be iterated only once');
    this.#started = true;
    let read = 0;
    let columns: ColumnIndices | undefined;
    let headerLength = 0;
    for await (const csvRecords of readCsvRecordBatches(this.input, notCsv)) {
      const records: ExportRecord[] = [];
      for (const { line, fields } of csvRecords) {
        if (columns === undefined) {
          columns = Object.fromEntries(resolveColumns(fields, this.options.columns));
          headerLength = fields.length;
          continue;
        }
        read++;
        records.push(toRecord(line, fields, headerLength, columns));
      }
      if (records.length > 0) yield records;
    }
    if (read === 0) {
      const what = columns === undefined ? 'is empty' : 'has a header but no rows';
      throw new ExportFileError('EXPORT_EMPTY', `The export file ${what}. Nothing was posted.`, {
        remedy: 'Check the Auto-Export in Schoology: did it run with sections that have grading periods and published grades?',
      });
    }
  }
}

/** The column of each field the file has (a plain object: read per cell of a million rows). */
type ColumnIndices = Partial<Record<ExportField, number>>;

/** The trimmed cell of `field`, or undefined when the file has no such column. Module-level: called per cell of a million rows. */
function cell(fields: readonly string[], columns: ColumnIndices, field: ExportField): string | undefined {
  const index = columns[field];
  return index === undefined ? undefined : fields[index]?.trim();
}

/** Like `cell`, with an empty cell as undefined. */
function filled(fields: readonly string[], columns: ColumnIndices, field: ExportField): string | undefined {
  const text = cell(fields, columns, field);
  return text === undefined || text === '' ? undefined : text;
}

function invalidRecord(line: number, message: string, sectionSchoolCode: string, studentId: string): ExportRecord {
  return {
    kind: 'invalid',
    record: {
      line,
      message,
      ...(sectionSchoolCode ? { sectionSchoolCode } : {}),
      ...(studentId ? { studentId } : {}),
    },
  };
}

/**
 * The row is built, not parsed by the ExportRow schema: every value is a string cut here, after the
 * checks above, so the schema (which gives the row its type, and is held to the reader by its tests)
 * would only cost a third of a second per million rows.
 */
function toRecord(line: number, fields: readonly string[], headerLength: number, columns: ColumnIndices): ExportRecord {
  const sectionSchoolCode = cell(fields, columns, 'sectionSchoolCode') ?? '';
  const studentId = cell(fields, columns, 'studentId') ?? '';
  if (fields.length !== headerLength)
    return invalidRecord(line, `The record has ${fields.length} fields; the header has ${headerLength}.`, sectionSchoolCode, studentId);
  if (sectionSchoolCode === '') return invalidRecord(line, 'The section school code is empty.', sectionSchoolCode, studentId);
  if (studentId === '') return invalidRecord(line, 'The student ID is empty.', sectionSchoolCode, studentId);

  const row: ExportRow = {
    line,
    sectionSchoolCode,
    studentId,
    gradingPeriod: cell(fields, columns, 'gradingPeriod') ?? '',
    grade: cell(fields, columns, 'grade') ?? '',
    letterGrade: filled(fields, columns, 'letterGrade'),
    comment: filled(fields, columns, 'comment'),
  };
  return { kind: 'row', row };
}

/**
 * @example
 * const reader = readExportRows(createReadStream(file.localPath), { columns: config.columns });
 * for await (const record of reader) if (record.kind === 'row') use(record.row);
 * // or, for a large file: for await (const batch of reader.batches()) for (const record of batch) ...
 * counts.rows = reader.rows;
 */
export function readExportRows(input: NodeJS.ReadableStream, options: ReadExportRowsOptions = {}): ExportRowReader {
  return new ExportRowStream(input, options);
}
