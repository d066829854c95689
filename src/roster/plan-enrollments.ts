/**
 * IC enrollments -> Schoology enrollments, imported by section school code and school_uid
 * (README "Roster rules in detail", Enrollments).
 *
 * - One Schoology enrollment per (class, user); `admin` 1 when any of the user's roles in the class
 *   is staff (teacher, administrator, aide, proctor), 0 for students. Guardian roles are not enrollments.
 * - Compared with what gradebridge recorded making (there is no cheap way to list every section's
 *   members): not recorded -> created; recorded with another admin flag -> re-imported (updated).
 * - Recorded ones IC no longer lists (active) are removed (`delete: 1`); those IC still lists stay,
 *   even when their class or user is no longer provisioned. Enrollments made by hand in Schoology
 *   are never removed: gradebridge has no record of them, or recorded them as adopted.
 * - An enrollment whose class or user is not provisioned is skipped with that class's or user's reason.
 */
import type { MadeEnrollment } from '../store/schoology-enrollments.ts';
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText } from './plan-types.ts';
import type { ClassScope } from './plan-sections.ts';
import type { UserScope } from './plan-users.ts';
import type { RosterClass, RosterEnrollment, RosterUser } from './roster-types.ts';

export interface EnrollmentFields {
  sectionSchoolCode: string;
  schoolUid: string;
  admin: boolean;
}

export interface PlanEnrollmentsInput {
  enrollments: readonly RosterEnrollment[];
  classes: ReadonlyMap<string, RosterClass>;
  users: ReadonlyMap<string, RosterUser>;
  classScope: ClassScope;
  userScope: UserScope;
  made: readonly MadeEnrollment[];
}

const memberRoles = new Set(['student']);
const notEnrolledRoles = new Set(['guardian', 'parent', 'relative']);

export function enrollmentKey(sectionSchoolCode: string, schoolUid: string): string {
  return `${sectionSchoolCode}/${schoolUid}`;
}

export function planEnrollments(input: PlanEnrollmentsInput): { writes: PlannedWrite<EnrollmentFields>[]; unchanged: number; skipped: PlannedSkip[] } {
  const roles = new Map<string, { classId: string; userId: string; roles: Set<string> }>();
  for (const e of input.enrollments) {
    if (e.status !== 'active') continue;
    const pair = `${e.classSourcedId}\u0000${e.userSourcedId}`;
    const entry = roles.get(pair) ?? { classId: e.classSourcedId, userId: e.userSourcedId, roles: new Set<string>() };
    entry.roles.add(e.role.toLowerCase());
    roles.set(pair, entry);
  }
  const made = new Map(input.made.map((m) => [enrollmentKey(m.sectionSchoolCode, m.schoolUid), m]));
  const listed = new Set<string>();
  const writes: PlannedWrite<EnrollmentFields>[] = [];
  const skipped: PlannedSkip[] = [];
  let unchanged = 0;

  const ordered = [...roles.values()].sort((a, b) => compareText(a.classId, b.classId) || compareText(a.userId, b.userId));
  for (const { classId, userId, roles: userRoles } of ordered) {
    const c = input.classes.get(classId);
    const uid = input.userScope.uidOf.get(userId);
    if (uid !== undefined) listed.add(enrollmentKey(classId, uid));
    const school = c?.schoolSourcedId ?? null;
    const key = enrollmentKey(classId, uid ?? userId);
    const skip = (reason: PlannedSkip['reason'], message: string) => skipped.push({ key, reason, school, section: classId, message });

    if (!c || c.status !== 'active' || !input.users.has(userId)) {
      skip('unknown-reference', `IC lists no active ${c && c.status === 'active' ? `user ${userId}` : `class ${classId}`}`);
      continue;
    }
    const staff = [...userRoles].some((r) => !memberRoles.has(r) && !notEnrolledRoles.has(r));
    if (!staff && ![...userRoles].some((r) => memberRoles.has(r))) {
      skip('role-not-synced', `enrollment role ${[...userRoles].join(', ')} is not a section role`);
      continue;
    }
    const classReason = input.classScope.skipReason.get(classId);
    if (classReason) {
      skip(classReason, `class ${classId} is not provisioned (${classReason})`);
      continue;
    }
    const user = input.userScope.provisioned.get(userId);
    if (!user) {
      const reason = input.userScope.skipReason.get(userId) ?? 'unknown-reference';
      skip(reason, `user ${userId} is not provisioned (${reason})`);
      continue;
    }
    const recorded = made.get(enrollmentKey(classId, user.uid));
    if (recorded && recorded.admin === staff) {
      unchanged += 1;
      continue;
    }
    writes.push({
      action: recorded ? 'update' : 'create',
      key: enrollmentKey(classId, user.uid),
      existingId: null,
      fields: { sectionSchoolCode: classId, schoolUid: user.uid, admin: staff },
      school,
      section: classId,
      changes: recorded ? ['admin'] : [],
    });
  }

  for (const m of [...made.values()].sort((a, b) => compareText(a.sectionSchoolCode, b.sectionSchoolCode) || compareText(a.schoolUid, b.schoolUid))) {
    const key = enrollmentKey(m.sectionSchoolCode, m.schoolUid);
    if (listed.has(key) || m.adopted) continue;
    writes.push({
      action: 'remove',
      key,
      existingId: null,
      fields: { sectionSchoolCode: m.sectionSchoolCode, schoolUid: m.schoolUid, admin: m.admin },
      school: input.classes.get(m.sectionSchoolCode)?.schoolSourcedId ?? null,
      section: m.sectionSchoolCode,
      changes: [],
    });
  }
  return { writes, unchanged, skipped };
}
