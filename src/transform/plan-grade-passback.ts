/**
 * The grade passback plan (design steps 3-6): export records, mappings, opt-ins, grading windows and
 * the ledger in; the results to PUT and every row's outcome out. Pure: no I/O and no clock; all
 * lookups are passed in.
 *
 * A row goes through these checks; the first that fails is its outcome (one per row):
 * 1. an unreadable record: `invalid-row`;
 * 2. the run's scope: `out-of-scope`;
 * 3. mapping: `unmapped-section`, `school-not-included`, `unmapped-term` (term rows only),
 *    `unmapped-student`;
 * 4. opt-in, when teachers must opt in: `not-opted-in`;
 * 5. other rows for the same section, student and period with a different grade: `duplicate-conflict`;
 * 6. the grade: `no-grade`, `invalid-grade`;
 * 7. its line items: none, `no-task`.
 * Then one outcome per line item it reaches: `superseded-by-term`, `window-closed`, and per
 * (line item, student) `duplicate-conflict` (rows disagreeing), `unchanged` (equal to the ledger,
 * scheduled runs only) or `planned`.
 *
 * Records are read once (the caller may stream them). Rows that pass step 4 are kept in a compact
 * form until all are read, because a term row may come after the overall row it supersedes, and a
 * duplicate after the row it conflicts with; then they are resolved in file order.
 */
import type { ExportRecord, ExportRow, GradeSkipReason, InvalidRecord, LineItem, PlannedResult } from '../types.ts';
import { DuplicateRows, type DuplicateCandidate } from './duplicate-rows.ts';
import { makeLineItemTargets, type LineItemTargets } from './line-item-targets.ts';
import { mapRow, type MappedRow } from './map-row.ts';
import { ResultGroups, type ReachingOutcome } from './result-groups.ts';
import { resultSourcedId } from './result-id.ts';
import { readRowGrade, type RowGrade, type RowGradeOptions } from './row-grade.ts';
import { outOfScopeMessage, type RunScope } from './run-scope.ts';

export interface GradeMappings {
  /** section school code -> IC class; null when unmapped. */
  classFor(sectionSchoolCode: string): { classSourcedId: string; schoolSourcedId: string } | null;
  /** false when a mapping file is in use and the school is not listed in it. */
  schoolIncluded(schoolSourcedId: string): boolean;
  /** Schoology grading period (title or ID, as in the row) -> IC term sourcedId for this school; null when unmapped. */
  termFor(gradingPeriod: string, schoolSourcedId: string): string | null;
  /** Schoology student id -> IC student sourcedId, only if the student is known in that class; null otherwise. */
  studentFor(studentId: string, classSourcedId: string): string | null;
}

export interface GradePlanOptions {
  termTaskIds: number[];
  overallTaskIds: number[];
  letterGrades: boolean;
  /** Grading period values that mark a row as the overall grade (case-insensitive). */
  overallPeriodValues: string[];
  scoreDecimals: number;
  maxScore: number;
  decimalSeparator: '.' | ',';
  teachersMustOptIn: boolean;
  postComments: boolean;
  /** false: results equal to the ledger are `unchanged` and not planned. */
  full: boolean;
  /** Limits the run; rows outside are `out-of-scope`. `school` is an IC school sourcedId. */
  scope?: RunScope;
}

export interface GradePlanInput {
  records: Iterable<ExportRecord>;
  mappings: GradeMappings;
  isOptedIn(sectionSchoolCode: string): boolean;
  lineItemsFor(classSourcedId: string): readonly LineItem[];
  isWindowOpen(lineItem: LineItem, schoolSourcedId: string): boolean;
  ledgerFor(resultSourcedId: string): { score: number; letter: string | null } | undefined;
  options: GradePlanOptions;
}

