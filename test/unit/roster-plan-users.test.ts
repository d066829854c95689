import { describe, expect, it } from 'vitest';
import { planUsers, resolveRoleIds, roleGroupOf, type PlanUsersInput } from '../../src/roster/plan-users.ts';
import type { RosterUser, SchoologyRef } from '../../src/roster/roster-types.ts';
import type { User } from '../../src/roster/schoology/index.ts';

const user = (sourcedId: string, role: string, orgs: string[], extra: Partial<RosterUser> = {}): RosterUser => ({
  sourcedId,
  status: 'active',
  enabled: true,
  username: `${sourcedId}.name`,
  givenName: 'Given',
  familyName: 'Family',
  preferredFirstName: null,
  email: `${sourcedId}@example.org`,
  identifier: `id-${sourcedId}`,
  roles: orgs.map((org, i) => ({ roleType: i === 0 ? 'primary' : 'secondary', role, orgSourcedId: org })),
  agents: [],
  ...extra,
});
const roleIds = new Map([
  ['student', '261'],
  ['teacher', '262'],
] as const);
const input = (users: RosterUser[], over: Partial<PlanUsersInput> = {}): PlanUsersInput => ({
  users,
  roleIds,
  buildingOf: new Map<string, SchoologyRef>([
    ['lhs', { id: '10' }],
    ['wms', { planned: 'WMS' }],
  ]),
  schoolIds: new Set(['lhs', 'wms', 'rhs']),
  userUid: 'sourcedId',
  existing: new Map(),
  ...over,
});

describe('roleGroupOf', () => {
  it.each([
    ['student', 'student'],
    ['Teacher', 'teacher'],
    ['parent', 'guardian'],
    ['relative', 'guardian'],
    ['guardian', 'guardian'],
    ['aide', null],
  ])('%s -> %s', (role, group) => expect(roleGroupOf(role)).toBe(group));
});

describe('resolveRoleIds', () => {
  const roles = [
    { id: '261', title: 'Student' },
    { id: '262', title: 'Teacher' },
  ];
  it('looks role titles up case-insensitively and leaves skip out', () => {
    expect(resolveRoleIds({ student: 'student', teacher: 'Teacher', guardian: 'skip' }, roles)).toEqual(new Map([['student', '261'], ['teacher', '262']]));
  });
  it('stops on a title Schoology does not know', () => {
    expect(() => resolveRoleIds({ administrator: 'School Admin' }, roles)).toThrow(expect.objectContaining({ code: 'SCHOOLOGY_ROLE_UNKNOWN' }));
  });
});

describe('planUsers', () => {
  it('reports each skip reason, first applicable first', () => {
    const plan = planUsers(
      input([
        user('u1', 'student', ['lhs'], { enabled: false, username: 'has space' }),
        user('u2', 'student', ['lhs'], { status: 'tobedeleted' }),
        user('u3', 'administrator', ['lhs']),
        user('u4', 'aide', ['lhs']),
        user('u5', 'student', ['rhs']),
        user('u6', 'teacher', ['district']),
        user('u7', 'student', ['lhs'], { username: 'ana lucia' }),
      ]),
    );
    expect(plan.skipped.map((s) => [s.key, s.reason])).toEqual([
      ['u1', 'disabled-user'],
      ['u2', 'disabled-user'],
      ['u3', 'role-not-synced'],
      ['u4', 'role-not-synced'],
      ['u5', 'unmapped-school'],
      ['u6', 'unmapped-school'],
      ['u7', 'username-has-space'],
    ]);
    expect(plan.writes).toEqual([]);
  });

  it('puts the user in the building of the first mapped school and the others in additional_buildings', () => {
    const plan = planUsers(input([user('t1', 'teacher', ['rhs', 'lhs', 'wms', 'lhs'])]));
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({
      action: 'create',
      key: 't1',
      school: 'lhs',
      fields: { schoolUid: 't1', roleId: '262', building: { id: '10' }, additionalBuildings: [{ planned: 'WMS' }] },
    });
  });

  it('uses the identifier as school_uid when configured, and skips users without one', () => {
    const plan = planUsers(input([user('s1', 'student', ['lhs']), user('s2', 'student', ['lhs'], { identifier: null })], { userUid: 'identifier' }));
    expect(plan.writes.map((w) => w.key)).toEqual(['id-s1']);
    expect(plan.skipped.map((s) => [s.key, s.reason])).toEqual([['s2', 'no-identifier']]);
    expect(plan.scope.uidOf.get('s1')).toBe('id-s1');
  });

  it('leaves users equal to Schoology alone and updates the fields that differ', () => {
    const same: User = {
      id: '501',
      school_uid: 's1',
      name_first: 'Given',
      name_last: 'Family',
      name_first_preferred: undefined,
      username: 's1.name',
      primary_email: 'S1@EXAMPLE.ORG',
      role_id: '261',
      building_id: '10',
      additional_buildings: [],
    };
    const plan = planUsers(
      input([user('s1', 'student', ['lhs']), user('s2', 'student', ['lhs'], { preferredFirstName: 'Gee' })], {
        existing: new Map([
          ['s1', same],
          ['s2', { ...same, id: '502', school_uid: 's2', username: 's2.name', primary_email: 's2@example.org', name_first_preferred: 'Old', building_id: '11' }],
        ]),
      }),
    );
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.key, w.existingId, w.changes])).toEqual([['update', 's2', '502', ['name_first_preferred', 'building_id']]]);
  });
});
