/**
 * The window calendar CSV: `School,Task ID,Term,Opens At,Closes At`, one window a line, times in the
 * district time zone (see district-date-time.ts). Headers are matched trimmed, case-insensitively,
 * with runs of spaces, `_` and `-` equal; other columns are ignored. Blank lines are skipped. Any bad
 * line stops the read with WINDOW_CALENDAR_INVALID naming the line: a wrong window would post grades
 * IC refuses, or hold back grades it would take.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ExportFileError } from '../errors.ts';
import { parseDistrictDateTime } from './district-date-time.ts';
import type { WindowCalendarEntry } from './window-calendar-entry.ts';

const columnTitles = {
  school: 'School',
  taskId: 'Task ID',
  term: 'Term',
  opensAt: 'Opens At',
  closesAt: 'Closes At',
} as const;
type Field = keyof typeof columnTitles;
const fields = Object.keys(columnTitles) as Field[];

/** What csv-parse yields with `info: true`. */
const CsvRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }) }));
type CsvRecord = z.infer<typeof CsvRecords>[number];

const remedy =
  'Fix the window calendar file (columns School, Task ID, Term, Opens At, Closes At; times like 2026-12-01 08:00 in the district time zone), or remove gradingWindows.calendarFile from the config.';

export interface WindowCalendarSource {
  /** The file, as named in messages. */
  source: string;
  /** IANA zone the local times are in (the config's `timezone`). */
  timezone: string;
}

/** Parses the file's bytes (UTF-8, BOM allowed) or its text. */
export function parseWindowCalendar(content: Uint8Array | string, { source, timezone }: WindowCalendarSource): WindowCalendarEntry[] {
  const invalid = (line: number, problem: string) =>
    new ExportFileError('WINDOW_CALENDAR_INVALID', `Window calendar ${source}, line ${line}: ${problem}.`, { remedy });
  const text = typeof content === 'string' ? content : decodeUtf8(content, source);

  let records: CsvRecord[];
  try {
    const options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_empty_values: true };
    records = CsvRecords.parse(parse(text, options));
  } catch (error) {
    if (error instanceof CsvError) throw invalid(Number(error['lines'] ?? 1), error.message);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw invalid(1, `the file is empty; expected the header School,Task ID,Term,Opens At,Closes At`);
  const positions = columnPositions(header.record, (problem) => invalid(firstLine(header), problem));
  const rowSchema = calendarRowSchema(timezone);

  return rows.map((row) => {
    const line = firstLine(row);
    if (row.record.length !== header.record.length)
      throw invalid(line, `expected ${header.record.length} fields, found ${row.record.length}`);
    const values = Object.fromEntries(fields.map((field) => [field, row.record[positions[field]] ?? '']));
    const parsed = rowSchema.safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0] as Field | undefined;
      const column = field ? `"${header.record[positions[field]]?.trim()}" ` : '';
      throw invalid(line, `${column}${issue?.message ?? 'is not valid'}`);
    }
    return { line, ...parsed.data };
  });
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ExportFileError('WINDOW_CALENDAR_INVALID', `Window calendar ${source} is not UTF-8 text.`, {
      remedy: 'Save the window calendar as CSV UTF-8.',
      cause: error,
    });
  }
}

function calendarRowSchema(timezone: string) {
  const dateTime = z
    .string()
    .trim()
    .transform((text, ctx) => {
      const parsed = parseDistrictDateTime(text, timezone);
      if (parsed.ok) return parsed.instant;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    });
  return z
    .object({
      school: z.string().trim().min(1, 'is empty'),
      taskId: z
        .string()
        .trim()
        .regex(/^[0-9]{1,15}$/, 'expected a grading task ID (digits)')
        .transform(Number),
      term: z.string().trim().min(1, 'is empty'),
      opensAt: dateTime,
      closesAt: dateTime,
    })
    .refine((row) => row.opensAt < row.closesAt, { path: ['closesAt'], message: 'must be after Opens At' });
}

/** The export reader's header rule: trimmed, lower-cased, runs of spaces, `_` and `-` one space. */
function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

function columnPositions(header: string[], invalid: (problem: string) => Error): Record<Field, number> {
  const normalised = header.map(normaliseHeader);
  const positions = {} as Record<Field, number>;
  for (const field of fields) {
    const wanted = normaliseHeader(columnTitles[field]);
    const matches = normalised.flatMap((name, index) => (name === wanted ? [index] : []));
    if (matches.length === 0) throw invalid(`missing column "${columnTitles[field]}"`);
    if (matches.length > 1) throw invalid(`column "${columnTitles[field]}" appears ${matches.length} times`);
    positions[field] = matches[0]!;
  }
  return positions;
}

/** csv-parse counts the line a record ends on; a quoted field may span lines. */
function firstLine(row: CsvRecord): number {
  const spanned = row.record.reduce((sum, value) => sum + (value.match(/\n/g)?.length ?? 0), 0);
  return row.info.lines - spanned;
}
