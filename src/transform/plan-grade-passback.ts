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
 * Records are read once (the caller may stream them). Every row is kept until all are read, because
 * a term row may come after the overall row it supersedes, and a duplicate after the row it
 * conflicts with. A million-row export must plan in flat memory, so a row is kept as a few numbers
 * in columns (its strings held once in a table), results likewise, and the outcomes are not kept
 * at all: `GradePlan.outcomes()` derives them again, in file order, as the caller stores them.
 */
import { gradeSkipReasons, type ExportRecord, type ExportRow, type GradeSkipReason, type InvalidRecord, type LineItem, type PlannedResult } from '../types.ts';
import { chunk } from '../chunk.ts';
import { ownCopy } from '../own-copy.ts';
import { ByteColumn, IndexTripleMap, IntRecords, StringTable } from './compact-columns.ts';
import { DuplicateRows, type DuplicateGroup } from './duplicate-rows.ts';
import { makeLineItemTargets, type LineItemTargets } from './line-item-targets.ts';
import { mapSectionAndPeriod, mapStudent, type MappedRow, type MappedSection } from './map-row.ts';
import { ResultTable, type ResultValue } from './result-groups.ts';
import { formatUuid, writeResultIdBytes, resultSourcedId } from './result-id.ts';
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

/** What the ledger says was last posted to one line item for one student. */
export interface LastPosted {
  lineItemSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
}

export interface GradePlanInput {
  records: Iterable<ExportRecord>;
  mappings: GradeMappings;
  isOptedIn(sectionSchoolCode: string): boolean;
  lineItemsFor(classSourcedId: string): readonly LineItem[];
  isWindowOpen(lineItem: LineItem, schoolSourcedId: string): boolean;
  /** What the ledger holds for these line items (every student's last posted result). */
  lastPosted(lineItemSourcedIds: readonly string[]): Iterable<LastPosted>;
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

/** The whole plan in memory, for small exports and tests. */
export interface GradePlanResult {
  planned: PlannedResult[];
  outcomes: RowOutcome[];
  /** Data records read (rows and invalid records). */
  rows: number;
}

/** What screening (steps 1-4) needs: everything but the line items, windows and ledger. */
export type GradePlanScreening = Omit<GradePlanInput, 'records' | 'lineItemsFor' | 'isWindowOpen' | 'lastPosted'>;

/** What resolving the screened rows (steps 5-7) needs; the caller may fetch it after screening. */
export type GradePlanLookups = Pick<GradePlanInput, 'lineItemsFor' | 'isWindowOpen'>;

export function planGradePassback(input: GradePlanInput): GradePlanResult {
  const builder = new GradePlanBuilder(input);
  for (const record of input.records) builder.add(record);
  const plan = builder.finish(input);
  if (plan.needsLedger) for (const batch of chunk(plan.lineItemsWithResults(), 500)) plan.recordLastPosted(input.lastPosted(batch));
  return { planned: [...plan.plannedResults()], outcomes: [...plan.outcomes()], rows: plan.rows };
}

/** Row kinds: 0 passed screening; otherwise 1 + the index of its skip reason. */
const candidateKind = 0;
/** The middle key of a screen in the builder's screen table. */
const screenKind = { rows: 0, invalidRecords: 1 } as const;
const skipKind = (reason: GradeSkipReason): number => gradeSkipReasons.indexOf(reason) + 1;
const none = StringTable.none;

/** A row's fields: its line, and indices into the plan's tables (`none` for null). */
const field = {
  line: 0,
  /** Index into the plan's (section, period) screens: the row's section and period, and the IDs they map to. */
  screen: 1,
  student: 2,
  studentSourcedId: 3,
  /** A skipped row's message (messages table); a candidate's grade (grades table). */
  detail: 4,
} as const;
type Field = (typeof field)[keyof typeof field];

/** Every row as one record of numbers and its kind; the few rows with a comment or duplicates, apart. */
class RowColumns {
  readonly #records = new IntRecords(Object.keys(field).length);
  readonly #kinds = new ByteColumn();
  /** Row -> comment (strings table), when comments are posted. */
  readonly comments = new Map<number, number>();
  /** Row -> duplicate group, for candidates that have duplicates. */
  readonly duplicateGroups = new Map<number, number>();

  get length(): number {
    return this.#records.length;
  }

  /** A new row, every field written at once (a million rows: one call, not one per field). */
  push(kind: number, line: number, screen: number, student: number, studentSourcedId: number, detail: number): number {
    this.#kinds.push(kind);
    const row = this.#records.push();
    const values = this.#records.values;
    const at = row * this.#records.width;
    values[at + field.line] = line;
    values[at + field.screen] = screen;
    values[at + field.student] = student;
    values[at + field.studentSourcedId] = studentSourcedId;
    values[at + field.detail] = detail;
    return row;
  }

