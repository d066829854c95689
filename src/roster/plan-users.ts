/**
 * IC users -> Schoology users, upserted by `school_uid` (README "Roster rules in detail", Users).
 *
 * Checks, in this order (the first that applies is the reason): `disabled-user` (tobedeleted or
 * `enabledUser: false`; an existing Schoology user is left as it is), `role-not-synced` (the primary
 * role is not in `roles` or is mapped to `skip`; OneRoster parent, guardian and relative count as
 * guardian), `unmapped-school` (none of the user's schools is mapped; orgs that are not schools,
 * such as the district, do not count), `username-has-space`, and `no-identifier` (`userUid:
 * identifier` and IC gives none). The building is the mapped school of the first role (the primary
 * one first); the other mapped schools become `additional_buildings`.
 */
import { SchoologyError } from '../errors.ts';
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText, refIs } from './plan-types.ts';
import type { RosterSkipReason, RosterUser, SchoologyRef } from './roster-types.ts';
import { refKey } from './roster-types.ts';
import type { Role, User } from './schoology/index.ts';

export const roleGroups = ['student', 'teacher', 'administrator', 'guardian'] as const;
export type RoleGroup = (typeof roleGroups)[number];
export type RolesConfig = Partial<Record<RoleGroup, string>>;

const groupOfRole: Record<string, RoleGroup> = {
  student: 'student',
  teacher: 'teacher',
  administrator: 'administrator',
  parent: 'guardian',
  guardian: 'guardian',
  relative: 'guardian',
};

/** The role group of a OneRoster role, or null for roles gradebridge never syncs (aide, proctor...). */
export function roleGroupOf(role: string): RoleGroup | null {
  return groupOfRole[role.toLowerCase()] ?? null;
}

/** The Schoology role ID of every synced role group; a configured title Schoology does not know stops the run. */
export function resolveRoleIds(roles: RolesConfig, schoologyRoles: readonly Role[]): Map<RoleGroup, string> {
  const byTitle = new Map(schoologyRoles.map((r) => [r.title.trim().toLowerCase(), r.id]));
  const ids = new Map<RoleGroup, string>();
  const unknown: string[] = [];
  for (const group of roleGroups) {
    const title = roles[group];
    if (title === undefined || title.trim().toLowerCase() === 'skip') continue;
    const id = byTitle.get(title.trim().toLowerCase());
    if (id === undefined) unknown.push(`${group}: "${title}"`);
    else ids.set(group, id);
  }
  if (unknown.length > 0) {
    throw new SchoologyError('SCHOOLOGY_ROLE_UNKNOWN', `Schoology has no role named ${unknown.join(', ')} (rosterProvisioning.roles).`, {
      remedy: `Use one of Schoology's role titles: ${schoologyRoles.map((r) => r.title).join(', ')}; or "skip".`,
    });
  }
  return ids;
}

export interface UserFields {
  schoolUid: string;
  nameFirst: string;
  nameLast: string;
  nameFirstPreferred: string | null;
  username: string | null;
  email: string | null;
  roleId: string;
  building: SchoologyRef;
  additionalBuildings: SchoologyRef[];
}

export interface ProvisionedUser {
  uid: string;
  group: RoleGroup;
  /** IC sourcedId of the school of the user's building. */
  school: string;
}

export interface UserScope {
  /** school_uid of every IC user that has one (provisioned or not). */
  uidOf: Map<string, string>;
  provisioned: Map<string, ProvisionedUser>;
  skipReason: Map<string, RosterSkipReason>;
  /** The role group of every user with a synced or unsynced known role, for parent links. */
  groupOf: Map<string, RoleGroup>;
}

export interface UserPlan {
  writes: PlannedWrite<UserFields>[];
  unchanged: number;
  skipped: PlannedSkip[];
  scope: UserScope;
}

export interface PlanUsersInput {
  users: readonly RosterUser[];
  roleIds: ReadonlyMap<RoleGroup, string>;
  /** Mapped IC school sourcedId -> its building. */
  buildingOf: ReadonlyMap<string, SchoologyRef>;
  /** Every IC school sourcedId (mapped or not). */
  schoolIds: ReadonlySet<string>;
  userUid: 'sourcedId' | 'identifier';
  /** Schoology users found by school_uid. */
  existing: ReadonlyMap<string, User>;
}

export function uidOfUser(user: RosterUser, userUid: 'sourcedId' | 'identifier'): string | null {
  return userUid === 'identifier' ? user.identifier : user.sourcedId;
}

