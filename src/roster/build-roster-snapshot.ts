/**
 * The roster mappings grade passback and the status page read (`replaceRosterSnapshot`): every
 * school, every term of the active year (with its Schoology grading period when provisioned), every
 * active-year class with its terms (and Schoology section), every active user with the school_uid
 * Schoology knows them by, and the enrollments of those classes. Independent of what was
 * provisioned: `schools`, `terms` and `roles` only govern what goes to Schoology. Pure.
 */
import type { RosterSnapshot } from '../store/roster-mappings.ts';
import { schoolYearOf } from './plan-grading-periods.ts';
import { isActiveYearClass } from './plan-sections.ts';
import { uidOfUser } from './plan-users.ts';
import type { IcRoster } from './roster-types.ts';

/** Schoology IDs of what was provisioned; absent in mappings-only mode. */
export interface ProvisionedIds {
  buildingOf(schoolSourcedId: string): string | null;
  periodOf(termSourcedId: string): { id: string; title: string | null } | null;
  sectionOf(classSourcedId: string): string | null;
}

export function buildRosterSnapshot(roster: IcRoster, settings: { activeYear: string; userUid: 'sourcedId' | 'identifier' }, ids: ProvisionedIds | null): RosterSnapshot {
  const schoolYear = schoolYearOf(settings.activeYear);
  const schoolIds = new Set(roster.schools.filter((s) => s.status === 'active').map((s) => s.sourcedId));
  const sessions = new Map(roster.sessions.map((s) => [s.sourcedId, s]));
  const courses = new Map(roster.courses.map((c) => [c.sourcedId, c]));

  const terms = roster.sessions
    .filter((s) => s.status === 'active' && s.schoolYear === schoolYear)
    .map((s) => {
      const period = ids?.periodOf(s.sourcedId) ?? null;
      return {
        sourced_id: s.sourcedId,
        title: s.title,
        type: s.type,
        school_year: s.schoolYear,
        start_date: s.startDate,
        end_date: s.endDate,
        // A term of the district (or one IC does not place) applies to every school.
        school_sourced_id: s.orgSourcedId !== null && schoolIds.has(s.orgSourcedId) ? s.orgSourcedId : null,
        grading_period_id: period?.id ?? null,
        grading_period_title: period?.title ?? null,
      };
    });

  const classes = roster.classes
    .filter((c) => c.status === 'active' && isActiveYearClass(c, sessions, schoolYear))
    .map((c) => ({
      sourced_id: c.sourcedId,
      title: c.title,
      class_code: c.classCode,
      course_sourced_id: c.courseSourcedId,
      course_title: c.courseSourcedId ? (courses.get(c.courseSourcedId)?.title ?? null) : null,
      school_sourced_id: c.schoolSourcedId,
      term_sourced_ids: JSON.stringify(c.termSourcedIds.filter((t) => sessions.get(t)?.schoolYear === schoolYear)),
      section_id: ids?.sectionOf(c.sourcedId) ?? null,
    }));
  const classIds = new Set(classes.map((c) => c.sourced_id));

  const users = roster.users
    .filter((u) => u.status === 'active')
    .map((u) => ({
      sourced_id: u.sourcedId,
      uid: uidOfUser(u, settings.userUid) ?? u.sourcedId,
      identifier: u.identifier,
      role: u.roles[0]?.role ?? 'unknown',
      given_name: u.givenName,
      family_name: u.familyName,
      email: u.email,
      username: u.username,
    }));
  const userIds = new Set(users.map((u) => u.sourced_id));

  const seen = new Set<string>();
  const enrollments = roster.enrollments.flatMap((e) => {
    const key = `${e.classSourcedId}\u0000${e.userSourcedId}\u0000${e.role}`;
    if (e.status !== 'active' || !classIds.has(e.classSourcedId) || !userIds.has(e.userSourcedId) || seen.has(key)) return [];
    seen.add(key);
    return [{ class_sourced_id: e.classSourcedId, user_sourced_id: e.userSourcedId, role: e.role }];
  });

  return {
    schools: roster.schools
      .filter((s) => s.status === 'active')
      .map((s) => ({ sourced_id: s.sourcedId, identifier: s.identifier, name: s.name, building_id: ids?.buildingOf(s.sourcedId) ?? null })),
    terms,
    classes,
    users,
    enrollments,
  };
}