  kind(row: number): number {
    return this.#kinds.at(row);
  }

  get(row: number, name: Field): number {
    return this.#records.get(row, name);
  }
}

/** A (section, period)'s mapped IDs as indices: class and school in the strings table, term in the terms table. */
interface IdIndices {
  classId: number;
  school: number;
  term: number;
}

const noIds: IdIndices = { classId: none, school: none, term: none };

/** What screening decided for a (section, period): its skip, and what it maps to. */
type ScreenDecision = Pick<SectionScreen, 'skip' | 'ids' | 'mapped' | 'optedIn'>;

/** Nothing mapped, not opted in, not skipped (yet). */
const unmapped: ScreenDecision = { skip: null, ids: noIds, mapped: { classSourcedId: '', schoolSourcedId: '', termSourcedId: null }, optedIn: false };

/** What screening decides for every row of one (section, period). */
interface SectionScreen {
  /** The section school code and the grading period as the rows have them (strings table). */
  section: number;
  period: number;
  /** Out of scope, or the section, school or period unmapped. */
  skip: { kind: number; message: number } | null;
  ids: IdIndices;
  mapped: MappedSection;
  optedIn: boolean;
  /** The period in lower case, for duplicates. */
  periodKey: number;
  /** The period marks overall rows. */
  overall: boolean;
  /** A row of it passed screening, so its class is among `GradePlanBuilder.classes()`. */
  classListed: boolean;
}

/** State shared by screening, resolving and the outcomes. */
class PlanState {
  readonly rows = new RowColumns();
  readonly strings = new StringTable();
  readonly terms = new StringTable();
  readonly messages = new StringTable();
  readonly grades: RowGrade[] = [];
  readonly overallPeriods: ReadonlySet<string>;
  readonly periodKeys = new StringTable();
  /** Screening's decisions per (section, period), which rows point to by index. */
  readonly screens: SectionScreen[] = [];
  /** Line of the first term row per (class, student, term); only kept when a task is in both lists. */
  readonly termRowLines: IndexTripleMap | null;
  readonly #gradeIndex = new Map<string, Map<string, number>>();
  readonly #periods = new Map<string, { key: number; overall: boolean }>();

  readonly options: GradePlanOptions;
  /**
   * The mappings and opt-ins, needed only while rows are screened: let go by `endScreening`, so that
   * a district's roster lookups are not held while a million outcomes are written.
   */
  #screening: GradePlanScreening | null;

  constructor(
    screening: GradePlanScreening,
    readonly gradeOptions: RowGradeOptions,
  ) {
    const { options } = screening;
    this.options = options;
    this.#screening = screening;
    this.overallPeriods = new Set(options.overallPeriodValues.map(normalisePeriod));
    this.termRowLines = options.termTaskIds.some((id) => options.overallTaskIds.includes(id)) ? new IndexTripleMap() : null;
  }

