/**
 * The whole provisioning plan, from the IC roster, the config and what Schoology holds: buildings,
 * grading periods, users, parent links, courses, sections and enrollments, in the order they must
 * be written. Pure: the pipeline reads IC and Schoology, hands everything in, and applies the result.
 */
import type { RosterConfig } from '../config/schema.ts';
import type { MadeEnrollment, MadeParentLink } from '../store/schoology-enrollments.ts';
import { planBuildings, schoolRule, type BuildingPlan } from './plan-buildings.ts';
import { planCourses, type CoursePlan } from './plan-courses.ts';
import { planEnrollments, type EnrollmentFields } from './plan-enrollments.ts';
import { planGradingPeriods, schoolYearOf, termsUsedByClasses, type GradingPeriodPlan } from './plan-grading-periods.ts';
import { planParentLinks, type ParentLinkFields } from './plan-parent-links.ts';
import { planSections, scopeClasses, type ClassScope, type SectionFields } from './plan-sections.ts';
import type { KindPlan } from './plan-types.ts';
import { planUsers, resolveRoleIds, roleGroupOf, uidOfUser, type UserPlan } from './plan-users.ts';
import type { IcRoster } from './roster-types.ts';
import type { Building, Course, GradingPeriod, Role, Section, User } from './schoology/index.ts';

export type RosterSettings = Pick<RosterConfig, 'activeYear' | 'schools' | 'terms' | 'roles' | 'userUid'>;

/** What Schoology holds of the district, as far as the plan needs it. */
export interface SchoologyHoldings {
  buildings: Building[];
  gradingPeriods: GradingPeriod[];
  roles: Role[];
  /** By school_uid. */
  users: Map<string, User>;
  /** By course_code. */
  courses: Map<string, Course>;
  /** By section school code. */
  sections: Map<string, Section>;
}

export interface RosterPlan {
  buildings: BuildingPlan;
  gradingPeriods: GradingPeriodPlan;
  users: UserPlan;
  parentLinks: KindPlan<ParentLinkFields>;
  courses: CoursePlan;
  classes: ClassScope;
  sections: KindPlan<SectionFields>;
  enrollments: KindPlan<EnrollmentFields>;
}

/** The users and sections worth looking up in Schoology: those the plan may provision. */
export function lookupKeys(roster: IcRoster, settings: RosterSettings): { uids: string[]; sectionCodes: string[] } {
  const mappedSchools = new Set(roster.schools.filter((s) => s.status === 'active' && schoolRule(s, settings.schools).kind !== 'skip').map((s) => s.sourcedId));
  const uids = roster.users.flatMap((u) => {
    const uid = uidOfUser(u, settings.userUid);
    const group = u.roles[0] ? roleGroupOf(u.roles[0].role) : null;
    const role = group ? settings.roles[group] : undefined;
    const synced = role !== undefined && role.toLowerCase() !== 'skip';
    return uid !== null && u.status === 'active' && u.enabled && synced ? [uid] : [];
  });
  const sectionCodes = roster.classes.filter((c) => c.status === 'active' && mappedSchools.has(c.schoolSourcedId)).map((c) => c.sourcedId);
  return { uids: [...new Set(uids)].sort(), sectionCodes: [...new Set(sectionCodes)].sort() };
}

export function planRoster(
  roster: IcRoster,
  settings: RosterSettings,
  holdings: SchoologyHoldings,
  made: { enrollments: readonly MadeEnrollment[]; parentLinks: readonly MadeParentLink[] },
): RosterPlan {
  const schoolYear = schoolYearOf(settings.activeYear);
  const schoolsById = new Map(roster.schools.map((s) => [s.sourcedId, s]));
  const schoolIds = new Set(schoolsById.keys());
  const buildings = planBuildings(roster.schools, settings.schools, holdings.buildings);

  const gradingPeriods = planGradingPeriods({
    sessions: roster.sessions,
    usedBy: termsUsedByClasses(roster.classes, new Set(buildings.buildingOf.keys())),
    rules: settings.terms,
    schoolYear,
    existing: holdings.gradingPeriods,
    schoolLabel: (org) => {
      const school = schoolsById.get(org);
      return school ? (school.identifier ?? school.sourcedId) : null;
    },
  });

  const roleIds = resolveRoleIds(settings.roles, holdings.roles);
  const users = planUsers({
    users: roster.users,
    roleIds,
    buildingOf: buildings.buildingOf,
    schoolIds,
    userUid: settings.userUid,
    existing: holdings.users,
  });
  const parentLinks = planParentLinks(roster.users, users.scope, roleIds.has('guardian'), made.parentLinks);

  const classes = scopeClasses({
    classes: roster.classes,
    courses: new Map(roster.courses.map((c) => [c.sourcedId, c])),
    sessions: new Map(roster.sessions.map((s) => [s.sourcedId, s])),
    schoolYear,
    buildingOf: buildings.buildingOf,
    periodOf: gradingPeriods.periodOf,
  });
  const courses = planCourses(roster.courses, classes, buildings.buildingOf, schoolIds, holdings.courses);
  const sections = planSections(classes, courses.courseOf, holdings.sections);
  const enrollments = planEnrollments({
    enrollments: roster.enrollments,
    classes: new Map(roster.classes.map((c) => [c.sourcedId, c])),
    users: new Map(roster.users.map((u) => [u.sourcedId, u])),
    classScope: classes,
    userScope: users.scope,
    made: made.enrollments,
  });

  return {
    buildings,
    gradingPeriods,
    users,
    parentLinks,
    courses,
    classes,
    sections: { ...sections, skipped: classes.skipped },
    enrollments,
  };
}
