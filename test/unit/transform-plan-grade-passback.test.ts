import { describe, expect, it } from 'vitest';
import { countOutcomes } from '../../src/transform/count-outcomes.ts';
import {
  planGradePassback,
  type GradeMappings,
  type GradePlanResult,
  type GradePlanInput,
  type GradePlanOptions,
  type LastPosted,
  type RowOutcome,
} from '../../src/transform/plan-grade-passback.ts';
import { resultSourcedId } from '../../src/transform/result-id.ts';
import type { ExportRecord, ExportRow, LineItem } from '../../src/types.ts';

/*
 * The district in these tests:
 * - school sch-1 (listed in the mapping file) and sch-2 (not listed);
 * - sections S1 and S1-X (cross-listed) -> class cls-1, S2 -> cls-2 (both sch-1), S3 -> cls-3 (sch-2);
 * - periods Q1 and "Quarter 1" -> term t-q1, Q2 -> t-q2 (any case), for sch-1 only;
 * - students u1 and u1-alt -> stu-1 (every class), u2 -> stu-2 (cls-1 only);
 * - term task 101, overall task 201, unless a test says otherwise.
 */
const classes: Record<string, { classSourcedId: string; schoolSourcedId: string }> = {
  S1: { classSourcedId: 'cls-1', schoolSourcedId: 'sch-1' },
  'S1-X': { classSourcedId: 'cls-1', schoolSourcedId: 'sch-1' },
  S2: { classSourcedId: 'cls-2', schoolSourcedId: 'sch-1' },
  S3: { classSourcedId: 'cls-3', schoolSourcedId: 'sch-2' },
};
const terms: Record<string, string> = { q1: 't-q1', 'quarter 1': 't-q1', q2: 't-q2' };

const mappings: GradeMappings = {
  classFor: (section) => classes[section] ?? null,
  schoolIncluded: (school) => school === 'sch-1',
  termFor: (period, school) => (school === 'sch-1' ? (terms[period.toLowerCase()] ?? null) : null),
  studentFor: (student, cls) => {
    if (student === 'u1' || student === 'u1-alt') return 'stu-1';
    if (student === 'u2' && cls === 'cls-1') return 'stu-2';
    return null;
  },
};

function lineItem(sourcedId: string, classSourcedId: string, taskId: number | null, termSourcedId: string | null): LineItem {
  return { sourcedId, classSourcedId, title: `${sourcedId} title`, taskId, termSourcedId, windowOpenFlag: true };
}

const standardLineItems: LineItem[] = [
  lineItem('li-1-q1', 'cls-1', 101, 't-q1'),
  lineItem('li-1-q2', 'cls-1', 101, 't-q2'),
  lineItem('li-1-final', 'cls-1', 201, 't-q2'),
  lineItem('li-1-other-task', 'cls-1', 999, 't-q1'),
  lineItem('li-1-no-task', 'cls-1', null, 't-q1'),
  lineItem('li-2-q1', 'cls-2', 101, 't-q1'),
];

const defaultOptions: GradePlanOptions = {
  termTaskIds: [101],
  overallTaskIds: [201],
  letterGrades: false,
  overallPeriodValues: ['Final', 'Overall', 'Course Overall'],
  scoreDecimals: 2,
  maxScore: 100,
  decimalSeparator: '.',
  teachersMustOptIn: false,
  postComments: false,
  full: false,
};

type RowInput = Partial<ExportRow> | { invalid: string; sectionSchoolCode?: string; studentId?: string };

interface World {
  lineItems?: LineItem[];
  options?: Partial<GradePlanOptions>;
  optedIn?: string[];
  closedLineItems?: string[];
  ledger?: LastPosted[];
}

/** Rows get lines 2, 3, ... in order (the header is line 1), and S1 / u1 / Q1 / 95 unless given. */
function records(rows: RowInput[]): ExportRecord[] {
  return rows.map((row, index): ExportRecord => {
    const line = index + 2;
    if ('invalid' in row) {
      const { invalid, ...ids } = row;
      return { kind: 'invalid', record: { line, message: invalid, ...ids } };
    }
    return {
      kind: 'row',
      row: { line, sectionSchoolCode: 'S1', studentId: 'u1', gradingPeriod: 'Q1', grade: '95', ...row },
    };
  });
}

function inputFor(rows: RowInput[], world: World = {}): GradePlanInput {
  const items = world.lineItems ?? standardLineItems;
  const optedIn = new Set(world.optedIn ?? []);
  const closed = new Set(world.closedLineItems ?? []);
  return {
    records: records(rows),
    mappings,
    isOptedIn: (section) => optedIn.has(section),
    lineItemsFor: (cls) => items.filter((item) => item.classSourcedId === cls),
    isWindowOpen: (item) => !closed.has(item.sourcedId),
    lastPosted: (items) => (world.ledger ?? []).filter((entry) => items.includes(entry.lineItemSourcedId)),
    options: { ...defaultOptions, ...world.options },
  };
}

function plan(rows: RowInput[], world: World = {}): GradePlanResult {
  return planGradePassback(inputFor(rows, world));
}

/** The essentials of each outcome, for table assertions. */
function brief(outcomes: RowOutcome[]): Array<[number, string | null, string]> {
  return outcomes.map((o) => [o.line, o.lineItemSourcedId, o.outcome]);
}