  get input(): GradePlanScreening {
    if (!this.#screening) throw new Error('PlanState: screening is over');
    return this.#screening;
  }

  endScreening(): void {
    this.#screening = null;
  }

  /** Grades repeat across rows (a few thousand distinct cells in a district): each is read once. */
  gradeIndex(grade: string, letterGrade: string | undefined): number {
    let byLetter = this.#gradeIndex.get(grade);
    let index = byLetter?.get(letterGrade ?? '');
    if (index === undefined) {
      // Kept for the whole run: copied once, so no chunk of the export stays alive for them.
      const text = ownCopy(grade);
      const letter = letterGrade === undefined ? undefined : ownCopy(letterGrade);
      if (!byLetter) {
        byLetter = new Map();
        this.#gradeIndex.set(text, byLetter);
      }
      index = this.grades.length;
      this.grades.push(readRowGrade(text, letter, this.gradeOptions));
      byLetter.set(letter ?? '', index);
    }
    return index;
  }

  /** Periods are few: each is looked at once. `key` indexes the period in lower case. */
  periodOf(gradingPeriod: string): { key: number; overall: boolean } {
    let info = this.#periods.get(gradingPeriod);
    if (!info) {
      info = { key: this.periodKeys.index(gradingPeriod.toLowerCase()), overall: this.overallPeriods.has(normalisePeriod(gradingPeriod)) };
      this.#periods.set(gradingPeriod, info);
    }
    return info;
  }

  gradeOf(row: number): RowGrade {
    return this.grades[this.rows.get(row, field.detail)]!;
  }

  pushRow(line: number, kind: number, screen: number, student: number, studentSourcedId: number, detail: number, comment = none): number {
    const row = this.rows.push(kind, line, screen, student, studentSourcedId, detail);
    if (comment !== none) this.rows.comments.set(row, comment);
    return row;
  }

  /** Mapped IDs as indices (`none` where absent). */
  idIndices(ids: Partial<MappedRow>): IdIndices {
    return {
      classId: this.strings.indexOrNone(ids.classSourcedId),
      school: this.strings.indexOrNone(ids.schoolSourcedId),
      term: this.terms.indexOrNone(ids.termSourcedId),
    };
  }

  screenOf(row: number): SectionScreen {
    return this.screens[this.rows.get(row, field.screen)]!;
  }

  /** A row's class, school and term as indices (`none` where unmapped, and for an invalid record). */
  idsOf(row: number): IdIndices {
    return this.screenOf(row).ids;
  }
}

/**
 * The plan fed one record at a time, so a streamed export never has to be held: `add` screens each
 * record as it is read, `classes` names the IC classes whose line items `finish` will need, and
 * `finish` resolves the rows. Single use.
 */
export class GradePlanBuilder {
  readonly #state: PlanState;
  /** Needed only while rows are read: dropped by `endRecords`. */
  #duplicates: DuplicateRows | null;
  /** The duplicate groups, once the records ended. */
  #groups: readonly DuplicateGroup[] = [];
  #finished = false;
  readonly #classes = new Set<string>();
  #candidates = 0;
  /** (section, 0, period) -> index into the state's screens; (section, 1, period) for invalid records. */
  readonly #sectionScreens = new IndexTripleMap();
  readonly #previous = new PreviousRow();

  constructor(input: GradePlanScreening) {
    const { options } = input;
    this.#state = new PlanState(input, {
      decimalSeparator: options.decimalSeparator,
      scoreDecimals: options.scoreDecimals,
      maxScore: options.maxScore,
      letterGrades: options.letterGrades,
    });
    const state = this.#state;
    this.#duplicates = new DuplicateRows((row) => ({ line: state.rows.get(row, field.line), grade: state.gradeOf(row) }));
  }

  /** Data records added so far (rows and invalid records). */
  get rows(): number {
    return this.#state.rows.length;
  }

