import { describe, expect, it } from 'vitest';
import { planGradingPeriods, schoolYearOf, termsUsedByClasses, type PlanGradingPeriodsInput } from '../../src/roster/plan-grading-periods.ts';
import type { RosterClass, RosterSession } from '../../src/roster/roster-types.ts';

const term = (sourcedId: string, title: string, org: string, start = '2026-08-19', end = '2026-10-16', schoolYear = '2027'): RosterSession => ({
  sourcedId,
  status: 'active',
  title,
  type: 'term',
  startDate: start,
  endDate: end,
  schoolYear,
  orgSourcedId: org,
});
const labels: Record<string, string> = { lhs: 'LHS', wms: 'WMS', rhs: 'RHS' };
const base = (over: Partial<PlanGradingPeriodsInput>): PlanGradingPeriodsInput => ({
  sessions: [],
  usedBy: new Map(),
  rules: {},
  schoolYear: '2027',
  existing: [],
  schoolLabel: (org) => labels[org] ?? null,
  ...over,
});
const used = (...pairs: Array<[string, string]>) => {
  const map = new Map<string, Set<string>>();
  for (const [t, s] of pairs) map.set(t, new Set([...(map.get(t) ?? []), s]));
  return map;
};

describe('schoolYearOf', () => {
  it('counts the year a school year ends', () => expect(schoolYearOf('2026-2027')).toBe('2027'));
});

describe('termsUsedByClasses', () => {
  it('lists the terms of active classes of mapped schools only', () => {
    const cls = (id: string, school: string, terms: string[], status: 'active' | 'tobedeleted' = 'active'): RosterClass => ({
      sourcedId: id,
      status,
      title: id,
      classCode: null,
      courseSourcedId: 'c',
      schoolSourcedId: school,
      termSourcedIds: terms,
    });
    const usedBy = termsUsedByClasses([cls('1', 'lhs', ['q1', 'q2']), cls('2', 'wms', ['q1']), cls('3', 'lhs', ['q3'], 'tobedeleted'), cls('4', 'rhs', ['q4'])], new Set(['lhs', 'wms']));
    expect(Object.fromEntries([...usedBy].map(([k, v]) => [k, [...v].sort()]))).toEqual({ q1: ['lhs', 'wms'], q2: ['lhs'] });
  });
});

describe('planGradingPeriods', () => {
  it('shares one created period across schools for the same title and dates', () => {
    const plan = planGradingPeriods(
      base({ sessions: [term('l-q1', 'Q1', 'lhs'), term('w-q1', 'Q1', 'wms')], usedBy: used(['l-q1', 'lhs'], ['w-q1', 'wms']), rules: { '*': 'create' } }),
    );
    expect(plan.writes.map((w) => w.fields)).toEqual([{ title: 'Q1', start: '2026-08-19', end: '2026-10-16' }]);
    expect(plan.periodOf.get('l-q1')).toEqual({ planned: 'Q1' });
    expect(plan.periodOf.get('w-q1')).toEqual({ planned: 'Q1' });
  });

  it('appends the school identifier to the same title with other dates; the group with more schools keeps the title', () => {
    const plan = planGradingPeriods(
      base({
        sessions: [term('l-q1', 'Q1', 'lhs'), term('w-q1', 'Q1', 'wms'), term('r-q1', 'Q1', 'rhs', '2026-08-24', '2026-10-23')],
        usedBy: used(['l-q1', 'lhs'], ['w-q1', 'wms'], ['r-q1', 'rhs']),
        rules: { '*': 'create' },
      }),
    );
    expect(plan.writes.map((w) => w.fields.title)).toEqual(['Q1', 'Q1 (RHS)']);
    expect(plan.titleOf.get('r-q1')).toBe('Q1 (RHS)');
  });

  it('adopts an existing period with the same title and dates and never reuses a title held with other dates', () => {
    const plan = planGradingPeriods(
      base({
        sessions: [term('l-q1', 'Q1', 'lhs'), term('r-q1', 'Q1', 'rhs', '2026-08-24', '2026-10-23')],
        usedBy: used(['l-q1', 'lhs'], ['r-q1', 'rhs']),
        rules: { '*': 'create' },
        existing: [
          { id: '9', title: 'Q1', start: '2026-08-24', end: '2026-10-23' },
          { id: '10', title: 'Q1 (LHS)', start: '2026-08-19', end: '2026-10-16' },
        ],
      }),
    );
    expect(plan.writes).toEqual([]);
    expect(plan.periodOf.get('r-q1')).toEqual({ id: '9' });
    expect(plan.periodOf.get('l-q1')).toEqual({ id: '10' });
    expect(plan.unchanged).toBe(2);
  });

  it('uses a gp: period as it is, and reports other years, skipped and unlisted terms', () => {
    const plan = planGradingPeriods(
      base({
        sessions: [term('q1', 'Q1', 'lhs'), term('q2', 'Q2', 'lhs'), term('q3', 'Q3', 'lhs'), term('old', 'Q1', 'lhs', '2025-08-20', '2025-10-17', '2026'), term('unused', 'Q9', 'lhs')],
        usedBy: used(['q1', 'lhs'], ['q2', 'lhs'], ['q3', 'lhs'], ['old', 'lhs']),
        rules: { q1: 'gp:77', q2: 'skip' },
        existing: [{ id: '77', title: 'Quarter 1', start: '2000-01-01', end: '2000-02-01' }],
      }),
    );
    expect(plan.periodOf).toEqual(new Map([['q1', { id: '77' }]]));
    expect(plan.titleOf.get('q1')).toBe('Quarter 1');
    expect(plan.writes).toEqual([]);
    expect(plan.skipped.map((s) => [s.message?.split(':')[0], s.reason])).toEqual([
      ['old', 'other-year'],
      ['q2', 'unmapped-term'],
      ['q3', 'unmapped-term'],
    ]);
  });

  it('creates a listed term even when no class uses it, but the wildcard only for used terms', () => {
    const plan = planGradingPeriods(base({ sessions: [term('q1', 'Q1', 'lhs'), term('q2', 'Q2', 'lhs')], rules: { q1: 'create', '*': 'create' } }));
    expect(plan.writes.map((w) => w.key)).toEqual(['Q1']);
  });

  it('skips terms whose every possible title is held with other dates', () => {
    const plan = planGradingPeriods(
      base({
        sessions: [term('q1', 'Q1', 'lhs')],
        usedBy: used(['q1', 'lhs']),
        rules: { '*': 'create' },
        existing: [
          { id: '1', title: 'Q1', start: '2020-01-01', end: '2020-02-01' },
          { id: '2', title: 'Q1 (LHS)', start: '2020-01-01', end: '2020-02-01' },
        ],
      }),
    );
    expect(plan.skipped.map((s) => s.reason)).toEqual(['grading-period-title-taken']);
    expect(plan.periodOf.size).toBe(0);
  });
});