describe('mapping checks, in the design order', () => {
  it.each([
    {
      name: 'an unknown section is unmapped-section, before anything else',
      row: { sectionSchoolCode: 'NOPE', gradingPeriod: 'Q9', studentId: 'nobody', grade: 'EX' },
      outcome: 'unmapped-section',
      message: 'section "NOPE" matches no IC class',
      ids: { classSourcedId: null, schoolSourcedId: null },
    },
    {
      name: 'a school not in the mapping file is school-not-included, before the period and student',
      row: { sectionSchoolCode: 'S3', gradingPeriod: 'Q9', studentId: 'nobody' },
      outcome: 'school-not-included',
      message: 'school sch-2 is not listed in the mapping file',
      ids: { classSourcedId: 'cls-3', schoolSourcedId: 'sch-2' },
    },
    {
      name: 'an unmapped period is unmapped-term, before the student',
      row: { gradingPeriod: 'Q5', studentId: 'nobody' },
      outcome: 'unmapped-term',
      message: 'period "Q5" has no IC term for school sch-1',
      ids: { classSourcedId: 'cls-1', schoolSourcedId: 'sch-1', termSourcedId: null },
    },
    {
      name: 'a student unknown in the class is unmapped-student',
      row: { studentId: 'nobody' },
      outcome: 'unmapped-student',
      message: 'student "nobody" is not known in IC class cls-1',
      ids: { classSourcedId: 'cls-1', termSourcedId: 't-q1', studentSourcedId: null },
    },
    {
      name: 'a student known in another class only is unmapped-student',
      row: { sectionSchoolCode: 'S2', studentId: 'u2' },
      outcome: 'unmapped-student',
      message: 'student "u2" is not known in IC class cls-2',
      ids: { classSourcedId: 'cls-2' },
    },
  ])('$name', ({ row, outcome, message, ids }) => {
    const result = plan([row]);
    expect(result.planned).toEqual([]);
    expect(result.outcomes).toHaveLength(1);
    expect(result.outcomes[0]).toMatchObject({ line: 2, outcome, message, lineItemSourcedId: null, ...ids });
  });

  it.each(['Final', 'overall', '  COURSE OVERALL '])('an overall row (%j) skips the period mapping', (period) => {
    const result = plan([{ gradingPeriod: period, grade: '88' }]);
    expect(brief(result.outcomes)).toEqual([[2, 'li-1-final', 'planned']]);
    expect(result.outcomes[0]).toMatchObject({ gradingPeriod: period, termSourcedId: 't-q2', studentSourcedId: 'stu-1' });
  });

  it('honours configured overall period values', () => {
    const result = plan([{ gradingPeriod: 'Year' }, { gradingPeriod: 'Final' }], {
      options: { overallPeriodValues: ['Year'] },
    });
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-1-final', 'planned'],
      [3, null, 'unmapped-term'],
    ]);
  });
});

describe('opt-in', () => {
  it.each([
    { mustOptIn: true, optedIn: [], section: 'S1', outcome: 'not-opted-in' },
    { mustOptIn: true, optedIn: ['S1'], section: 'S1', outcome: 'planned' },
    { mustOptIn: true, optedIn: ['S1'], section: 'S1-X', outcome: 'not-opted-in' },
    { mustOptIn: false, optedIn: [], section: 'S1', outcome: 'planned' },
    { mustOptIn: true, optedIn: [], section: 'NOPE', outcome: 'unmapped-section' },
    { mustOptIn: true, optedIn: [], section: 'S3', outcome: 'school-not-included' },
  ])('teachers must opt in: $mustOptIn, opted in: $optedIn, section $section -> $outcome', ({ mustOptIn, optedIn, section, outcome }) => {
    const result = plan([{ sectionSchoolCode: section }], { options: { teachersMustOptIn: mustOptIn }, optedIn });
    expect(result.outcomes.map((o) => o.outcome)).toEqual([outcome]);
  });

  it('names the section, and keeps the mapped IDs', () => {
    const result = plan([{}], { options: { teachersMustOptIn: true } });
    expect(result.outcomes[0]).toMatchObject({
      outcome: 'not-opted-in',
      message: 'section "S1" is not opted in to grade passback',
      classSourcedId: 'cls-1',
      studentSourcedId: 'stu-1',
    });
  });

  it('comes before the grade check', () => {
    const result = plan([{ grade: 'EX' }], { options: { teachersMustOptIn: true } });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['not-opted-in']);
  });
});

describe('grades', () => {
  it.each([
    { grade: '', outcome: 'no-grade', message: 'the grade is empty', score: null },
    { grade: '   ', outcome: 'no-grade', message: 'the grade is empty', score: null },
    { grade: 'EX', outcome: 'invalid-grade', message: 'grade "EX" is not a number', score: null },
    { grade: 'INC', outcome: 'invalid-grade', message: 'grade "INC" is not a number', score: null },
    { grade: '-', outcome: 'invalid-grade', message: 'grade "-" is not a number', score: null },
    { grade: '101', outcome: 'invalid-grade', message: 'grade "101" is above the maximum score 100', score: null },
    { grade: '2.675', outcome: 'planned', message: null, score: 2.68 },
    { grade: '89.995 %', outcome: 'planned', message: null, score: 90 },
  ])('grade $grade -> $outcome', ({ grade, outcome, message, score }) => {
    const result = plan([{ grade }]);
    expect(result.outcomes).toHaveLength(1);
    expect(result.outcomes[0]).toMatchObject({ outcome, message, score });
    expect(result.planned.map((p) => p.score)).toEqual(score === null ? [] : [score]);
  });

  it('a letter with an empty grade is no-grade: a score is never derived from a letter', () => {
    const result = plan([{ grade: '', letterGrade: 'A' }], { options: { letterGrades: true } });
    expect(result.outcomes[0]).toMatchObject({ outcome: 'no-grade', letter: 'A' });
    expect(result.planned).toEqual([]);
  });

  it.each([
    { letterGrades: true, letterGrade: 'A-', letter: 'A-' },
    { letterGrades: true, letterGrade: '  B+ ', letter: 'B+' },
    { letterGrades: true, letterGrade: '', letter: null },
    { letterGrades: true, letterGrade: undefined, letter: null },
    { letterGrades: false, letterGrade: 'A-', letter: null },
  ])('letter grades $letterGrades, letter $letterGrade -> sends $letter', ({ letterGrades, letterGrade, letter }) => {
    const row: Partial<ExportRow> = letterGrade === undefined ? { grade: '91' } : { grade: '91', letterGrade };
    const result = plan([row], { options: { letterGrades } });
    expect(result.planned).toEqual([expect.objectContaining({ score: 91, letter })]);
    expect(result.outcomes[0]).toMatchObject({ outcome: 'planned', score: 91, letter });
  });

  it('reads the comma decimal separator when configured', () => {
    const result = plan([{ grade: '92,5' }, { studentId: 'u2', grade: '92.5' }], { options: { decimalSeparator: ',' } });
    expect(result.outcomes.map((o) => [o.outcome, o.score])).toEqual([
      ['planned', 92.5],
      ['invalid-grade', null],
    ]);
  });
});

