/**
 * Reads the manual mapping CSV (DEA's "bypass" file): Schoology grading period -> IC term, per
 * school. Any doubt about it stops the run: a bad mapping must never post a grade.
 */
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { ExportFileError } from '../errors.ts';
import { describeHeaderProblem, matchHeaders, type ColumnSpec } from './match-headers.ts';
import { readCsvRecords } from './read-csv-records.ts';

export const MappingFileEntry = z.object({
  line: z.number().int().positive(),
  /** Schoology grading period, its ID or title. */
  gradingPeriod: z.string().min(1),
  /** IC term (academic session) sourcedId. */
  icTerm: z.string().min(1),
  /** Schoology building code or IC school sourcedId (or its identifier). */
  school: z.string().min(1),
});
export type MappingFileEntry = z.infer<typeof MappingFileEntry>;

type MappingField = 'gradingPeriod' | 'icTerm' | 'school';

export const mappingColumns: readonly ColumnSpec<MappingField>[] = [
  {
    field: 'gradingPeriod',
    required: true,
    aliases: ['Schoology Grading Period', 'Grading Period', 'Grading Period Title', 'Grading Period ID', 'Schoology Grading Period ID'],
  },
  { field: 'icTerm', required: true, aliases: ['IC Term', 'Term', 'IC Term ID', 'Term ID', 'IC Term SourcedId', 'Term SourcedId'] },
  { field: 'school', required: true, aliases: ['School', 'School ID', 'School Code', 'Building Code', 'IC School', 'IC School ID'] },
];

const headerNames: Record<MappingField, string> = { gradingPeriod: 'Schoology Grading Period', icTerm: 'IC Term', school: 'School' };

function invalid(file: string, detail: string): ExportFileError {
  return new ExportFileError('MAPPING_FILE_INVALID', `The mapping file ${file} is not usable: ${detail} Nothing was posted.`, {
    remedy: 'Fix the mapping file (columns Schoology Grading Period, IC Term, School; one mapping per line), then request a run.',
  });
}

/** Same grading period and school, compared case-insensitively as the transform does. */
function mappingKey(entry: MappingFileEntry): string {
  return `${entry.gradingPeriod.toLowerCase()}\u0000${entry.school.toLowerCase()}`;
}

/** All mappings of the file, each once. Throws ExportFileError MAPPING_FILE_INVALID naming the line. */
export async function readMappingFile(file: string): Promise<MappingFileEntry[]> {
  const entries: MappingFileEntry[] = [];
  const byKey = new Map<string, MappingFileEntry>();
  let columns: Map<MappingField, number> | undefined;
  let headerLength = 0;
  try {
    for await (const { line, fields } of readCsvRecords(createReadStream(file), (detail) => invalid(file, `${detail}.`))) {
      if (columns === undefined) {
        const match = matchHeaders(fields, mappingColumns);
        if (!match.ok) throw invalid(file, match.problems.map((problem) => describeHeaderProblem(problem, fields)).join(' '));
        columns = match.columns;
        headerLength = fields.length;
        continue;
      }
      if (fields.length !== headerLength) throw invalid(file, `line ${line} has ${fields.length} fields; the header has ${headerLength}.`);
      const value = (field: MappingField): string => fields[columns?.get(field) ?? -1]?.trim() ?? '';
      const empty = (['gradingPeriod', 'icTerm', 'school'] as const).find((field) => value(field) === '');
      if (empty) throw invalid(file, `line ${line} has no ${headerNames[empty]}.`);
      const entry = MappingFileEntry.parse({ line, gradingPeriod: value('gradingPeriod'), icTerm: value('icTerm'), school: value('school') });
      const earlier = byKey.get(mappingKey(entry));
      if (earlier === undefined) {
        byKey.set(mappingKey(entry), entry);
        entries.push(entry);
      } else if (earlier.icTerm !== entry.icTerm) {
        throw invalid(
          file,
          `lines ${earlier.line} and ${line} map grading period "${entry.gradingPeriod}" of school "${entry.school}" to different IC terms ("${earlier.icTerm}", "${entry.icTerm}").`,
        );
      }
    }
  } catch (error) {
    if (error instanceof ExportFileError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(file, `it cannot be read (${message}).`);
  }
  if (entries.length === 0) throw invalid(file, columns === undefined ? 'it is empty.' : 'it has a header but no mappings.');
  return entries;
}
