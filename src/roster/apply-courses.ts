/** Upserts the planned courses by course_code (`POST /courses?update_existing=1`, 50 a call), each item's answer checked. */
import type { ApplyContext } from './apply-context.ts';
import { applySlice, dependencyFailed, flushLog, outcomeOf, resolveRef } from './apply-context.ts';
import type { CourseFields, CoursePlan } from './plan-courses.ts';
import type { PlannedWrite } from './plan-types.ts';
import type { NewCourse } from './schoology/index.ts';

export async function applyCourses(ctx: ApplyContext, plan: CoursePlan): Promise<void> {
  const ready: Array<{ write: PlannedWrite<CourseFields>; course: NewCourse }> = [];
  for (const write of plan.writes) {
    const building = resolveRef(ctx.created.buildings, write.fields.building);
    if (building === null) dependencyFailed(ctx, 'courses', write, 'its building');
    else ready.push({ write, course: { title: write.fields.title, course_code: write.fields.courseCode, building_id: building } });
  }
  for (let start = 0; start < ready.length; start += applySlice) {
    const slice = ready.slice(start, start + applySlice);
    const results = await ctx.client.upsertCourses(slice.map((r) => r.course));
    for (const result of results) {
      const { write } = slice[result.index]!;
      if (result.ok && result.id !== undefined) {
        ctx.created.courses.set(write.key, result.id);
        ctx.log.wrote('courses', write, outcomeOf(write.action));
      } else {
        ctx.log.wrote('courses', write, 'failed', result.message ?? `Schoology answered ${result.code}${result.ok ? ' without a course ID' : ''}`);
      }
    }
    await flushLog(ctx);
  }
}