describe('invalid records', () => {
  it('are invalid-row with the reader message, and count as rows', () => {
    const result = plan([{ invalid: 'expected 6 fields, found 4', sectionSchoolCode: 'S1' }, {}]);
    expect(result.rows).toBe(2);
    expect(result.outcomes[0]).toEqual({
      line: 2,
      sectionSchoolCode: 'S1',
      studentId: '',
      gradingPeriod: '',
      classSourcedId: null,
      schoolSourcedId: null,
      termSourcedId: null,
      studentSourcedId: null,
      lineItemSourcedId: null,
      taskId: null,
      resultSourcedId: null,
      score: null,
      letter: null,
      outcome: 'invalid-row',
      message: 'expected 6 fields, found 4',
    });
    expect(result.outcomes[1]?.outcome).toBe('planned');
  });
});

describe('scope of a full run', () => {
  const rows: RowInput[] = [
    { sectionSchoolCode: 'S1' },
    { sectionSchoolCode: 'S2' },
    { sectionSchoolCode: 'S3' },
    { sectionSchoolCode: 'NOPE' },
    { invalid: 'bad quoting', sectionSchoolCode: 'S2' },
    { invalid: 'bad quoting' },
  ];

  it.each([
    {
      scope: { section: 'S2' },
      outcomes: ['out-of-scope', 'planned', 'out-of-scope', 'out-of-scope', 'invalid-row', 'invalid-row'],
    },
    {
      scope: { teacherSections: new Set(['S1', 'S3']) },
      outcomes: ['planned', 'out-of-scope', 'school-not-included', 'out-of-scope', 'out-of-scope', 'invalid-row'],
    },
    {
      // An unmapped section cannot be placed in a school: it stays unmapped-section.
      scope: { school: 'sch-2' },
      outcomes: ['out-of-scope', 'out-of-scope', 'school-not-included', 'unmapped-section', 'out-of-scope', 'invalid-row'],
    },
    {
      scope: { school: 'sch-1' },
      outcomes: ['planned', 'planned', 'out-of-scope', 'unmapped-section', 'invalid-row', 'invalid-row'],
    },
    {
      scope: {},
      outcomes: ['planned', 'planned', 'school-not-included', 'unmapped-section', 'invalid-row', 'invalid-row'],
    },
  ])('scope $scope', ({ scope, outcomes }) => {
    const result = plan(rows, { options: { full: true, scope } });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(outcomes);
  });

  it('says which scope excluded the row', () => {
    const result = plan([{ sectionSchoolCode: 'S1' }], { options: { scope: { section: 'S2' } } });
    expect(result.outcomes[0]?.message).toBe('the run is limited to section "S2"');
  });
});

