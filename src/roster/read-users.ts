/**
 * Users (`GET /users`): students, staff and guardians, with their roles per school and their
 * agents (guardian links). OneRoster 1.2 lists `roles[]`; 1.1 a single `role` and `orgs[]`.
 */
import type { z } from 'zod';
import { IcRef, IcUser } from '../load/ic-schemas.ts';
import { flag, statusOf, textOrNull } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterUser, type RosterUserRole } from './roster-types.ts';

export const IcUserWithAgents = IcUser.extend({ agents: IcRef.array().nullish(), primaryOrg: IcRef.nullish() });
type IcUserWithAgents = z.infer<typeof IcUserWithAgents>;

function rolesOf(user: IcUserWithAgents): RosterUserRole[] {
  if (user.roles?.length) {
    const roles = user.roles.map((r) => ({ roleType: textOrNull(r.roleType), role: r.role.trim(), orgSourcedId: r.org?.sourcedId ?? null }));
    // The primary role first; the order of the others is kept.
    const primary = roles.findIndex((r) => r.roleType === 'primary');
    return primary > 0 ? [roles[primary] as RosterUserRole, ...roles.filter((_, i) => i !== primary)] : roles;
  }
  const role = textOrNull(user.role);
  if (role === null) return [];
  const orgs = user.orgs?.map((o) => o.sourcedId) ?? [];
  const primaryOrg = user.primaryOrg?.sourcedId;
  const ordered = primaryOrg && orgs.includes(primaryOrg) ? [primaryOrg, ...orgs.filter((o) => o !== primaryOrg)] : orgs;
  if (ordered.length === 0) return [{ roleType: 'primary', role, orgSourcedId: null }];
  return ordered.map((org, i) => ({ roleType: i === 0 ? 'primary' : 'secondary', role, orgSourcedId: org }));
}

export function toRosterUser(user: IcUserWithAgents): RosterUser {
  return {
    sourcedId: user.sourcedId,
    status: statusOf(user.status),
    enabled: flag(user.enabledUser, true),
    username: textOrNull(user.username),
    givenName: textOrNull(user.givenName),
    familyName: textOrNull(user.familyName),
    preferredFirstName: textOrNull(user.preferredFirstName),
    email: textOrNull(user.email),
    identifier: textOrNull(user.identifier),
    roles: rolesOf(user),
    agents: user.agents?.map((a) => a.sourcedId) ?? [],
  };
}

export const usersCollection: RosterCollection<IcUserWithAgents, RosterUser> = {
  name: 'users',
  path: '/users',
  envelopeKey: 'users',
  schema: IcUserWithAgents,
  record: RosterUser,
  delta: true,
  toRecord: toRosterUser,
};
