import { describe, expect, it } from 'vitest';
import { planCourses } from '../../src/roster/plan-courses.ts';
import { planSections, scopeClasses } from '../../src/roster/plan-sections.ts';
import type { RosterClass, RosterCourse, RosterSession, SchoologyRef } from '../../src/roster/roster-types.ts';

const session = (sourcedId: string, schoolYear = '2027'): RosterSession => ({
  sourcedId,
  status: 'active',
  title: sourcedId,
  type: 'term',
  startDate: '2026-08-19',
  endDate: '2026-12-18',
  schoolYear,
  orgSourcedId: 'lhs',
});
const cls = (sourcedId: string, school: string, terms: string[], extra: Partial<RosterClass> = {}): RosterClass => ({
  sourcedId,
  status: 'active',
  title: `${sourcedId} title`,
  classCode: `${sourcedId}-code`,
  courseSourcedId: 'crs-1',
  schoolSourcedId: school,
  termSourcedIds: terms,
  ...extra,
});
const course = (sourcedId: string, org: string | null, extra: Partial<RosterCourse> = {}): RosterCourse => ({
  sourcedId,
  status: 'active',
  title: `${sourcedId} title`,
  courseCode: 'MA101',
  orgSourcedId: org,
  ...extra,
});
const sessions = new Map(['s1', 'q1', 'q2', 'q3', 'old'].map((id) => [id, session(id, id === 'old' ? '2026' : '2027')]));
const buildingOf = new Map<string, SchoologyRef>([['lhs', { id: '10' }]]);
const periodOf = new Map<string, SchoologyRef>([
  ['s1', { id: '70' }],
  ['q1', { id: '71' }],
  ['q2', { planned: 'Q2' }],
  ['q3', { id: '71' }],
]);

describe('scopeClasses', () => {
  it('provisions classes with a mapped term and gives the reason for the others', () => {
    const scope = scopeClasses({
      classes: [
        cls('a', 'lhs', ['s1', 'q1', 'q2', 'q3', 'unmapped']),
        cls('b', 'rhs', ['q1']),
        cls('c', 'lhs', ['old']),
        cls('d', 'lhs', ['unmapped-term-id', 'old']),
        cls('e', 'lhs', ['q1'], { courseSourcedId: 'nope' }),
        cls('f', 'lhs', ['q1'], { status: 'tobedeleted' }),
      ],
      courses: new Map([['crs-1', course('crs-1', 'lhs')]]),
      sessions: new Map([...sessions, ['unmapped-term-id', session('unmapped-term-id')]]),
      schoolYear: '2027',
      buildingOf,
      periodOf,
    });
    expect([...scope.provisioned.keys()]).toEqual(['a']);
    expect(scope.provisioned.get('a')?.periods).toEqual([{ id: '70' }, { id: '71' }, { planned: 'Q2' }]);
    expect(Object.fromEntries(scope.skipReason)).toEqual({ b: 'unmapped-school', c: 'other-year', d: 'unmapped-term', e: 'unknown-reference' });
  });
});

describe('planCourses and planSections', () => {
  const scope = scopeClasses({
    classes: [cls('a', 'lhs', ['q1']), cls('b', 'lhs', ['q1', 'q2'], { classCode: null }), cls('c', 'lhs', ['s1'], { courseSourcedId: 'crs-2' })],
    courses: new Map([
      ['crs-1', course('crs-1', 'lhs')],
      ['crs-2', course('crs-2', null)],
      ['crs-3', course('crs-3', 'lhs')],
      ['crs-4', course('crs-4', 'rhs')],
    ]),
    sessions,
    schoolYear: '2027',
    buildingOf,
    periodOf,
  });

  it('writes only courses with a provisioned class, keyed by their sourcedId', () => {
    const plan = planCourses([course('crs-1', 'lhs'), course('crs-2', null), course('crs-3', 'lhs'), course('crs-4', 'rhs')], scope, buildingOf, new Set(['lhs', 'rhs']), new Map([['crs-1', { id: '300', title: 'crs-1 title', course_code: 'crs-1', building_id: '10' }]]));
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.fields])).toEqual([['create', { title: 'crs-2 title', courseCode: 'crs-2', building: { id: '10' } }]]);
    expect(plan.skipped.map((s) => [s.key, s.reason])).toEqual([
      ['crs-3', 'no-class-provisioned'],
      ['crs-4', 'unmapped-school'],
    ]);
    expect(Object.fromEntries(plan.courseOf)).toEqual({ 'crs-1': { id: '300' }, 'crs-2': { planned: 'crs-2' } });
  });

  it('creates missing sections, updates changed ones by ID and leaves equal ones alone', () => {
    const courseOf = new Map<string, SchoologyRef>([
      ['crs-1', { id: '300' }],
      ['crs-2', { planned: 'crs-2' }],
    ]);
    const existing = new Map([
      ['a', { id: '900', course_id: '300', title: 'a title', section_code: 'a-code', section_school_code: 'a', grading_periods: ['71'] }],
      ['b', { id: '901', course_id: '300', title: 'old title', section_code: 'b', section_school_code: 'b', grading_periods: ['71'] }],
    ]);
    const plan = planSections(scope, courseOf, existing);
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.key, w.existingId, w.changes, w.fields.sectionCode])).toEqual([
      ['update', 'b', '901', ['title', 'grading_periods'], 'b'],
      ['create', 'c', null, [], 'c-code'],
    ]);
    expect(plan.writes[1]?.fields.course).toEqual({ planned: 'crs-2' });
  });
});