describe('line item targeting', () => {
  it('a term row goes to every term-task line item of its term, in its class only', () => {
    const items = [
      lineItem('li-q1-a', 'cls-1', 101, 't-q1'),
      lineItem('li-q1-b', 'cls-1', 102, 't-q1'),
      lineItem('li-q2', 'cls-1', 101, 't-q2'),
      lineItem('li-final', 'cls-1', 201, 't-q1'),
      lineItem('li-other-class', 'cls-2', 101, 't-q1'),
      lineItem('li-no-term', 'cls-1', 101, null),
    ];
    const result = plan([{}], { lineItems: items, options: { termTaskIds: [101, 102] } });
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-q1-a', 'planned'],
      [2, 'li-q1-b', 'planned'],
    ]);
    expect(result.outcomes.map((o) => o.taskId)).toEqual([101, 102]);
    expect(result.planned.map((p) => p.lineItemSourcedId)).toEqual(['li-q1-a', 'li-q1-b']);
  });

  it('an overall row goes to every overall-task line item of its class, whatever the term', () => {
    const items = [
      lineItem('li-final-s1', 'cls-1', 201, 't-s1'),
      lineItem('li-final-s2', 'cls-1', 201, 't-s2'),
      lineItem('li-final-no-term', 'cls-1', 202, null),
      lineItem('li-q1', 'cls-1', 101, 't-q1'),
    ];
    const result = plan([{ gradingPeriod: 'Final' }], { lineItems: items, options: { overallTaskIds: [201, 202] } });
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-final-s1', 'planned'],
      [2, 'li-final-s2', 'planned'],
      [2, 'li-final-no-term', 'planned'],
    ]);
    expect(result.outcomes.map((o) => o.termSourcedId)).toEqual(['t-s1', 't-s2', null]);
  });

  it.each([
    {
      name: 'a term with no line item',
      row: { gradingPeriod: 'Q2', sectionSchoolCode: 'S2' },
      options: {},
      message: 'class cls-2 has no line item for term task 101 in term t-q2',
    },
    {
      name: 'an overall row in a class without overall items',
      row: { gradingPeriod: 'Final', sectionSchoolCode: 'S2' },
      options: {},
      message: 'class cls-2 has no line item for overall task 201',
    },
    {
      name: 'term rows when no term task is configured',
      row: {},
      options: { termTaskIds: [] },
      message: 'no term grading tasks are configured (termTaskIds is empty)',
    },
    {
      name: 'overall rows when no overall task is configured',
      row: { gradingPeriod: 'Final' },
      options: { overallTaskIds: [] },
      message: 'no overall grading tasks are configured (overallTaskIds is empty)',
    },
  ])('no-task: $name', ({ row, options, message }) => {
    const result = plan([row], { options });
    expect(result.outcomes).toHaveLength(1);
    expect(result.outcomes[0]).toMatchObject({ outcome: 'no-task', message, lineItemSourcedId: null, score: 95 });
  });

  it('window-closed is decided per line item, with the school of the class', () => {
    const items = [lineItem('li-q1-a', 'cls-1', 101, 't-q1'), lineItem('li-q1-b', 'cls-1', 102, 't-q1')];
    const asked: Array<[string, string]> = [];
    const input = inputFor([{}, { studentId: 'u2' }], { lineItems: items, options: { termTaskIds: [101, 102] } });
    input.isWindowOpen = (item, school) => {
      asked.push([item.sourcedId, school]);
      return item.sourcedId === 'li-q1-b';
    };
    const result = planGradePassback(input);
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-q1-a', 'window-closed'],
      [2, 'li-q1-b', 'planned'],
      [3, 'li-q1-a', 'window-closed'],
      [3, 'li-q1-b', 'planned'],
    ]);
    expect(result.outcomes[0]?.message).toBe('the grading window of "li-q1-a title" (task 101) is closed');
    expect(asked).toEqual([
      ['li-q1-a', 'sch-1'],
      ['li-q1-b', 'sch-1'],
    ]);
    expect(result.planned.map((p) => p.studentSourcedId)).toEqual(['stu-1', 'stu-2']);
  });
});

describe('a task in both lists (single-term course)', () => {
  const items = [
    lineItem('li-q1', 'cls-1', 301, 't-q1'),
    lineItem('li-q2', 'cls-1', 301, 't-q2'),
    lineItem('li-year', 'cls-1', 201, 't-q2'),
  ];
  const options = { termTaskIds: [301], overallTaskIds: [301, 201] };

  it.each([
    {
      name: 'a term row governs its term; the overall row still goes to the other term and the overall-only task',
      rows: [{ gradingPeriod: 'Q1', grade: '91' }, { gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, 'li-q1', 'planned'],
        [3, 'li-q1', 'superseded-by-term'],
        [3, 'li-q2', 'planned'],
        [3, 'li-year', 'planned'],
      ],
      planned: [['li-q1', 91], ['li-q2', 88], ['li-year', 88]],
    },
    {
      name: 'a term row later in the file governs too',
      rows: [{ gradingPeriod: 'Final', grade: '88' }, { gradingPeriod: 'q2', grade: '77' }],
      expected: [
        [2, 'li-q1', 'planned'],
        [2, 'li-q2', 'superseded-by-term'],
        [2, 'li-year', 'planned'],
        [3, 'li-q2', 'planned'],
      ],
      planned: [['li-q1', 88], ['li-year', 88], ['li-q2', 77]],
    },
    {
      name: 'a term row with an invalid grade governs: nothing is posted for its line item',
      rows: [{ gradingPeriod: 'Q1', grade: 'EX' }, { gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, null, 'invalid-grade'],
        [3, 'li-q1', 'superseded-by-term'],
        [3, 'li-q2', 'planned'],
        [3, 'li-year', 'planned'],
      ],
      planned: [['li-q2', 88], ['li-year', 88]],
    },
    {
      name: 'a term row with no grade governs',
      rows: [{ gradingPeriod: 'Q1', grade: '' }, { gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, null, 'no-grade'],
        [3, 'li-q1', 'superseded-by-term'],
        [3, 'li-q2', 'planned'],
        [3, 'li-year', 'planned'],
      ],
      planned: [['li-q2', 88], ['li-year', 88]],
    },
    {
      name: 'conflicting term rows govern',
      rows: [
        { gradingPeriod: 'Q1', grade: '70' },
        { gradingPeriod: 'Q1', grade: '71' },
        { gradingPeriod: 'Final', grade: '88' },
      ],
      expected: [
        [2, null, 'duplicate-conflict'],
        [3, null, 'duplicate-conflict'],
        [4, 'li-q1', 'superseded-by-term'],
        [4, 'li-q2', 'planned'],
        [4, 'li-year', 'planned'],
      ],
      planned: [['li-q2', 88], ['li-year', 88]],
    },
    {
      name: 'with no term row, the overall row is posted to every item',
      rows: [{ gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, 'li-q1', 'planned'],
        [2, 'li-q2', 'planned'],
        [2, 'li-year', 'planned'],
      ],
      planned: [['li-q1', 88], ['li-q2', 88], ['li-year', 88]],
    },
    {
      name: "another student's term row does not govern",
      rows: [{ gradingPeriod: 'Q1', grade: '91', studentId: 'u2' }, { gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, 'li-q1', 'planned'],
        [3, 'li-q1', 'planned'],
        [3, 'li-q2', 'planned'],
        [3, 'li-year', 'planned'],
      ],
      planned: [['li-q1', 91], ['li-q1', 88], ['li-q2', 88], ['li-year', 88]],
    },
    {
      name: 'a term row of an unmapped period governs nothing',
      rows: [{ gradingPeriod: 'Q7', grade: '91' }, { gradingPeriod: 'Final', grade: '88' }],
      expected: [
        [2, null, 'unmapped-term'],
        [3, 'li-q1', 'planned'],
        [3, 'li-q2', 'planned'],
        [3, 'li-year', 'planned'],
      ],
      planned: [['li-q1', 88], ['li-q2', 88], ['li-year', 88]],
    },
  ])('$name', ({ rows, expected, planned }) => {
    const result = plan(rows, { lineItems: items, options });
    expect(brief(result.outcomes)).toEqual(expected);
    expect(result.planned.map((p) => [p.lineItemSourcedId, p.score])).toEqual(planned);
  });

  it('names the governing term row', () => {
    const result = plan([{ gradingPeriod: 'Final' }, { gradingPeriod: 'Q1' }], { lineItems: items, options });
    expect(result.outcomes.find((o) => o.outcome === 'superseded-by-term')?.message).toBe(
      'the term row at line 3 governs this line item',
    );
  });

  it('a term row governs even when its section is not opted in (cross-listed sections of one class)', () => {
    const result = plan(
      [
        { sectionSchoolCode: 'S1-X', gradingPeriod: 'Q1', grade: '91' },
        { sectionSchoolCode: 'S1', gradingPeriod: 'Final', grade: '88' },
      ],
      { lineItems: items, options: { ...options, teachersMustOptIn: true }, optedIn: ['S1'] },
    );
    expect(brief(result.outcomes)).toEqual([
      [2, null, 'not-opted-in'],
      [3, 'li-q1', 'superseded-by-term'],
      [3, 'li-q2', 'planned'],
      [3, 'li-year', 'planned'],
    ]);
  });

  it('a task only in the overall list is never superseded', () => {
    const result = plan([{ gradingPeriod: 'Q1' }, { gradingPeriod: 'Final' }], {
      lineItems: [lineItem('li-q1', 'cls-1', 101, 't-q1'), lineItem('li-final-q1', 'cls-1', 201, 't-q1')],
    });
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-q1', 'planned'],
      [3, 'li-final-q1', 'planned'],
    ]);
  });
});

