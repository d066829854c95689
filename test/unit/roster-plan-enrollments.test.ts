import { describe, expect, it } from 'vitest';
import { planEnrollments } from '../../src/roster/plan-enrollments.ts';
import { planParentLinks } from '../../src/roster/plan-parent-links.ts';
import type { ClassScope } from '../../src/roster/plan-sections.ts';
import type { UserScope } from '../../src/roster/plan-users.ts';
import type { RosterClass, RosterEnrollment, RosterUser } from '../../src/roster/roster-types.ts';

const cls = (sourcedId: string): RosterClass => ({
  sourcedId,
  status: 'active',
  title: sourcedId,
  classCode: null,
  courseSourcedId: 'crs',
  schoolSourcedId: 'lhs',
  termSourcedIds: ['q1'],
});
const user = (sourcedId: string, role: string, agents: string[] = []): RosterUser => ({
  sourcedId,
  status: 'active',
  enabled: true,
  username: sourcedId,
  givenName: 'G',
  familyName: 'F',
  preferredFirstName: null,
  email: null,
  identifier: null,
  roles: [{ roleType: 'primary', role, orgSourcedId: 'lhs' }],
  agents,
});
let n = 0;
const enr = (classId: string, userId: string, role: string, status: 'active' | 'tobedeleted' = 'active'): RosterEnrollment => ({
  sourcedId: `e${++n}`,
  status,
  userSourcedId: userId,
  classSourcedId: classId,
  role,
});

const classes = new Map(['c1', 'c2', 'c3'].map((id) => [id, cls(id)]));
const users = new Map(
  [user('t1', 'teacher'), user('s1', 'student'), user('s2', 'student'), user('s3', 'student'), user('g1', 'parent', ['s1']), user('x', 'student')].map((u) => [u.sourcedId, u]),
);
const classScope: ClassScope = {
  provisioned: new Map([
    ['c1', { class: cls('c1'), periods: [] }],
    ['c2', { class: cls('c2'), periods: [] }],
  ]),
  skipReason: new Map([['c3', 'unmapped-term']]),
  skipped: [],
};
const userScope = (guardian: boolean): UserScope => ({
  uidOf: new Map(['t1', 's1', 's2', 's3', 'g1', 'x'].map((id) => [id, `uid-${id}`])),
  provisioned: new Map(
    ['t1', 's1', 's2', ...(guardian ? ['g1'] : [])].map((id) => [id, { uid: `uid-${id}`, group: id === 't1' ? 'teacher' : id === 'g1' ? 'guardian' : 'student', school: 'lhs' } as const]),
  ),
  skipReason: new Map([
    ['s3', 'username-has-space'],
    ['x', 'disabled-user'],
    ...(guardian ? [] : ([['g1', 'role-not-synced']] as const)),
  ]),
  groupOf: new Map([
    ['t1', 'teacher'],
    ['s1', 'student'],
    ['s2', 'student'],
    ['s3', 'student'],
    ['g1', 'guardian'],
    ['x', 'student'],
  ]),
});

describe('planEnrollments', () => {
  it('imports new ones, re-imports a changed admin flag, removes only recorded ones IC dropped (never adopted ones)', () => {
    const plan = planEnrollments({
      enrollments: [
        enr('c1', 't1', 'teacher'),
        enr('c1', 's1', 'student'),
        enr('c1', 's2', 'student'),
        enr('c2', 's1', 'student'),
        enr('c2', 's1', 'aide'),
        enr('c2', 's2', 'student', 'tobedeleted'),
        enr('c3', 's1', 'student'),
        enr('c1', 's3', 'student'),
        enr('c1', 'x', 'student'),
        enr('c1', 'g1', 'guardian'),
        enr('c9', 's1', 'student'),
      ],
      classes,
      users,
      classScope,
      userScope: userScope(false),
      made: [
        { sectionSchoolCode: 'c1', schoolUid: 'uid-t1', admin: true, adopted: false },
        { sectionSchoolCode: 'c1', schoolUid: 'uid-s1', admin: true, adopted: true },
        { sectionSchoolCode: 'c2', schoolUid: 'uid-s2', admin: false, adopted: false },
        { sectionSchoolCode: 'c3', schoolUid: 'uid-s1', admin: false, adopted: false },
        { sectionSchoolCode: 'c1', schoolUid: 'uid-x', admin: false, adopted: false },
        { sectionSchoolCode: 'c2', schoolUid: 'uid-t1', admin: true, adopted: true },
      ],
    });
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.key, w.fields.admin])).toEqual([
      ['update', 'c1/uid-s1', false],
      ['create', 'c1/uid-s2', false],
      ['create', 'c2/uid-s1', true],
      ['remove', 'c2/uid-s2', false],
    ]);
    expect(plan.skipped.map((s) => [s.key, s.reason])).toEqual([
      ['c1/uid-g1', 'role-not-synced'],
      ['c1/uid-s3', 'username-has-space'],
      ['c1/uid-x', 'disabled-user'],
      ['c3/uid-s1', 'unmapped-term'],
      ['c9/uid-s1', 'unknown-reference'],
    ]);
  });
});

describe('planParentLinks', () => {
  const all = [...users.values(), user('s2', 'student', ['g1'])];
  it('links guardians and students named as agents on either side, when guardians are synced', () => {
    const plan = planParentLinks(all, userScope(true), true, [{ parentUid: 'uid-g1', studentUid: 'uid-s1' }]);
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.key])).toEqual([['create', 'parent:uid-g1/uid-s2']]);
  });
  it('writes no links when guardians are not synced, but still removes recorded links IC dropped', () => {
    const plan = planParentLinks([...users.values()], userScope(false), false, [
      { parentUid: 'uid-g1', studentUid: 'uid-s1' },
      { parentUid: 'uid-g1', studentUid: 'uid-s9' },
    ]);
    expect(plan.writes.map((w) => [w.action, w.key])).toEqual([['remove', 'parent:uid-g1/uid-s9']]);
    expect(plan.skipped).toEqual([]);
  });
});