  add(record: ExportRecord): void {
    if (!this.#duplicates) throw new Error('GradePlanBuilder: add after the records ended (endRecords or finish)');
    if (record.kind === 'invalid') this.#addInvalid(record.record);
    else this.#screen(record.row, this.#duplicates);
  }

  /** IC classes of the rows that passed screening: the only line items the plan reads. */
  classes(): ReadonlySet<string> {
    return this.#classes;
  }

  /**
   * No more records: what only screening needs (the mappings, the opt-ins and duplicate detection's
   * table, 32 MB at a million rows) is let go, so it is not held while the line items are read.
   * `finish` ends the records too.
   */
  endRecords(): void {
    if (!this.#duplicates) return;
    this.#groups = this.#duplicates.groups;
    this.#duplicates.release();
    this.#duplicates = null;
    this.#state.endScreening();
  }

  finish(lookups: GradePlanLookups): GradePlan {
    if (this.#finished) throw new Error('GradePlanBuilder: finish called twice');
    this.#finished = true;
    this.endRecords();
    return new GradePlan(this.#state, this.#groups, lookups, new ResultTable((row) => resultValue(this.#state.gradeOf(row)), this.#candidates));
  }

  /** An unreadable record is `invalid-row`, unless what could be read places it outside the run's scope. */
  #addInvalid(record: InvalidRecord): void {
    const state = this.#state;
    const section = state.strings.index(record.sectionSchoolCode ?? '');
    const student = state.strings.index(record.studentId ?? '');
    const period = state.strings.index('');
    const scopeMessage =
      record.sectionSchoolCode === undefined ? null : outOfScopeMessage(state.options.scope, record.sectionSchoolCode, state.input.mappings);
    const [kind, message] = scopeMessage === null ? [skipKind('invalid-row'), record.message] : [skipKind('out-of-scope'), scopeMessage];
    state.pushRow(record.line, kind, this.#invalidRecordScreen(section, period), student, none, state.messages.index(message));
  }

  /** Steps 2-4 for one row. A mapped term row is remembered for single-term tasks; a row that passes, for duplicates. */
  #screen(row: ExportRow, duplicates: DuplicateRows): void {
    const state = this.#state;
    const { input, options } = state;
    const previous = this.#previous;
    const sameSection = previous.section !== none && row.sectionSchoolCode === previous.sectionSchoolCode;
    const sameStudent = sameSection && row.studentId === previous.studentId;
    const section = sameSection ? previous.section : state.strings.index(row.sectionSchoolCode);
    const student = sameStudent ? previous.student : state.strings.index(row.studentId);
    const period = state.strings.index(row.gradingPeriod);
    const screenIndex = this.#screenSection(section, period);
    const screen = state.screens[screenIndex]!;
    const classSourcedId = screen.skip ? null : screen.mapped.classSourcedId;
    const known = sameStudent && classSourcedId !== null && classSourcedId === previous.classSourcedId;
    const studentSourcedId = known ? previous.studentSourcedId : classSourcedId === null ? null : input.mappings.studentFor(row.studentId, classSourcedId);
    const studentIndex = known ? previous.studentIndex : studentSourcedId === null ? none : state.strings.index(studentSourcedId);
    previous.remember(row, section, student, classSourcedId, studentSourcedId, studentIndex);
    if (screen.skip) {
      state.pushRow(row.line, screen.skip.kind, screenIndex, student, none, screen.skip.message);
      return;
    }
    if (studentSourcedId === null) {
      const unmapped = mapStudent(row.studentId, screen.mapped, input.mappings);
      const message = unmapped.mapped ? '' : unmapped.message;
      state.pushRow(row.line, skipKind('unmapped-student'), screenIndex, student, none, state.messages.index(message));
      return;
    }
    this.#rememberTermRow(screen.ids, studentIndex, row.line);
    if (options.teachersMustOptIn && !screen.optedIn) {
      const message = state.messages.index(notOptedInMessage(row.sectionSchoolCode));
      state.pushRow(row.line, skipKind('not-opted-in'), screenIndex, student, studentIndex, message);
      return;
    }
    const grade = state.gradeIndex(row.grade, row.letterGrade);
    const comment = options.postComments ? state.strings.indexOrNone(row.comment?.trim() || null) : none;
    const index = state.pushRow(row.line, candidateKind, screenIndex, student, studentIndex, grade, comment);
    this.#candidates += 1;
    if (!screen.classListed) {
      this.#classes.add(screen.mapped.classSourcedId);
      screen.classListed = true;
    }
    const joined = duplicates.add(section, student, screen.periodKey, index);
    if (joined) {
      state.rows.duplicateGroups.set(index, joined.group);
      if (joined.firstRow !== null) state.rows.duplicateGroups.set(joined.firstRow, joined.group);
    }
  }

  /**
   * Scope, section, school and period (steps 2-3 but the student) and opt-in: the same for every row
   * of a (section, period). Returns the index of its screen.
   */
  #screenSection(section: number, period: number): number {
    return this.#sectionScreens.get(section, screenKind.rows, period) ?? this.#addScreen(screenKind.rows, this.#decideScreen(section, period));
  }

  /** Invalid records keep their section and period in screens of their own, which map nothing. */
  #invalidRecordScreen(section: number, period: number): number {
    return (
      this.#sectionScreens.get(section, screenKind.invalidRecords, period) ??
      this.#addScreen(screenKind.invalidRecords, this.#newScreen(section, period, unmapped))
    );
  }

  #addScreen(kind: number, screen: SectionScreen): number {
    const index = this.#state.screens.length;
    this.#state.screens.push(screen);
    this.#sectionScreens.set(screen.section, kind, screen.period, index);
    return index;
  }

