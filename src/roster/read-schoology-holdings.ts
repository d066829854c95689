/**
 * Reads what Schoology already holds, for the plan to compare against: buildings, grading periods,
 * roles and courses in full, users and sections looked up by their keys (50 a call) for the IC
 * objects the plan may provision. Enrollments are not read: gradebridge compares them with its
 * own record of what it made (listing every section's members would cost a call per section).
 */
import type { SchoologyHoldings } from './plan-roster.ts';
import type { SchoologyClient } from './schoology/index.ts';

export async function readSchoologyHoldings(
  client: SchoologyClient,
  keys: { uids: readonly string[]; sectionCodes: readonly string[] },
): Promise<SchoologyHoldings> {
  const buildings = await client.listBuildings();
  const gradingPeriods = await client.listGradingPeriods();
  const roles = await client.listRoles();
  const courses = await client.listCourses();
  const users = keys.uids.length ? await client.findUsersBySchoolUid(keys.uids) : [];
  const sections = keys.sectionCodes.length ? await client.findSectionsBySchoolCode(keys.sectionCodes) : [];
  return {
    buildings,
    gradingPeriods,
    roles,
    users: new Map(users.map((u) => [u.school_uid, u])),
    courses: new Map(courses.flatMap((c) => (c.course_code === undefined ? [] : [[c.course_code, c] as const]))),
    sections: new Map(sections.flatMap((s) => (s.section_school_code === undefined ? [] : [[s.section_school_code, s] as const]))),
  };
}