/** One per (row, line item) reached, or one per row skipped before any line item. */
export interface RowOutcome {
  line: number;
  sectionSchoolCode: string;
  studentId: string;
  gradingPeriod: string;
  classSourcedId: string | null;
  schoolSourcedId: string | null;
  /** The row's IC term; for an outcome at a line item, the line item's term. */
  termSourcedId: string | null;
  studentSourcedId: string | null;
  lineItemSourcedId: string | null;
  taskId: number | null;
  resultSourcedId: string | null;
  score: number | null;
  letter: string | null;
  /** `planned` becomes `posted` or `failed` at load. */
  outcome: 'planned' | 'unchanged' | GradeSkipReason;
  /** Why, in the admin's words, e.g. `grade "EX" is not a number`. */
  message: string | null;
}

export interface GradePlan {
  planned: PlannedResult[];
  outcomes: RowOutcome[];
  /** Data records read (rows and invalid records). */
  rows: number;
}

/** A row that passed scope, mapping and opt-in, kept until every row is read. */
interface CandidateRow extends DuplicateCandidate, MappedRow {
  sectionSchoolCode: string;
  studentId: string;
  gradingPeriod: string;
  overall: boolean;
  comment: string | null;
}

/** What screening (steps 1-4) needs: everything but the line items, windows and ledger. */
export type GradePlanScreening = Omit<GradePlanInput, 'records' | keyof GradePlanLookups>;

/** What resolving the screened rows (steps 5-7 and the plan) needs; the caller may fetch it after screening. */
export type GradePlanLookups = Pick<GradePlanInput, 'lineItemsFor' | 'isWindowOpen' | 'ledgerFor'>;

interface PlanContext {
  input: GradePlanScreening;
  options: GradePlanOptions;
  readGrade: (grade: string, letterGrade: string | undefined) => RowGrade;
  periodOf: (gradingPeriod: string) => PeriodInfo;
  intern: (value: string) => string;
  /** Line of the first term row per (class, student, term); only kept when a task is in both lists. */
  termRowLines: Map<string, number> | null;
}

interface ResolveContext extends PlanContext {
  targets: LineItemTargets;
  windowOpen: (item: LineItem, schoolSourcedId: string) => boolean;
  results: ResultGroups;
}

export function planGradePassback(input: GradePlanInput): GradePlan {
  const builder = new GradePlanBuilder(input);
  for (const record of input.records) builder.add(record);
  return builder.finish(input);
}

/**
 * The plan fed one record at a time, so a streamed export never has to be held: `add` screens each
 * record as it is read, `classes` names the IC classes whose line items `finish` will need, and
 * `finish` resolves the rows in file order. Single use.
 */
export class GradePlanBuilder {
  readonly #context: PlanContext;
  /** One entry per screened row: dropped when screening ends. */
  #duplicates: DuplicateRows | null = new DuplicateRows();
  readonly #classes = new Set<string>();
  #screened: Array<RowOutcome | CandidateRow> = [];

  constructor(input: GradePlanScreening) {
    this.#context = makePlanContext(input);
  }

  /** Data records added so far (rows and invalid records). */
  get rows(): number {
    return this.#screened.length;
  }

