/**
 * OneRoster agents -> Schoology parent associations (`POST /users/import/associations/parents`,
 * by school_uid), when guardians are mapped to a role. A link is a guardian and a student that name
 * each other as agents (either side is enough). Like enrollments: links are compared with what
 * gradebridge recorded making, and only recorded links IC no longer has are removed. They are
 * counted with the enrollments (the memberships of the roster), keyed `parent:<parent>/<student>`.
 */
import type { MadeParentLink } from '../store/schoology-enrollments.ts';
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText } from './plan-types.ts';
import type { UserScope } from './plan-users.ts';
import type { RosterUser } from './roster-types.ts';

export interface ParentLinkFields {
  parentUid: string;
  studentUid: string;
}

export function parentLinkKey(parentUid: string, studentUid: string): string {
  return `parent:${parentUid}/${studentUid}`;
}

export function planParentLinks(
  users: readonly RosterUser[],
  scope: UserScope,
  guardiansSynced: boolean,
  made: readonly MadeParentLink[],
): { writes: PlannedWrite<ParentLinkFields>[]; unchanged: number; skipped: PlannedSkip[] } {
  const links = new Map<string, { parent: string; student: string }>();
  for (const user of users) {
    if (user.status !== 'active') continue;
    const group = scope.groupOf.get(user.sourcedId);
    for (const agent of user.agents) {
      const other = scope.groupOf.get(agent);
      const pair =
        group === 'guardian' && other === 'student'
          ? { parent: user.sourcedId, student: agent }
          : group === 'student' && other === 'guardian'
            ? { parent: agent, student: user.sourcedId }
            : null;
      if (pair) links.set(`${pair.parent}\u0000${pair.student}`, pair);
    }
  }
  const recorded = new Set(made.map((m) => parentLinkKey(m.parentUid, m.studentUid)));
  const listed = new Set<string>();
  const writes: PlannedWrite<ParentLinkFields>[] = [];
  const skipped: PlannedSkip[] = [];
  let unchanged = 0;

  const ordered = [...links.values()].sort((a, b) => compareText(a.parent, b.parent) || compareText(a.student, b.student));
  for (const { parent, student } of ordered) {
    const parentUid = scope.uidOf.get(parent);
    const studentUid = scope.uidOf.get(student);
    if (parentUid === undefined || studentUid === undefined) continue;
    const key = parentLinkKey(parentUid, studentUid);
    listed.add(key);
    if (!guardiansSynced) continue;
    const parentUser = scope.provisioned.get(parent);
    const studentUser = scope.provisioned.get(student);
    if (!parentUser || !studentUser) {
      const [who, id] = parentUser ? ['student', student] : ['guardian', parent];
      const reason = scope.skipReason.get(id) ?? 'unknown-reference';
      skipped.push({ key, reason, school: studentUser?.school ?? parentUser?.school ?? null, section: null, message: `${who} ${id} is not provisioned (${reason})` });
      continue;
    }
    if (recorded.has(key)) {
      unchanged += 1;
      continue;
    }
    writes.push({ action: 'create', key, existingId: null, fields: { parentUid, studentUid }, school: studentUser.school, section: null, changes: [] });
  }
  for (const m of [...made].sort((a, b) => compareText(a.parentUid, b.parentUid) || compareText(a.studentUid, b.studentUid))) {
    const key = parentLinkKey(m.parentUid, m.studentUid);
    if (listed.has(key)) continue;
    writes.push({ action: 'remove', key, existingId: null, fields: { parentUid: m.parentUid, studentUid: m.studentUid }, school: null, section: null, changes: [] });
  }
  return { writes, unchanged, skipped };
}