function sameText(a: string | null | undefined, b: string | null | undefined, caseless = false): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null) return x === y;
  return caseless ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/** The fields that differ between what IC says and what Schoology holds. */
export function userChanges(fields: UserFields, existing: User): string[] {
  const changes: string[] = [];
  if (fields.nameFirst !== existing.name_first) changes.push('name_first');
  if (fields.nameLast !== existing.name_last) changes.push('name_last');
  if (!sameText(fields.nameFirstPreferred, existing.name_first_preferred)) changes.push('name_first_preferred');
  if (!sameText(fields.username, existing.username)) changes.push('username');
  if (!sameText(fields.email, existing.primary_email, true)) changes.push('primary_email');
  if (fields.roleId !== existing.role_id) changes.push('role_id');
  if (!refIs(fields.building, existing.building_id ?? null)) changes.push('building_id');
  const want = fields.additionalBuildings.map(refKey).sort();
  const have = existing.additional_buildings.map((id) => refKey({ id })).sort();
  if (want.join(',') !== have.join(',')) changes.push('additional_buildings');
  return changes;
}

export function planUsers(input: PlanUsersInput): UserPlan {
  const scope: UserScope = { uidOf: new Map(), provisioned: new Map(), skipReason: new Map(), groupOf: new Map() };
  const writes: PlannedWrite<UserFields>[] = [];
  const skipped: PlannedSkip[] = [];
  let unchanged = 0;

  for (const user of [...input.users].sort((a, b) => compareText(a.sourcedId, b.sourcedId))) {
    const uid = uidOfUser(user, input.userUid);
    if (uid !== null) scope.uidOf.set(user.sourcedId, uid);
    const primary = user.roles[0];
    const group = primary ? roleGroupOf(primary.role) : null;
    if (group) scope.groupOf.set(user.sourcedId, group);
    const schools = [...new Set(user.roles.map((r) => r.orgSourcedId).filter((o): o is string => o !== null && input.schoolIds.has(o)))];
    const mapped = schools.filter((s) => input.buildingOf.has(s));
    const homeSchool = mapped[0] ?? schools[0] ?? null;
    const skip = (reason: RosterSkipReason, message: string) => {
      scope.skipReason.set(user.sourcedId, reason);
      skipped.push({ key: uid ?? user.sourcedId, reason, school: homeSchool, section: null, message: `${userLabel(user)}: ${message}` });
    };

    if (user.status !== 'active' || !user.enabled) {
      skip('disabled-user', user.status !== 'active' ? 'marked tobedeleted in IC' : 'enabledUser is false in IC');
      continue;
    }
    const roleId = group ? input.roleIds.get(group) : undefined;
    if (!group || roleId === undefined) {
      skip('role-not-synced', `role ${primary?.role ?? '(none)'} is not synced (rosterProvisioning.roles)`);
      continue;
    }
    const building = mapped[0] !== undefined ? input.buildingOf.get(mapped[0]) : undefined;
    if (!building || homeSchool === null) {
      skip('unmapped-school', schools.length ? `school ${schools.join(', ')} is not mapped` : 'has no school in IC');
      continue;
    }
    if (user.username !== null && /\s/.test(user.username)) {
      skip('username-has-space', `username "${user.username}" contains a space`);
      continue;
    }
    if (uid === null) {
      skip('no-identifier', 'IC gives no identifier, and rosterProvisioning.userUid is identifier');
      continue;
    }

    const buildingKey = refKey(building);
    const additional = new Map<string, SchoologyRef>();
    for (const school of mapped.slice(1)) {
      const ref = input.buildingOf.get(school);
      if (ref && refKey(ref) !== buildingKey) additional.set(refKey(ref), ref);
    }
    const fields: UserFields = {
      schoolUid: uid,
      nameFirst: user.givenName ?? '',
      nameLast: user.familyName ?? '',
      nameFirstPreferred: user.preferredFirstName,
      username: user.username,
      email: user.email,
      roleId,
      building,
      additionalBuildings: [...additional.values()],
    };
    scope.provisioned.set(user.sourcedId, { uid, group, school: homeSchool });
    const existing = input.existing.get(uid);
    const changes = existing ? userChanges(fields, existing) : [];
    if (existing && changes.length === 0) {
      unchanged += 1;
      continue;
    }
    writes.push({
      action: existing ? 'update' : 'create',
      key: uid,
      existingId: existing?.id ?? null,
      fields,
      school: homeSchool,
      section: null,
      changes,
    });
  }
  return { writes, unchanged, skipped, scope };
}

function userLabel(user: RosterUser): string {
  const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
  return name ? `${name} (${user.sourcedId})` : user.sourcedId;
}
