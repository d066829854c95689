/**
 * Glossary, and the domain types shared by the stages.
 *
 * - **run**: one execution of a pipeline (`grades` or `roster`), recorded in the store with its counts.
 * - **row**: one data record of the Schoology auto-export CSV (its `line` is where it starts in the file).
 * - **grading task**: an IC grade kind with a numeric ID ("Quarter Grade" 101, "Final Grade" 201).
 * - **line item**: IC's gradebook object for one grading task of one class in one term.
 * - **window**: the period in which IC accepts grades for a line item (open or closed now).
 * - **term row / overall row**: a row for a Schoology grading period, or for the course overall.
 * - **planned result**: one grade for one (line item, student), with a deterministic result sourcedId.
 * - **outcome**: what happened to a row at a line item (posted, unchanged, a skip reason, failed).
 * - **ledger**: what was last posted successfully per result sourcedId; makes scheduled runs incremental.
 * - **mapping**: Schoology codes to IC sourcedIds (section -> class, student -> user, period -> term).
 */
import { z } from 'zod';

export const pipelineNames = ['grades', 'roster'] as const;
export const PipelineName = z.enum(pipelineNames);
export type PipelineName = z.infer<typeof PipelineName>;

export const RunStatus = z.enum(['running', 'succeeded', 'partial', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunTrigger = z.enum(['cli', 'schedule', 'admin', 'demo', 'catch-up']);
export type RunTrigger = z.infer<typeof RunTrigger>;

/** Reasons a grade row (or one of its line items) is not posted. */
export const gradeSkipReasons = [
  'invalid-row',
  'no-grade',
  'invalid-grade',
  'duplicate-conflict',
  'unmapped-section',
  'school-not-included',
  'unmapped-term',
  'unmapped-student',
  'not-opted-in',
  'no-task',
  'window-closed',
  'superseded-by-term',
  'out-of-scope',
] as const;
export const GradeSkipReason = z.enum(gradeSkipReasons);
export type GradeSkipReason = z.infer<typeof GradeSkipReason>;

/** What the admin reads next to each skip reason (README, status page, notices). */
export const skipReasonHelp: Record<GradeSkipReason, string> = {
  'invalid-row': 'The CSV record is malformed (wrong number of fields, or no section or student).',
  'no-grade': 'The grade cell is empty; nothing to post.',
  'invalid-grade': 'The grade is not a number between 0 and maxScore (EX, INC, dashes are never guessed).',
  'duplicate-conflict': 'Two rows for the same section, student and grading period (or line item) carry different grades; neither is posted.',
  'unmapped-section': 'The section school code matches no IC class (roster mapping, mapping file or identity mapping).',
  'school-not-included': "The section's school is not listed in the mapping file.",
  'unmapped-term': 'The Schoology grading period maps to no IC term for this school.',
  'unmapped-student': 'The student ID matches no IC student of this class.',
  'not-opted-in': 'The teacher has not opted this section in to grade passback.',
  'no-task': 'The class has no IC line item for the configured grading tasks in this term.',
  'window-closed': "The grading window of the line item is closed in IC.",
  'superseded-by-term': 'A single-term course: the term grade governs this line item, not the overall grade.',
  'out-of-scope': 'The run was limited to another school, section or teacher.',
};

export const GradeOutcome = z.enum(['posted', 'planned', 'unchanged', 'failed', ...gradeSkipReasons]);
export type GradeOutcome = z.infer<typeof GradeOutcome>;

/**
 * One validated auto-export record: the columns the plan reads. `grade` and `letter` are raw text;
 * the transform decides. The export's other columns (school, course and section codes, names) are
 * recognised but not carried: nothing is decided by them, and a student's name from the export is
 * never logged or stored (the status page names students from the roster).
 */
export const ExportRow = z.object({
  line: z.number().int().positive(),
  sectionSchoolCode: z.string(),
  studentId: z.string(),
  gradingPeriod: z.string(),
  grade: z.string(),
  letterGrade: z.string().optional(),
  comment: z.string().optional(),
});
export type ExportRow = z.infer<typeof ExportRow>;

/** A record the reader could not turn into an ExportRow (reported as `invalid-row`). */
export interface InvalidRecord {
  line: number;
  message: string;
  sectionSchoolCode?: string;
  studentId?: string;
}

/** What the export reader yields for each data record: a row, or a record it could not read. */
export type ExportRecord = { kind: 'row'; row: ExportRow } | { kind: 'invalid'; record: InvalidRecord };

/** An IC grading-task line item of one class, as the transform needs it. */
export const LineItem = z.object({
  sourcedId: z.string(),
  classSourcedId: z.string(),
  title: z.string(),
  taskId: z.number().int().nullable(),
  termSourcedId: z.string().nullable(),
  /** `true`/`false` from IC's flag; `null` when IC does not say (the calendar decides). */
  windowOpenFlag: z.boolean().nullable(),
});
export type LineItem = z.infer<typeof LineItem>;

/** One grade to PUT to IC. */
export interface PlannedResult {
  resultSourcedId: string;
  lineItemSourcedId: string;
  classSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
  comment: string | null;
}