describe('duplicates: same section, student and grading period', () => {
  it('equal grades are posted once; each row points to the one result', () => {
    const result = plan([{ grade: '95' }, { gradingPeriod: 'q1', grade: '95.00 %' }, { grade: '95.001' }]);
    expect(result.planned).toHaveLength(1);
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-1-q1', 'planned'],
      [3, 'li-1-q1', 'planned'],
      [4, 'li-1-q1', 'planned'],
    ]);
    const ids = new Set(result.outcomes.map((o) => o.resultSourcedId));
    expect(ids).toEqual(new Set([resultSourcedId('li-1-q1', 'stu-1')]));
    expect(result.outcomes.map((o) => o.message)).toEqual([
      null,
      'same grade as line 2; posted once',
      'same grade as line 2; posted once',
    ]);
  });

  it.each([
    {
      name: 'different numbers',
      rows: [{ grade: '95' }, { grade: '94' }],
      outcomes: ['duplicate-conflict', 'duplicate-conflict'],
      message: 'different grades for the same section, student and period: line 2 (95), line 3 (94)',
    },
    {
      name: 'one of three rows differs',
      rows: [{ grade: '95' }, { grade: '95' }, { gradingPeriod: 'Q1 ', grade: '95' }, { gradingPeriod: 'q1', grade: '80' }],
      outcomes: ['duplicate-conflict', 'duplicate-conflict', 'unmapped-term', 'duplicate-conflict'],
      message: 'different grades for the same section, student and period: line 2 (95), line 3 (95), line 5 (80)',
    },
    {
      name: 'a number and a non-number',
      rows: [{ grade: '95' }, { grade: 'EX' }],
      outcomes: ['duplicate-conflict', 'duplicate-conflict'],
      message: 'different grades for the same section, student and period: line 2 (95), line 3 ("EX")',
    },
    {
      name: 'a number and an empty grade',
      rows: [{ grade: '' }, { grade: '95' }],
      outcomes: ['duplicate-conflict', 'duplicate-conflict'],
      message: 'different grades for the same section, student and period: line 2 (empty), line 3 (95)',
    },
    {
      name: 'two different non-numbers',
      rows: [{ grade: 'EX' }, { grade: 'INC' }],
      outcomes: ['duplicate-conflict', 'duplicate-conflict'],
      message: 'different grades for the same section, student and period: line 2 ("EX"), line 3 ("INC")',
    },
  ])('different grades make every such row duplicate-conflict: $name', ({ rows, outcomes, message }) => {
    const result = plan(rows);
    expect(result.planned).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(outcomes);
    for (const outcome of result.outcomes.filter((o) => o.outcome === 'duplicate-conflict')) {
      expect(outcome.message).toBe(message);
      expect(outcome.lineItemSourcedId).toBeNull();
    }
  });

  it.each([
    { rows: [{ grade: 'EX' }, { grade: 'EX' }], outcomes: ['invalid-grade', 'invalid-grade'] },
    { rows: [{ grade: '' }, { grade: ' ' }], outcomes: ['no-grade', 'no-grade'] },
  ])('equal grades that are not numbers keep their own reason: $outcomes', ({ rows, outcomes }) => {
    expect(plan(rows).outcomes.map((o) => o.outcome)).toEqual(outcomes);
  });

  it.each([
    { letterGrades: true, letters: ['A', 'B'], outcomes: ['duplicate-conflict', 'duplicate-conflict'], planned: 0 },
    { letterGrades: true, letters: ['A', ''], outcomes: ['duplicate-conflict', 'duplicate-conflict'], planned: 0 },
    { letterGrades: true, letters: ['A', ' A '], outcomes: ['planned', 'planned'], planned: 1 },
    { letterGrades: false, letters: ['A', 'B'], outcomes: ['planned', 'planned'], planned: 1 },
  ])('letters $letters with letter grades $letterGrades', ({ letterGrades, letters, outcomes, planned }) => {
    const rows = letters.map((letterGrade) => ({ grade: '95', letterGrade }));
    const result = plan(rows, { options: { letterGrades } });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(outcomes);
    expect(result.planned).toHaveLength(planned);
  });

  it('other students, sections and periods are not duplicates', () => {
    const result = plan([
      { grade: '95' },
      { grade: '90', studentId: 'u2' },
      { grade: '85', gradingPeriod: 'Q2' },
      { grade: '80', sectionSchoolCode: 'S2' },
    ]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['planned', 'planned', 'planned', 'planned']);
    expect(result.planned).toHaveLength(4);
  });
});

