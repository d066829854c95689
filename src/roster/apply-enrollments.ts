/**
 * Imports the planned enrollments (`POST /enrollments/import/course`, 50 a call): additions,
 * re-flagged admins and removals (`delete: 1`) go together. Each accepted item is recorded (or,
 * for a removal, forgotten) in the store right after its slice, so a run killed midway loses
 * nothing it did; a removal Schoology reports as already gone counts as done. An addition Schoology
 * answers 200 rather than 201 was already there (enrolled by hand): it is recorded as adopted and
 * never removed.
 */
import { forgetMadeEnrollments, recordMadeEnrollments, type MadeEnrollment } from '../store/schoology-enrollments.ts';
import type { ApplyContext } from './apply-context.ts';
import { applySlice, dependencyFailed, flushLog, outcomeOf } from './apply-context.ts';
import type { EnrollmentFields } from './plan-enrollments.ts';
import type { KindPlan, PlannedWrite } from './plan-types.ts';
import type { EnrollmentImport } from './schoology/index.ts';

function toImport(write: PlannedWrite<EnrollmentFields>): EnrollmentImport {
  const f = write.fields;
  return { section_school_code: f.sectionSchoolCode, school_uid: f.schoolUid, admin: f.admin ? 1 : 0, ...(write.action === 'remove' ? { delete: 1 as const } : {}) };
}

export async function applyEnrollments(ctx: ApplyContext, plan: KindPlan<EnrollmentFields>): Promise<void> {
  const ready: PlannedWrite<EnrollmentFields>[] = [];
  for (const write of plan.writes) {
    if (write.action !== 'remove' && !ctx.sectionIds.has(write.fields.sectionSchoolCode)) dependencyFailed(ctx, 'enrollments', write, 'its section');
    else if (write.action !== 'remove' && !ctx.usersInSchoology.has(write.fields.schoolUid)) dependencyFailed(ctx, 'enrollments', write, 'its user');
    else ready.push(write);
  }
  for (let start = 0; start < ready.length; start += applySlice) {
    const slice = ready.slice(start, start + applySlice);
    const results = await ctx.client.importEnrollments(slice.map(toImport));
    const made: MadeEnrollment[] = [];
    const removed: MadeEnrollment[] = [];
    for (const result of results) {
      const write = slice[result.index]!;
      if (!result.ok) {
        ctx.log.wrote('enrollments', write, 'failed', result.message ?? `Schoology answered ${result.code}`);
        continue;
      }
      const adopted = write.action === 'create' && result.code === 200;
      const enrollment = { sectionSchoolCode: write.fields.sectionSchoolCode, schoolUid: write.fields.schoolUid, admin: write.fields.admin, adopted };
      (write.action === 'remove' ? removed : made).push(enrollment);
      ctx.log.wrote('enrollments', write, outcomeOf(write.action), adopted ? 'already in Schoology (enrolled by hand): adopted, never removed' : null);
    }
    await recordMadeEnrollments(ctx.store, ctx.runId, made, ctx.now());
    await forgetMadeEnrollments(ctx.store, removed);
    await flushLog(ctx);
    ctx.onProgress?.({ stage: 'enrollments', done: Math.min(start + applySlice, ready.length), total: ready.length });
  }
  await flushLog(ctx);
}
