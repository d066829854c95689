import { describe, expect, it } from 'vitest';
import { GradePlanBuilder, planGradePassback, type GradeMappings, type GradePlanOptions } from '../../src/transform/plan-grade-passback.ts';
import { resultSourcedId } from '../../src/transform/result-id.ts';
import type { ExportRecord, LineItem } from '../../src/types.ts';

/*
 * GradePlanBuilder is the plan fed one record at a time (the pipeline streams the export into it).
 * Sections S1, S2, S3 -> cls-1, cls-2, cls-3 (school sch-1), S9 unmapped; S2 is not opted in;
 * students u<n> -> stu-<n>; cls-3's only line item has its window closed.
 */
const classOf: Record<string, string> = { S1: 'cls-1', S2: 'cls-2', S3: 'cls-3' };
const termOf: Record<string, string> = { q1: 't-q1', q2: 't-q2' };
const mappings: GradeMappings = {
  classFor: (section) => {
    const classSourcedId = classOf[section];
    return classSourcedId ? { classSourcedId, schoolSourcedId: 'sch-1' } : null;
  },
  schoolIncluded: () => true,
  termFor: (period) => termOf[period.toLowerCase()] ?? null,
  studentFor: (student) => (student.startsWith('u') ? `stu-${student.slice(1)}` : null),
};

const lineItems: LineItem[] = [
  { sourcedId: 'li-1-q1', classSourcedId: 'cls-1', title: 'Q1', taskId: 101, termSourcedId: 't-q1', windowOpenFlag: true },
  { sourcedId: 'li-1-q2', classSourcedId: 'cls-1', title: 'Q2', taskId: 101, termSourcedId: 't-q2', windowOpenFlag: true },
  { sourcedId: 'li-1-final', classSourcedId: 'cls-1', title: 'Final', taskId: 201, termSourcedId: 't-q2', windowOpenFlag: true },
  { sourcedId: 'li-3-q1', classSourcedId: 'cls-3', title: 'Q1', taskId: 101, termSourcedId: 't-q1', windowOpenFlag: false },
];

const options: GradePlanOptions = {
  termTaskIds: [101],
  overallTaskIds: [201],
  letterGrades: false,
  overallPeriodValues: ['Final'],
  scoreDecimals: 2,
  maxScore: 100,
  decimalSeparator: '.',
  teachersMustOptIn: true,
  postComments: false,
  full: false,
};

const rows: Array<[section: string, student: string, period: string, grade: string]> = [
  ['S1', 'u1', 'Q1', '91'],
  ['S1', 'u1', 'Q2', '88.5'],
  ['S1', 'u1', 'Final', '90'],
  ['S1', 'u2', 'Q1', '75'],
  ['S1', 'u2', 'q1', '76'], // conflicts with the row above
  ['S1', 'x3', 'Q1', '80'], // unmapped student
  ['S2', 'u1', 'Q1', '99'], // not opted in
  ['S9', 'u1', 'Q1', '99'], // unmapped section
  ['S3', 'u4', 'Q1', '70'], // window closed
  ['S1', 'u5', 'Q1', 'EX'], // invalid grade
];

function exportRecords(): ExportRecord[] {
  const records: ExportRecord[] = rows.map(([sectionSchoolCode, studentId, gradingPeriod, grade], i) => ({
    kind: 'row',
    row: { line: i + 2, sectionSchoolCode, studentId, gradingPeriod, grade },
  }));
  records.push({ kind: 'invalid', record: { line: rows.length + 2, message: 'The record has 3 fields; the header has 5.', sectionSchoolCode: 'S1' } });
  return records;
}

const screening = { mappings, isOptedIn: (section: string) => section !== 'S2', options };
const lookups = {
  lineItemsFor: (cls: string) => lineItems.filter((item) => item.classSourcedId === cls),
  isWindowOpen: (item: LineItem) => item.windowOpenFlag === true,
};

