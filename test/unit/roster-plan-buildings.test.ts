import { describe, expect, it } from 'vitest';
import { planBuildings, schoolRule } from '../../src/roster/plan-buildings.ts';
import type { RosterSchool } from '../../src/roster/roster-types.ts';

const school = (sourcedId: string, identifier: string | null, extra: Partial<RosterSchool> = {}): RosterSchool => ({
  sourcedId,
  status: 'active',
  name: `${sourcedId} name`,
  identifier,
  ...extra,
});

describe('schoolRule', () => {
  it.each([
    [{ 'sch-1': 'building:12' }, { kind: 'building', id: '12' }],
    [{ LHS: 'create' }, { kind: 'create' }],
    [{ 'sch-1': 'skip', '*': 'create' }, { kind: 'skip' }],
    [{ '*': 'create' }, { kind: 'create' }],
    [{}, { kind: 'skip' }],
  ])('%j -> %j', (rules, expected) => {
    expect(schoolRule(school('sch-1', 'LHS'), rules)).toEqual(expected);
  });
});

describe('planBuildings', () => {
  it('maps, folds, adopts by building code, creates once per code and skips the rest', () => {
    const plan = planBuildings(
      [school('a', 'A'), school('b', 'B'), school('c', 'C'), school('d', null), school('e', 'E'), school('f', 'F', { status: 'tobedeleted' })],
      { a: 'building:500', b: 'building:500', C: 'create', d: 'create', f: 'create' },
      [{ id: '700', title: 'Old C', building_code: 'C' }],
    );
    expect(Object.fromEntries(plan.buildingOf)).toEqual({ a: { id: '500' }, b: { id: '500' }, c: { id: '700' }, d: { planned: 'd' } });
    expect(plan.writes.map((w) => [w.action, w.key, w.fields])).toEqual([['create', 'd', { title: 'd name', buildingCode: 'd' }]]);
    expect(plan.unchanged).toBe(2);
    expect(plan.skipped.map((s) => [s.school, s.reason])).toEqual([
      ['e', 'unmapped-school'],
      ['f', 'unmapped-school'],
    ]);
  });

  it('creates one building for two schools that share an identifier', () => {
    const plan = planBuildings([school('a', 'X'), school('b', 'X')], { '*': 'create' }, []);
    expect(plan.writes).toHaveLength(1);
    expect(plan.buildingOf.get('a')).toEqual(plan.buildingOf.get('b'));
  });
});
