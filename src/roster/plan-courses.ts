/**
 * IC courses -> Schoology courses, upserted by `course_code` = the IC course sourcedId (IC course
 * codes repeat across schools; Schoology's must not). A course is written only when at least one of
 * its classes is provisioned; otherwise it is skipped (`unmapped-school` when its own school is not
 * mapped, else `no-class-provisioned`). Its building is that of its school, or, for a course of the
 * district or an unmapped school, that of its first provisioned class.
 */
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText, refIs } from './plan-types.ts';
import type { ClassScope } from './plan-sections.ts';
import type { RosterCourse, SchoologyRef } from './roster-types.ts';
import type { Course } from './schoology/index.ts';

export interface CourseFields {
  title: string;
  courseCode: string;
  building: SchoologyRef;
}

export interface CoursePlan {
  /** Provisioned IC course sourcedId -> its Schoology course. */
  courseOf: Map<string, SchoologyRef>;
  writes: PlannedWrite<CourseFields>[];
  unchanged: number;
  skipped: PlannedSkip[];
}

export function planCourses(
  courses: readonly RosterCourse[],
  classes: ClassScope,
  buildingOf: ReadonlyMap<string, SchoologyRef>,
  schoolIds: ReadonlySet<string>,
  existing: ReadonlyMap<string, Course>,
): CoursePlan {
  const classesOf = new Map<string, string[]>();
  for (const { class: c } of classes.provisioned.values()) {
    if (!c.courseSourcedId) continue;
    const schools = classesOf.get(c.courseSourcedId) ?? [];
    schools.push(c.schoolSourcedId);
    classesOf.set(c.courseSourcedId, schools);
  }
  const plan: CoursePlan = { courseOf: new Map(), writes: [], unchanged: 0, skipped: [] };
  for (const course of [...courses].sort((a, b) => compareText(a.sourcedId, b.sourcedId))) {
    if (course.status !== 'active') continue;
    const classSchools = classesOf.get(course.sourcedId);
    const ownSchool = course.orgSourcedId !== null && schoolIds.has(course.orgSourcedId) ? course.orgSourcedId : null;
    if (!classSchools) {
      const unmapped = ownSchool !== null && !buildingOf.has(ownSchool);
      plan.skipped.push({
        key: course.sourcedId,
        reason: unmapped ? 'unmapped-school' : 'no-class-provisioned',
        school: ownSchool,
        section: null,
        message: `${course.title}: ${unmapped ? `school ${ownSchool} is not mapped` : 'none of its classes is provisioned'}`,
      });
      continue;
    }
    const school = ownSchool !== null && buildingOf.has(ownSchool) ? ownSchool : (classSchools[0] as string);
    const building = buildingOf.get(school) as SchoologyRef;
    const fields: CourseFields = { title: course.title, courseCode: course.sourcedId, building };
    const found = existing.get(course.sourcedId);
    const changes: string[] = [];
    if (found && found.title !== fields.title) changes.push('title');
    if (found && !refIs(building, found.building_id ?? null)) changes.push('building_id');
    plan.courseOf.set(course.sourcedId, found ? { id: found.id } : { planned: course.sourcedId });
    if (found && changes.length === 0) {
      plan.unchanged += 1;
      continue;
    }
    plan.writes.push({
      action: found ? 'update' : 'create',
      key: course.sourcedId,
      existingId: found?.id ?? null,
      fields,
      school,
      section: null,
      changes,
    });
  }
  return plan;
}