describe('GradePlanBuilder', () => {
  it('gives the plan planGradePassback gives for the same records, fed one at a time', () => {
    const builder = new GradePlanBuilder(screening);
    for (const record of exportRecords()) builder.add(record);
    expect(builder.rows).toBe(rows.length + 1);
    const plan = builder.finish(lookups);
    const streamed = { planned: [...plan.plannedResults()], outcomes: [...plan.outcomes()], rows: plan.rows };
    const whole = planGradePassback({ ...screening, ...lookups, lastPosted: () => [], records: exportRecords() });
    expect(streamed).toEqual(whole);
    expect(plan.outcomeCount).toBe(whole.outcomes.length);
    expect(plan.plannedCount).toBe(whole.planned.length);
    expect(streamed.outcomes.map((o) => o.outcome)).toEqual([
      'planned', 'planned', 'planned', 'duplicate-conflict', 'duplicate-conflict', 'unmapped-student', 'not-opted-in',
      'unmapped-section', 'window-closed', 'invalid-grade', 'invalid-row',
    ]);
  });

  it('names only the classes of rows that passed screening, and reads only their line items', () => {
    const builder = new GradePlanBuilder(screening);
    for (const record of exportRecords()) builder.add(record);
    expect([...builder.classes()].sort()).toEqual(['cls-1', 'cls-3']);
    const asked: string[] = [];
    builder.finish({ ...lookups, lineItemsFor: (cls) => (asked.push(cls), lookups.lineItemsFor(cls)) });
    expect(asked.sort()).toEqual(['cls-1', 'cls-3']);
  });

  it('is single use: no record after finish, no second finish', () => {
    const builder = new GradePlanBuilder(screening);
    const [first] = exportRecords();
    if (first) builder.add(first);
    expect(builder.finish(lookups).plannedCount).toBe(1);
    expect(() => builder.finish(lookups)).toThrow(/twice/);
    expect(() => first && builder.add(first)).toThrow(/after the records ended/);
  });

  it('takes no record once told the records ended, and finishes as it would have', () => {
    const builder = new GradePlanBuilder(screening);
    for (const record of exportRecords()) builder.add(record);
    builder.endRecords();
    const [first] = exportRecords();
    expect(() => first && builder.add(first)).toThrow(/after the records ended/);
    expect([...builder.classes()].sort()).toEqual(['cls-1', 'cls-3']);
    const whole = planGradePassback({ ...screening, ...lookups, lastPosted: () => [], records: exportRecords() });
    expect([...builder.finish(lookups).outcomes()]).toEqual(whole.outcomes);
  });

  it('names the result each outcome reaches, also where rows of two sections or repeated rows reach one', () => {
    // S4 is cross-listed: it maps to cls-1 as S1 does, so its u1 row reaches u1's Q1 result again.
    const crossListed: GradeMappings = { ...mappings, classFor: (section) => mappings.classFor(section === 'S4' ? 'S1' : section) };
    const builder = new GradePlanBuilder({ mappings: crossListed, isOptedIn: () => true, options });
    const records: Array<[string, string, string, string]> = [
      ['S1', 'u1', 'Q1', '91'],
      ['S1', 'u2', 'Q1', '80'],
      ['S1', 'u2', 'Q1', '80'], // the same grade again: posted once
      ['S4', 'u1', 'Q1', '91'], // cross-listed: the same result as line 2
      ['S3', 'u4', 'Q1', '70'], // window closed: names the ID it would have
      ['S1', 'u6', 'Q2', '60'],
    ];
    records.forEach(([sectionSchoolCode, studentId, gradingPeriod, grade], i) =>
      builder.add({ kind: 'row', row: { line: i + 2, sectionSchoolCode, studentId, gradingPeriod, grade } }),
    );
    const plan = builder.finish(lookups);
    const planned = [...plan.plannedResults()];
    expect(planned.map((r) => [r.lineItemSourcedId, r.studentSourcedId])).toEqual([
      ['li-1-q1', 'stu-1'],
      ['li-1-q1', 'stu-2'],
      ['li-1-q2', 'stu-6'],
    ]);
    const outcomes = [...plan.outcomes()];
    expect(outcomes.map((o) => [o.line, o.outcome, o.resultSourcedId])).toEqual([
      [2, 'planned', planned[0]?.resultSourcedId],
      [3, 'planned', planned[1]?.resultSourcedId],
      [4, 'planned', planned[1]?.resultSourcedId],
      [5, 'planned', planned[0]?.resultSourcedId],
      [6, 'window-closed', resultSourcedId('li-3-q1', 'stu-4')],
      [7, 'planned', planned[2]?.resultSourcedId],
    ]);
    for (const result of planned) expect(result.resultSourcedId).toBe(resultSourcedId(result.lineItemSourcedId, result.studentSourcedId));
    expect(outcomes.map((o) => o.message)).toEqual([null, null, 'same grade as line 3; posted once', 'same grade as line 2; posted once', expect.any(String), null]);
  });

  it('takes the ledger before the outcomes or planned results are read, not after', () => {
    const builder = new GradePlanBuilder(screening);
    for (const record of exportRecords()) builder.add(record);
    const plan = builder.finish(lookups);
    plan.recordLastPosted([{ lineItemSourcedId: 'li-1-q1', studentSourcedId: 'stu-1', score: 91, letter: null }]);
    expect([...plan.outcomes()][0]?.outcome).toBe('unchanged');
    expect(() => plan.recordLastPosted([])).toThrow(/before the outcomes/);
  });
});