  /**
   * Every screen is made here, by one object literal: built by spreading a base and overriding
   * fields, each of a million-row plan's 33,000 screens got a hidden class of its own (10 MiB).
   */
  #newScreen(section: number, period: number, decided: ScreenDecision): SectionScreen {
    const info = this.#state.periodOf(this.#state.strings.at(period));
    return {
      section,
      period,
      skip: decided.skip,
      ids: decided.ids,
      mapped: decided.mapped,
      optedIn: decided.optedIn,
      periodKey: info.key,
      overall: info.overall,
      classListed: false,
    };
  }

  #decideScreen(section: number, period: number): SectionScreen {
    const state = this.#state;
    const { input, options } = state;
    const sectionSchoolCode = state.strings.at(section);
    const gradingPeriod = state.strings.at(period);
    const skipped = (reason: GradeSkipReason, message: string, ids: IdIndices): ScreenDecision => ({
      skip: { kind: skipKind(reason), message: state.messages.index(message) },
      ids,
      mapped: unmapped.mapped,
      optedIn: false,
    });
    const scopeMessage = outOfScopeMessage(options.scope, sectionSchoolCode, input.mappings);
    if (scopeMessage !== null) return this.#newScreen(section, period, skipped('out-of-scope', scopeMessage, noIds));
    const overall = state.periodOf(gradingPeriod).overall;
    const mapping = mapSectionAndPeriod(sectionSchoolCode, gradingPeriod, overall, input.mappings);
    if (!mapping.mapped) return this.#newScreen(section, period, skipped(mapping.reason, mapping.message, state.idIndices(mapping.partial)));
    return this.#newScreen(section, period, { skip: null, ids: state.idIndices(mapping.ids), mapped: mapping.ids, optedIn: input.isOptedIn(sectionSchoolCode) });
  }

  /**
   * A mapped term row governs the overall row on the single-term line items of its term and class,
   * whatever happens to it next (not opted in, no grade, invalid, conflicting).
   */
  #rememberTermRow(ids: IdIndices, student: number, line: number): void {
    const { termRowLines } = this.#state;
    if (!termRowLines || ids.term === none) return;
    if (termRowLines.get(ids.classId, ids.term, student) === undefined) termRowLines.set(ids.classId, ids.term, student, line);
  }
}

function notOptedInMessage(sectionSchoolCode: string): string {
  return `section "${sectionSchoolCode}" is not opted in to grade passback`;
}

/**
 * What the previous row's section and student came to. An export lists a section's rows together,
 * and a student's rows for its periods one after another: a row that repeats the one before has its
 * strings compared, not looked up again (six map lookups a row). It holds the last row's own strings,
 * so at most one chunk of the export stays alive through them, not one per row.
 */
class PreviousRow {
  /** `none` before the first row. */
  section = none;
  sectionSchoolCode = '';
  student = none;
  studentId = '';
  /** The class the student was looked up in; null when the row's screen skipped it. */
  classSourcedId: string | null = null;
  studentSourcedId: string | null = null;
  studentIndex = none;

  remember(row: ExportRow, section: number, student: number, classSourcedId: string | null, studentSourcedId: string | null, studentIndex: number): void {
    this.sectionSchoolCode = row.sectionSchoolCode;
    this.section = section;
    this.studentId = row.studentId;
    this.student = student;
    this.classSourcedId = classSourcedId;
    this.studentSourcedId = studentSourcedId;
    this.studentIndex = studentIndex;
  }
}

/** Why a candidate row reaches no line item (steps 5-7). */
interface RowStop {
  reason: GradeSkipReason;
  message: string;
}

/**
 * The line items the rows of one (section, period) reach, with what does not depend on the row
 * decided once: whether each item's window is open, and which single-term items a term row of the
 * same student could govern.
 */
interface ScreenTargets {
  /** `no-task` when the rows reach no line item. */
  stop: RowStop | null;
  /** The line items, as indices into the plan's line items. */
  items: readonly number[];
  windowOpen: readonly boolean[];
  /** Per item: the term (terms table) whose term row governs an overall row on it, or `none`. */
  governingTerm: readonly number[];
}

/** Where a candidate row's line item leads, short of the result decision: a result, a closed window, or the line of the term row that governs it. */
const reachesResult = -1;
const reachesClosedWindow = -2;

/**
 * A resolved plan: every result it would post, decided once the caller has told it what the ledger
 * holds for its line items (`lineItemsWithResults`, `recordLastPosted`), and the outcomes of every row,
 * derived on demand in file order.
 */
export class GradePlan {
  readonly rows: number;
  /** Outcomes `outcomes()` yields: one per (row, line item) reached, or per row skipped before. */
  readonly outcomeCount: number;
  readonly #state: PlanState;
  readonly #groups: readonly DuplicateGroup[];
  readonly #targets: LineItemTargets;
  readonly #windowOpen: (item: LineItem, schoolSourcedId: string) => boolean;
  readonly #items: LineItem[] = [];
  readonly #itemIndex = new Map<LineItem, number>();
  /** Made once resolving has listed every line item, for the ledger's answers. */
  #itemBySourcedId: Map<string, number> | undefined;
  readonly #results: ResultTable;
  /**
   * Outcome (by its place in `outcomes()`) -> the result it reaches, for the few that reach a result
   * an earlier outcome made (rows agreeing on a target). Every other reaching outcome makes the next
   * result, so `outcomes()` counts its way through them instead of looking each one up.
   */
  readonly #repeats = new Map<number, number>();
  /** The outcomes or planned results were read, so the ledger can no longer change them. */
  #ledgerClosed = false;
  /**
   * Each result's ID, 16 bytes, made when the outcomes or the planned results first need them: after
   * the plan is resolved and its ledger read, and once for both (a million cost a second in situ).
   */
  #resultIds: Uint8Array | undefined;
  /** Per screen, made when a row of it first needs them. */
  readonly #screenTargets: (ScreenTargets | undefined)[] = [];