describe('duplicates: rows reaching the same line item and student', () => {
  it.each([
    {
      name: 'two period names for one term',
      rows: [{ gradingPeriod: 'Q1', grade: '95' }, { gradingPeriod: 'Quarter 1', grade: '90' }],
    },
    {
      name: 'cross-listed sections of one class',
      rows: [{ sectionSchoolCode: 'S1', grade: '95' }, { sectionSchoolCode: 'S1-X', grade: '90' }],
    },
    {
      name: 'two student IDs for one IC student',
      rows: [{ studentId: 'u1', grade: '95' }, { studentId: 'u1-alt', grade: '90' }],
    },
  ])('different values post nothing: $name', ({ rows }) => {
    const result = plan(rows);
    expect(result.planned).toEqual([]);
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-1-q1', 'duplicate-conflict'],
      [3, 'li-1-q1', 'duplicate-conflict'],
    ]);
    expect(result.outcomes[0]?.message).toBe(
      'different grades for the same line item and student: line 2 (95), line 3 (90)',
    );
  });

  it('equal values are posted once', () => {
    const result = plan([{ gradingPeriod: 'Q1', grade: '90' }, { gradingPeriod: 'Quarter 1', grade: '90.0' }]);
    expect(result.planned).toHaveLength(1);
    expect(result.outcomes.map((o) => [o.outcome, o.resultSourcedId])).toEqual([
      ['planned', resultSourcedId('li-1-q1', 'stu-1')],
      ['planned', resultSourcedId('li-1-q1', 'stu-1')],
    ]);
  });

  it('two overall markers for one student conflict on each overall item', () => {
    const result = plan([{ gradingPeriod: 'Final', grade: '95' }, { gradingPeriod: 'Overall', grade: '90' }]);
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-1-final', 'duplicate-conflict'],
      [3, 'li-1-final', 'duplicate-conflict'],
    ]);
  });

  it('letters count when letter grades are on', () => {
    const rows = [
      { gradingPeriod: 'Q1', grade: '90', letterGrade: 'A-' },
      { gradingPeriod: 'Quarter 1', grade: '90', letterGrade: 'B+' },
    ];
    expect(plan(rows, { options: { letterGrades: true } }).outcomes[1]).toMatchObject({
      outcome: 'duplicate-conflict',
      message: 'different grades for the same line item and student: line 2 (90 / A-), line 3 (90 / B+)',
    });
    expect(plan(rows).planned).toHaveLength(1);
  });

  it('only the shared line item conflicts; other line items of the rows are posted', () => {
    const items = [lineItem('li-q1-a', 'cls-1', 101, 't-q1'), lineItem('li-other', 'cls-2', 101, 't-q1')];
    const result = plan(
      [
        { sectionSchoolCode: 'S1', grade: '95' },
        { sectionSchoolCode: 'S1-X', grade: '90' },
        { sectionSchoolCode: 'S2', grade: '90' },
      ],
      { lineItems: items },
    );
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-q1-a', 'duplicate-conflict'],
      [3, 'li-q1-a', 'duplicate-conflict'],
      [4, 'li-other', 'planned'],
    ]);
  });
});