  add(record: ExportRecord): void {
    if (!this.#duplicates) throw new Error('GradePlanBuilder: add after finish');
    const entry =
      record.kind === 'invalid' ? invalidRecordOutcome(record.record, this.#context) : screenRow(record.row, this.#context, this.#duplicates);
    if (isCandidate(entry)) this.#classes.add(entry.classSourcedId);
    this.#screened.push(entry);
  }

  /** IC classes of the rows that passed screening: the only line items the plan reads. */
  classes(): ReadonlySet<string> {
    return this.#classes;
  }

  finish(lookups: GradePlanLookups): GradePlan {
    if (!this.#duplicates) throw new Error('GradePlanBuilder: finish called twice');
    const { options } = this.#context;
    const context: ResolveContext = {
      ...this.#context,
      targets: makeLineItemTargets(lookups.lineItemsFor, options.termTaskIds, options.overallTaskIds),
      windowOpen: cacheWindowChecks(lookups.isWindowOpen),
      results: new ResultGroups(),
    };
    const screened = this.#screened;
    this.#screened = [];
    this.#duplicates = null;
    const rows = screened.length;

    // Resolved in file order; each entry is dropped once resolved, so kept rows do not outlive their outcomes.
    const outcomes: RowOutcome[] = [];
    screened.reverse();
    for (let entry = screened.pop(); entry !== undefined; entry = screened.pop()) {
      if (isCandidate(entry)) reachLineItems(entry, context, outcomes);
      else outcomes.push(entry);
    }
    const planned = context.results.decide({ ledgerFor: lookups.ledgerFor, letterGrades: options.letterGrades, full: options.full });
    return { planned, outcomes, rows };
  }
}

function makePlanContext(input: GradePlanScreening): PlanContext {
  const { options } = input;
  const singleTermTasks = options.termTaskIds.some((id) => options.overallTaskIds.includes(id));
  return {
    input,
    options,
    readGrade: makeGradeReader({
      decimalSeparator: options.decimalSeparator,
      scoreDecimals: options.scoreDecimals,
      maxScore: options.maxScore,
      letterGrades: options.letterGrades,
    }),
    periodOf: makePeriodReader(new Set(options.overallPeriodValues.map(normalisePeriod))),
    intern: makeInterner(),
    termRowLines: singleTermTasks ? new Map() : null,
  };
}

/** An unreadable record is `invalid-row`, unless what could be read places it outside the run's scope. */
function invalidRecordOutcome(record: InvalidRecord, context: PlanContext): RowOutcome {
  const base = {
    line: record.line,
    sectionSchoolCode: record.sectionSchoolCode ?? '',
    studentId: record.studentId ?? '',
    gradingPeriod: '',
  };
  const scopeMessage =
    record.sectionSchoolCode === undefined
      ? null
      : outOfScopeMessage(context.options.scope, record.sectionSchoolCode, context.input.mappings);
  return scopeMessage === null
    ? rowSkipped(base, {}, 'invalid-row', record.message)
    : rowSkipped(base, {}, 'out-of-scope', scopeMessage);
}

/** Steps 2-4 for one row. A mapped term row is remembered for single-term tasks; a row that passes, for duplicates. */
function screenRow(row: ExportRow, context: PlanContext, duplicates: DuplicateRows): RowOutcome | CandidateRow {
  const { input, options } = context;
  const base = {
    line: row.line,
    sectionSchoolCode: context.intern(row.sectionSchoolCode),
    studentId: context.intern(row.studentId),
    gradingPeriod: context.intern(row.gradingPeriod),
  };
  const scopeMessage = outOfScopeMessage(options.scope, row.sectionSchoolCode, input.mappings);
  if (scopeMessage !== null) return rowSkipped(base, {}, 'out-of-scope', scopeMessage);

  const period = context.periodOf(base.gradingPeriod);
  const overall = period.overall;
  const mapping = mapRow(row, overall, input.mappings);
  if (!mapping.mapped) return rowSkipped(base, mapping.partial, mapping.reason, mapping.message);
  rememberTermRow(mapping.ids, row.line, context);
  if (options.teachersMustOptIn && !input.isOptedIn(row.sectionSchoolCode))
    return rowSkipped(base, mapping.ids, 'not-opted-in', `section "${row.sectionSchoolCode}" is not opted in to grade passback`);

  // Mapped IDs may be the row's own strings (identity, roster keys): shared like the row's codes.
  const { ids } = mapping;
  const candidate: CandidateRow = {
    line: base.line,
    sectionSchoolCode: base.sectionSchoolCode,
    studentId: base.studentId,
    gradingPeriod: base.gradingPeriod,
    classSourcedId: context.intern(ids.classSourcedId),
    schoolSourcedId: context.intern(ids.schoolSourcedId),
    termSourcedId: ids.termSourcedId === null ? null : context.intern(ids.termSourcedId),
    studentSourcedId: context.intern(ids.studentSourcedId),
    overall,
    grade: context.readGrade(row.grade, row.letterGrade),
    comment: options.postComments ? row.comment?.trim() || null : null,
    duplicates: null,
  };
  duplicates.add(base.sectionSchoolCode, base.studentId, period.key, candidate);
  return candidate;
}

/**
 * A mapped term row governs the overall row on the single-term line items of its term and class,
 * whatever happens to it next (not opted in, no grade, invalid, conflicting).
 */
function rememberTermRow(ids: MappedRow, line: number, context: PlanContext): void {
  if (!context.termRowLines || ids.termSourcedId === null) return;
  const key = termRowKey(ids.classSourcedId, ids.studentSourcedId, ids.termSourcedId);
  if (!context.termRowLines.has(key)) context.termRowLines.set(key, line);
}

/** Steps 5-7 for one remembered row, then one outcome per line item it reaches. */
function reachLineItems(candidate: CandidateRow, context: ResolveContext, outcomes: RowOutcome[]): void {
  const { grade } = candidate;
  if (candidate.duplicates?.conflict) {
    outcomes.push(rowSkipped(candidate, candidate, 'duplicate-conflict', candidate.duplicates.conflictMessage(), grade));
    return;
  }
  if (grade.kind === 'empty') {
    outcomes.push(rowSkipped(candidate, candidate, 'no-grade', 'the grade is empty', grade));
    return;
  }
  if (grade.kind === 'invalid' || grade.score === null) {
    outcomes.push(rowSkipped(candidate, candidate, 'invalid-grade', grade.message, grade));
    return;
  }
  const items =
    candidate.termSourcedId === null
      ? context.targets.forOverallRow(candidate.classSourcedId)
      : context.targets.forTermRow(candidate.classSourcedId, candidate.termSourcedId);
  if (items.length === 0) {
    const message = context.targets.noTaskMessage(candidate.classSourcedId, candidate.termSourcedId);
    outcomes.push(rowSkipped(candidate, candidate, 'no-task', message, grade));
    return;
  }
  for (const item of items) outcomes.push(lineItemOutcome(candidate, grade.score, item, context));
}

function lineItemOutcome(candidate: CandidateRow, score: number, item: LineItem, context: ResolveContext): RowOutcome {
  const outcome: ReachingOutcome = {
    line: candidate.line,
    sectionSchoolCode: candidate.sectionSchoolCode,
    studentId: candidate.studentId,
    gradingPeriod: candidate.gradingPeriod,
    classSourcedId: candidate.classSourcedId,
    schoolSourcedId: candidate.schoolSourcedId,
    termSourcedId: item.termSourcedId ?? candidate.termSourcedId,
    studentSourcedId: candidate.studentSourcedId,
    lineItemSourcedId: item.sourcedId,
    taskId: item.taskId,
    resultSourcedId: resultSourcedId(item.sourcedId, candidate.studentSourcedId),
    score,
    letter: candidate.grade.letter,
    outcome: 'planned',
    message: null,
  };
  const governingLine = governingTermRowLine(candidate, item, context);
  if (governingLine !== undefined)
    return withOutcome(outcome, 'superseded-by-term', `the term row at line ${governingLine} governs this line item`);
  if (!context.windowOpen(item, candidate.schoolSourcedId))
    return withOutcome(outcome, 'window-closed', `the grading window of "${item.title}" (task ${item.taskId}) is closed`);
  context.results.add(outcome, candidate.comment);
  return outcome;
}

/** For an overall row on a single-term line item: the line of the term row that governs it, if any. */
function governingTermRowLine(candidate: CandidateRow, item: LineItem, context: ResolveContext): number | undefined {
  if (!candidate.overall || !context.termRowLines || item.termSourcedId === null) return undefined;
  if (!context.targets.isSingleTermTask(item.taskId)) return undefined;
  return context.termRowLines.get(termRowKey(candidate.classSourcedId, candidate.studentSourcedId, item.termSourcedId));
}

function rowSkipped(
  base: Pick<RowOutcome, 'line' | 'sectionSchoolCode' | 'studentId' | 'gradingPeriod'>,
  ids: Partial<MappedRow>,
  reason: GradeSkipReason,
  message: string | null,
  grade?: { score: number | null; letter: string | null },
): RowOutcome {
  return {
    line: base.line,
    sectionSchoolCode: base.sectionSchoolCode,
    studentId: base.studentId,
    gradingPeriod: base.gradingPeriod,
    classSourcedId: ids.classSourcedId ?? null,
    schoolSourcedId: ids.schoolSourcedId ?? null,
    termSourcedId: ids.termSourcedId ?? null,
    studentSourcedId: ids.studentSourcedId ?? null,
    lineItemSourcedId: null,
    taskId: null,
    resultSourcedId: null,
    score: grade?.score ?? null,
    letter: grade?.letter ?? null,
    outcome: reason,
    message,
  };
}

function withOutcome(outcome: RowOutcome, reason: GradeSkipReason, message: string): RowOutcome {
  outcome.outcome = reason;
  outcome.message = message;
  return outcome;
}

function isCandidate(entry: RowOutcome | CandidateRow): entry is CandidateRow {
  return 'grade' in entry;
}

function normalisePeriod(period: string): string {
  return period.trim().toLowerCase();
}

function termRowKey(classSourcedId: string, studentSourcedId: string, termSourcedId: string): string {
  return `${classSourcedId}\u0000${studentSourcedId}\u0000${termSourcedId}`;
}

/** A window's state cannot change within one plan, so each (line item, school) is asked once. */
function cacheWindowChecks(
  isWindowOpen: (item: LineItem, schoolSourcedId: string) => boolean,
): (item: LineItem, schoolSourcedId: string) => boolean {
  const known = new Map<LineItem, Map<string, boolean>>();
  return (item, schoolSourcedId) => {
    let bySchool = known.get(item);
    if (!bySchool) {
      bySchool = new Map();
      known.set(item, bySchool);
    }
    let open = bySchool.get(schoolSourcedId);
    if (open === undefined) {
      open = isWindowOpen(item, schoolSourcedId);
      bySchool.set(schoolSourcedId, open);
    }
    return open;
  };
}

interface PeriodInfo {
  /** The period in lower case: rows for one target agree on it whatever the case. */
  key: string;
  /** An overall grade (one of `overallPeriodValues`), not a term's. */
  overall: boolean;
}

/** Periods are few and interned: each is looked at once. */
function makePeriodReader(overallPeriods: ReadonlySet<string>): (gradingPeriod: string) => PeriodInfo {
  const known = new Map<string, PeriodInfo>();
  return (gradingPeriod) => {
    let info = known.get(gradingPeriod);
    if (!info) {
      info = { key: gradingPeriod.toLowerCase(), overall: overallPeriods.has(normalisePeriod(gradingPeriod)) };
      known.set(gradingPeriod, info);
    }
    return info;
  };
}

/** Past this many distinct (grade, letter) cells, grades are read afresh for each row. */
const sharedGradesLimit = 100_000;

/**
 * Grades repeat across rows (a few thousand distinct cells in a district): rows with the same grade
 * and letter cells share one RowGrade, which is never changed, instead of holding one each.
 */
function makeGradeReader(options: RowGradeOptions): (grade: string, letterGrade: string | undefined) => RowGrade {
  const known = new Map<string, Map<string, RowGrade>>();
  let shared = 0;
  return (grade, letterGrade) => {
    const letterKey = letterGrade ?? '';
    let byLetter = known.get(grade);
    const found = byLetter?.get(letterKey);
    if (found) return found;
    const read = readRowGrade(grade, letterGrade, options);
    if (shared < sharedGradesLimit) {
      if (!byLetter) {
        byLetter = new Map();
        known.set(grade, byLetter);
      }
      byLetter.set(letterKey, read);
      shared += 1;
    }
    return read;
  };
}

/**
 * Section codes, student IDs and periods repeat across many rows, but the CSV reader gives each
 * row fresh strings; sharing one copy keeps a million outcomes' memory small.
 */
function makeInterner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}