  constructor(state: PlanState, groups: readonly DuplicateGroup[], lookups: GradePlanLookups, results: ResultTable) {
    this.#state = state;
    this.#groups = groups;
    const { options } = state;
    this.#targets = makeLineItemTargets(lookups.lineItemsFor, options.termTaskIds, options.overallTaskIds);
    this.#windowOpen = cacheWindowChecks(lookups.isWindowOpen);
    this.#results = results;
    this.rows = state.rows.length;
    this.outcomeCount = this.#resolve();
  }

  /** A scheduled run compares each result with the ledger; a full run sends them all. */
  get needsLedger(): boolean {
    return !this.#state.options.full;
  }

  /** Results the plan would post (not conflicting, not equal to the ledger). */
  get plannedCount(): number {
    let count = 0;
    for (let result = 0; result < this.#results.size; result++) if (this.#isPlanned(result)) count++;
    return count;
  }

  /**
   * The sourcedIds of the line items results were planned on, for the caller to read what the ledger
   * holds for them. Asking by line item, not by result, reads only what was posted: nothing on a
   * term's first run, where a million result IDs would find no entry.
   */
  lineItemsWithResults(): string[] {
    const withResults = new Uint8Array(this.#items.length);
    for (let result = 0; result < this.#results.size; result++) withResults[this.#results.lineItemOf(result)] = 1;
    return this.#items.filter((_item, index) => withResults[index] === 1).map((item) => item.sourcedId);
  }

  /** What the ledger holds for some of the plan's line items. Results equal to it are `unchanged`. */
  recordLastPosted(entries: Iterable<LastPosted>): void {
    if (this.#ledgerClosed) throw new Error('GradePlan: the ledger must be recorded before the outcomes or planned results are read');
    if (!this.needsLedger) return;
    const { letterGrades } = this.#state.options;
    const itemBySourcedId = (this.#itemBySourcedId ??= new Map(this.#items.map((item, index) => [item.sourcedId, index])));
    // A line item's entries come together: its index is looked up once, not once per student.
    let itemSourcedId: string | undefined;
    let item: number | undefined;
    for (const last of entries) {
      if (last.lineItemSourcedId !== itemSourcedId) {
        itemSourcedId = last.lineItemSourcedId;
        item = itemBySourcedId.get(itemSourcedId);
      }
      const student = this.#state.strings.find(last.studentSourcedId);
      if (item === undefined || student === none) continue;
      const result = this.#results.find(item, student);
      if (result === undefined) continue;
      const grade = this.#state.gradeOf(this.#results.firstRowOf(result));
      if (last.score === grade.score && (!letterGrades || last.letter === grade.letter)) this.#results.markUnchanged(result);
    }
  }

  /** The results to send, in the order rows first reached them. */
  *plannedResults(): Generator<PlannedResult> {
    this.#closeLedger();
    const { strings, rows } = this.#state;
    for (let result = 0; result < this.#results.size; result++) {
      if (!this.#isPlanned(result)) continue;
      const first = this.#results.firstRowOf(result);
      const value = resultValue(this.#state.gradeOf(first));
      yield {
        resultSourcedId: this.#resultId(result),
        lineItemSourcedId: this.#items[this.#results.lineItemOf(result)]!.sourcedId,
        classSourcedId: strings.at(this.#state.idsOf(first).classId),
        studentSourcedId: strings.at(rows.get(first, field.studentSourcedId)),
        score: value.score,
        letter: value.letter,
        comment: strings.atOrNull(rows.comments.get(first) ?? none),
      };
    }
  }

  /** Every outcome, in file order (a row's line items in the order IC lists them). */
  *outcomes(): Generator<RowOutcome> {
    this.#closeLedger();
    const { rows } = this.#state;
    // Outcomes in the order #resolve counted them; results in the order it made them.
    let ordinal = 0;
    let nextResult = 0;
    for (let row = 0; row < this.rows; row++) {
      const kind = rows.kind(row);
      if (kind !== candidateKind) {
        ordinal++;
        yield this.#rowOutcome(row, gradeSkipReasons[kind - 1]!, this.#state.messages.at(rows.get(row, field.detail)));
        continue;
      }
      const reached = this.#reachedTargets(row);
      if ('reason' in reached) {
        ordinal++;
        yield this.#rowOutcome(row, reached.reason, reached.message, this.#state.gradeOf(row));
        continue;
      }
      for (let at = 0; at < reached.items.length; at++) {
        const reach = this.#reach(row, reached, at);
        let result: number | null = null;
        if (reach === reachesResult) {
          result = this.#repeats.get(ordinal) ?? nextResult++;
          if (this.#results.lineItemOf(result) !== reached.items[at]) throw new Error('GradePlan: outcomes and results out of step');
        }
        ordinal++;
        yield this.#lineItemOutcome(row, reached, at, reach, result);
      }
    }
  }

  #closeLedger(): void {
    if (this.#ledgerClosed) return;
    this.#ledgerClosed = true;
    this.#results.endLookups();
  }

  /** Counts and remembers every result; returns how many outcomes there are. */
  #resolve(): number {
    const { rows } = this.#state;
    let outcomes = 0;
    for (let row = 0; row < this.rows; row++) {
      const reached = rows.kind(row) === candidateKind ? this.#reachedTargets(row) : null;
      if (reached === null || 'reason' in reached) {
        outcomes += 1;
        continue;
      }
      const student = rows.get(row, field.studentSourcedId);
      for (let at = 0; at < reached.items.length; at++) {
        const ordinal = outcomes++;
        if (this.#reach(row, reached, at) !== reachesResult) continue;
        const made = this.#results.size;
        const result = this.#results.reach(reached.items[at]!, student, row);
        if (result !== made) this.#repeats.set(ordinal, result);
      }
    }
    return outcomes;
  }

  /** Steps 5-7 for a candidate row: the line items it reaches, or why it reaches none. */
  #reachedTargets(row: number): ScreenTargets | RowStop {
    const { rows } = this.#state;
    const group = rows.duplicateGroups.get(row);
    if (group !== undefined && this.#groups[group]?.conflict) return { reason: 'duplicate-conflict', message: this.#groups[group].conflictMessage() };
    const grade = this.#state.gradeOf(row);
    if (grade.kind === 'empty') return { reason: 'no-grade', message: 'the grade is empty' };
    if (grade.kind === 'invalid' || grade.score === null) return { reason: 'invalid-grade', message: grade.message ?? 'the grade is not a number' };
    const screen = rows.get(row, field.screen);
    const targets = this.#screenTargets[screen] ?? this.#makeScreenTargets(screen);
    return targets.stop ?? targets;
  }

  #makeScreenTargets(screenIndex: number): ScreenTargets {
    const { strings, terms, termRowLines } = this.#state;
    const screen = this.#state.screens[screenIndex]!;
    const classSourcedId = strings.at(screen.ids.classId);
    const term = terms.atOrNull(screen.ids.term);
    const items = term === null ? this.#targets.forOverallRow(classSourcedId) : this.#targets.forTermRow(classSourcedId, term);
    const school = strings.at(screen.ids.school);
    const targets: ScreenTargets = {
      stop: items.length === 0 ? { reason: 'no-task', message: this.#targets.noTaskMessage(classSourcedId, term) } : null,
      items: items.map((item) => this.#indexOf(item)),
      windowOpen: items.map((item) => this.#windowOpen(item, school)),
      // An overall row on a single-term line item is governed by a term row of its term and class.
      governingTerm: items.map((item) =>
        termRowLines && screen.overall && item.termSourcedId !== null && this.#targets.isSingleTermTask(item.taskId) ? terms.find(item.termSourcedId) : none,
      ),
    };
    this.#screenTargets[screenIndex] = targets;
    return targets;
  }

  /** Where a candidate row leads at its `at`-th line item: `reachesResult`, `reachesClosedWindow`, or the governing term row's line. */
  #reach(row: number, targets: ScreenTargets, at: number): number {
    const term = targets.governingTerm[at]!;
    if (term !== none) {
      const { rows, termRowLines } = this.#state;
      const line = termRowLines?.get(this.#state.idsOf(row).classId, term, rows.get(row, field.studentSourcedId));
      if (line !== undefined) return line;
    }
    return targets.windowOpen[at] ? reachesResult : reachesClosedWindow;
  }

  /** `reach`: where the line item leads (`#reach`); `result`: the result it reaches, if it does. */
  #lineItemOutcome(row: number, targets: ScreenTargets, at: number, reach: number, result: number | null): RowOutcome {
    const { rows, strings, terms } = this.#state;
    const item = this.#items[targets.items[at]!]!;
    const grade = this.#state.gradeOf(row);
    const outcome = this.#rowOutcome(row, 'planned', null, grade);
    outcome.termSourcedId = item.termSourcedId ?? terms.atOrNull(this.#state.idsOf(row).term);
    outcome.lineItemSourcedId = item.sourcedId;
    outcome.taskId = item.taskId;
    // An outcome that reaches no result (window closed, superseded) still names the ID it would have.
    outcome.resultSourcedId = result === null ? resultSourcedId(item.sourcedId, strings.at(rows.get(row, field.studentSourcedId))) : this.#resultId(result);
    if (reach >= 0) return withOutcome(outcome, 'superseded-by-term', `the term row at line ${reach} governs this line item`);
    if (reach === reachesClosedWindow) return withOutcome(outcome, 'window-closed', `the grading window of "${item.title}" (task ${item.taskId}) is closed`);
    if (result === null) throw new Error('GradePlan: a reaching outcome has no result');
    if (this.#results.isConflict(result)) return withOutcome(outcome, 'duplicate-conflict', this.#results.conflictMessage(result, (r) => rows.get(r, field.line)));
    const first = this.#results.firstRowOf(result);
    const note = first === row ? null : `same grade as line ${rows.get(first, field.line)}`;
    if (this.#results.isUnchanged(result)) return withOutcome(outcome, 'unchanged', note ? `${note}; equal to what was last posted` : 'equal to what was last posted');
    outcome.message = note ? `${note}; posted once` : null;
    return outcome;
  }

  #rowOutcome(row: number, outcome: RowOutcome['outcome'], message: string | null, grade?: RowGrade): RowOutcome {
    const { rows, strings, terms } = this.#state;
    const screen = this.#state.screenOf(row);
    const { ids } = screen;
    return {
      line: rows.get(row, field.line),
      sectionSchoolCode: strings.at(screen.section),
      studentId: strings.at(rows.get(row, field.student)),
      gradingPeriod: strings.at(screen.period),
      classSourcedId: strings.atOrNull(ids.classId),
      schoolSourcedId: strings.atOrNull(ids.school),
      termSourcedId: terms.atOrNull(ids.term),
      studentSourcedId: strings.atOrNull(rows.get(row, field.studentSourcedId)),
      lineItemSourcedId: null,
      taskId: null,
      resultSourcedId: null,
      score: grade?.score ?? null,
      letter: grade?.letter ?? null,
      outcome,
      message,
    };
  }

  #resultId(result: number): string {
    this.#resultIds ??= this.#makeResultIds();
    return formatUuid(this.#resultIds, result * 16);
  }

  #makeResultIds(): Uint8Array {
    const { strings, rows } = this.#state;
    const ids = new Uint8Array(this.#results.size * 16);
    for (let result = 0; result < this.#results.size; result++) {
      const student = strings.at(rows.get(this.#results.firstRowOf(result), field.studentSourcedId));
      writeResultIdBytes(this.#items[this.#results.lineItemOf(result)]!.sourcedId, student, ids, result * 16);
    }
    return ids;
  }

  #isPlanned(result: number): boolean {
    return !this.#results.isConflict(result) && !this.#results.isUnchanged(result);
  }

  #indexOf(item: LineItem): number {
    let index = this.#itemIndex.get(item);
    if (index === undefined) {
      index = this.#items.length;
      this.#items.push(item);
      this.#itemIndex.set(item, index);
    }
    return index;
  }
}

/** The value a row with a score would post (only called for rows with a score). */
function resultValue(grade: RowGrade): ResultValue {
  return { score: grade.score ?? Number.NaN, letter: grade.letter };
}

function withOutcome(outcome: RowOutcome, reason: RowOutcome['outcome'], message: string): RowOutcome {
  outcome.outcome = reason;
  outcome.message = message;
  return outcome;
}

function normalisePeriod(period: string): string {
  return period.trim().toLowerCase();
}

/**
 * A window's state cannot change within one plan, so each (line item, school) is asked once. Keyed by
 * school first: schools are few, line items many (a Map per line item cost 6 MiB at 33,000).
 */
function cacheWindowChecks(
  isWindowOpen: (item: LineItem, schoolSourcedId: string) => boolean,
): (item: LineItem, schoolSourcedId: string) => boolean {
  const known = new Map<string, Map<LineItem, boolean>>();
  return (item, schoolSourcedId) => {
    let byItem = known.get(schoolSourcedId);
    if (!byItem) {
      byItem = new Map();
      known.set(schoolSourcedId, byItem);
    }
    let open = byItem.get(item);
    if (open === undefined) {
      open = isWindowOpen(item, schoolSourcedId);
      byItem.set(item, open);
    }
    return open;
  };
}