describe('the ledger', () => {
  const id = resultSourcedId('li-1-q1', 'stu-1');
  const posted = (score: number, letter: string | null = null, lineItemSourcedId = 'li-1-q1', studentSourcedId = 'stu-1'): LastPosted => ({
    lineItemSourcedId,
    studentSourcedId,
    score,
    letter,
  });

  it.each([
    { name: 'equal score, scheduled run', full: false, letterGrades: false, ledger: { score: 95, letter: null }, outcome: 'unchanged' },
    { name: 'equal score, full run', full: true, letterGrades: false, ledger: { score: 95, letter: null }, outcome: 'planned' },
    { name: 'other score', full: false, letterGrades: false, ledger: { score: 94.99, letter: null }, outcome: 'planned' },
    { name: 'never posted', full: false, letterGrades: false, ledger: undefined, outcome: 'planned' },
    { name: 'equal score and letter', full: false, letterGrades: true, ledger: { score: 95, letter: 'A' }, outcome: 'unchanged' },
    { name: 'other letter, letter grades on', full: false, letterGrades: true, ledger: { score: 95, letter: 'A-' }, outcome: 'planned' },
    { name: 'letter last posted, none now', full: false, letterGrades: true, ledger: { score: 95, letter: null }, outcome: 'planned' },
    { name: 'other letter, letter grades off', full: false, letterGrades: false, ledger: { score: 95, letter: 'A-' }, outcome: 'unchanged' },
  ])('$name -> $outcome', ({ full, letterGrades, ledger, outcome }) => {
    const result = plan([{ grade: '95', letterGrade: 'A' }], {
      options: { full, letterGrades },
      ledger: ledger ? [posted(ledger.score, ledger.letter)] : [],
    });
    expect(result.outcomes.map((o) => o.outcome)).toEqual([outcome]);
    expect(result.planned).toHaveLength(outcome === 'planned' ? 1 : 0);
    expect(result.outcomes[0]?.resultSourcedId).toBe(id);
  });

  it('identical duplicates of an unchanged result are all unchanged', () => {
    const result = plan([{ grade: '95' }, { grade: '95' }], { ledger: [posted(95)] });
    expect(result.outcomes.map((o) => [o.outcome, o.message])).toEqual([
      ['unchanged', 'equal to what was last posted'],
      ['unchanged', 'same grade as line 2; equal to what was last posted'],
    ]);
    expect(result.planned).toEqual([]);
  });

  it('compares the rounded score', () => {
    const result = plan([{ grade: '94.999' }], { ledger: [posted(95)] });
    expect(result.outcomes[0]?.outcome).toBe('unchanged');
  });

  it('matches an entry by line item and student: the same score for another student or line item changes nothing', () => {
    const result = plan([{ grade: '95' }, { studentId: 'u2', grade: '95' }], {
      ledger: [posted(95, null, 'li-1-q1', 'stu-2'), posted(95, null, 'li-other', 'stu-1'), posted(95, null, 'li-1-q1', 'stu-unknown')],
    });
    expect(result.outcomes.map((o) => [o.line, o.outcome])).toEqual([
      [2, 'planned'],
      [3, 'unchanged'],
    ]);
  });

  it('asks only about the line items results were planned on, a batch at a time', () => {
    const asked: string[][] = [];
    const input = inputFor([{ grade: '95' }, { gradingPeriod: 'Q2', grade: '90' }], { closedLineItems: ['li-1-q2'] });
    const result = planGradePassback({
      ...input,
      lastPosted: (items) => {
        asked.push([...items]);
        return [];
      },
    });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['planned', 'window-closed']);
    expect(asked).toEqual([['li-1-q1']]);
  });
});

describe('planned results', () => {
  it('carry the IDs, the score, the letter and, when configured, the comment of the first row', () => {
    const rows = [
      { grade: '88.5', letterGrade: 'B+', comment: '  Great progress  ' },
      { grade: '88.5', letterGrade: 'B+', comment: 'second copy' },
      { studentId: 'u2', grade: '70', comment: '   ' },
    ];
    const withComments = plan(rows, { options: { letterGrades: true, postComments: true } });
    expect(withComments.planned).toEqual([
      {
        resultSourcedId: resultSourcedId('li-1-q1', 'stu-1'),
        lineItemSourcedId: 'li-1-q1',
        classSourcedId: 'cls-1',
        studentSourcedId: 'stu-1',
        score: 88.5,
        letter: 'B+',
        comment: 'Great progress',
      },
      {
        resultSourcedId: resultSourcedId('li-1-q1', 'stu-2'),
        lineItemSourcedId: 'li-1-q1',
        classSourcedId: 'cls-1',
        studentSourcedId: 'stu-2',
        score: 70,
        letter: null,
        comment: null,
      },
    ]);
    const withoutComments = plan(rows, { options: { letterGrades: true } });
    expect(withoutComments.planned.map((p) => p.comment)).toEqual([null, null]);
  });

  it('a planned outcome carries everything the run log shows', () => {
    const result = plan([{ gradingPeriod: 'Q2', grade: '81', studentId: 'u2' }]);
    expect(result.outcomes).toEqual([
      {
        line: 2,
        sectionSchoolCode: 'S1',
        studentId: 'u2',
        gradingPeriod: 'Q2',
        classSourcedId: 'cls-1',
        schoolSourcedId: 'sch-1',
        termSourcedId: 't-q2',
        studentSourcedId: 'stu-2',
        lineItemSourcedId: 'li-1-q2',
        taskId: 101,
        resultSourcedId: resultSourcedId('li-1-q2', 'stu-2'),
        score: 81,
        letter: null,
        outcome: 'planned',
        message: null,
      },
    ]);
  });
});

describe('a whole file', () => {
  it('one outcome per (row, line item) reached or per row skipped, in file order, counted by outcome', () => {
    const items = [
      lineItem('li-q1-a', 'cls-1', 101, 't-q1'),
      lineItem('li-q1-b', 'cls-1', 102, 't-q1'),
      lineItem('li-final', 'cls-1', 201, 't-q1'),
      lineItem('li-2-q1', 'cls-2', 101, 't-q1'),
    ];
    const result = plan(
      [
        { grade: '90' },
        { invalid: 'wrong number of fields' },
        { sectionSchoolCode: 'NOPE' },
        { sectionSchoolCode: 'S3' },
        { gradingPeriod: 'Q9' },
        { studentId: 'nobody' },
        { studentId: 'u2', grade: 'EX' },
        { studentId: 'u2', gradingPeriod: 'Q2', grade: '' },
        { gradingPeriod: 'Final', grade: '80' },
        { sectionSchoolCode: 'S2', grade: '70' },
        { sectionSchoolCode: 'S2', gradingPeriod: 'Q2', grade: '70' },
      ],
      { lineItems: items, options: { termTaskIds: [101, 102] }, closedLineItems: ['li-q1-b'] },
    );
    expect(result.rows).toBe(11);
    expect(brief(result.outcomes)).toEqual([
      [2, 'li-q1-a', 'planned'],
      [2, 'li-q1-b', 'window-closed'],
      [3, null, 'invalid-row'],
      [4, null, 'unmapped-section'],
      [5, null, 'school-not-included'],
      [6, null, 'unmapped-term'],
      [7, null, 'unmapped-student'],
      [8, null, 'invalid-grade'],
      [9, null, 'no-grade'],
      [10, 'li-final', 'planned'],
      [11, 'li-2-q1', 'planned'],
      [12, null, 'no-task'],
    ]);
    expect(countOutcomes(result.outcomes)).toEqual({
      planned: 3,
      unchanged: 0,
      skipped: {
        'window-closed': 1,
        'invalid-row': 1,
        'unmapped-section': 1,
        'school-not-included': 1,
        'unmapped-term': 1,
        'unmapped-student': 1,
        'invalid-grade': 1,
        'no-grade': 1,
        'no-task': 1,
      },
    });
    expect(result.planned).toHaveLength(3);
  });

  it('reads each class line items once and asks each window once, however many rows', () => {
    const sections = 40;
    const students = 50;
    const items = Array.from({ length: sections }, (_, s) => lineItem(`li-${s}`, `cls-${s}`, 101, 't-q1'));
    const rows: ExportRecord[] = [];
    for (let s = 0; s < sections; s += 1)
      for (let u = 0; u < students; u += 1)
        rows.push({
          kind: 'row',
          row: { line: rows.length + 2, sectionSchoolCode: `S${s}`, studentId: `u${u}`, gradingPeriod: 'Q1', grade: String(u) },
        });
    const calls = { lineItems: 0, windows: 0 };
    const result = planGradePassback({
      records: rows,
      mappings: {
        classFor: (section) => ({ classSourcedId: `cls-${section.slice(1)}`, schoolSourcedId: 'sch-1' }),
        schoolIncluded: () => true,
        termFor: () => 't-q1',
        studentFor: (student) => `stu-${student}`,
      },
      isOptedIn: () => true,
      lineItemsFor: (cls) => {
        calls.lineItems += 1;
        return items.filter((item) => item.classSourcedId === cls);
      },
      isWindowOpen: () => {
        calls.windows += 1;
        return true;
      },
      lastPosted: () => [],
      options: defaultOptions,
    });
    expect(result.planned).toHaveLength(sections * students);
    expect(new Set(result.planned.map((p) => p.resultSourcedId)).size).toBe(sections * students);
    expect(calls).toEqual({ lineItems: sections, windows: sections });
  });

  it('reads the records once, so a generator can stream them', () => {
    function* stream(): Generator<ExportRecord> {
      yield* records([{ gradingPeriod: 'Final' }, { gradingPeriod: 'Q2' }]);
    }
    const result = planGradePassback({ ...inputFor([]), records: stream() });
    expect(result.rows).toBe(2);
    expect(result.planned).toHaveLength(2);
  });
});

describe('consecutive rows of a student', () => {
  it('are each mapped in their own section and class, whatever the row before mapped to', () => {
    const result = plan([
      { sectionSchoolCode: 'S1', studentId: 'u2', gradingPeriod: 'Q1' },
      { sectionSchoolCode: 'S1', studentId: 'u2', gradingPeriod: 'Q2' },
      { sectionSchoolCode: 'S2', studentId: 'u2', gradingPeriod: 'Q1' },
      { sectionSchoolCode: 'S3', studentId: 'u2', gradingPeriod: 'Q1' },
      { sectionSchoolCode: 'S1-X', studentId: 'u2', gradingPeriod: 'Q1' },
      { sectionSchoolCode: 'S1-X', studentId: 'u1', gradingPeriod: 'Q1' },
      { sectionSchoolCode: 'S2', studentId: 'u1', gradingPeriod: 'Q1' },
    ]);
    expect(result.outcomes.map((o) => [o.line, o.outcome, o.studentSourcedId])).toEqual([
      [2, 'planned', 'stu-2'],
      [3, 'planned', 'stu-2'],
      [4, 'unmapped-student', null],
      [5, 'school-not-included', null],
      // S1-X is cls-1 too: the same line item and student as line 2, with the same grade.
      [6, 'planned', 'stu-2'],
      [7, 'planned', 'stu-1'],
      [8, 'planned', 'stu-1'],
    ]);
  });

  it('ask the mappings for a student once while the section and student repeat', () => {
    const asked: string[] = [];
    const input = inputFor([
      { studentId: 'u1', gradingPeriod: 'Q1' },
      { studentId: 'u1', gradingPeriod: 'Q2' },
      { studentId: 'u1', gradingPeriod: 'Final' },
      { studentId: 'u2', gradingPeriod: 'Q1' },
      { studentId: 'u2', gradingPeriod: 'Q2' },
      { studentId: 'u1', gradingPeriod: 'Q1', grade: '90' },
    ]);
    const result = planGradePassback({
      ...input,
      mappings: { ...mappings, studentFor: (student, cls) => (asked.push(`${student}@${cls}`), mappings.studentFor(student, cls)) },
    });
    expect(asked).toEqual(['u1@cls-1', 'u2@cls-1', 'u1@cls-1']);
    expect(result.outcomes.map((o) => o.studentSourcedId)).toEqual(['stu-1', 'stu-1', 'stu-1', 'stu-2', 'stu-2', 'stu-1']);
  });
});
