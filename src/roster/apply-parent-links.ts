/**
 * Imports the planned parent links (`POST /users/import/associations/parents`, 50 a call) and
 * removals of links IC dropped, recording what Schoology accepted. Counted with the enrollments.
 */
import { forgetMadeParentLinks, recordMadeParentLinks, type MadeParentLink } from '../store/schoology-enrollments.ts';
import type { ApplyContext } from './apply-context.ts';
import { applySlice, dependencyFailed, flushLog, outcomeOf } from './apply-context.ts';
import type { ParentLinkFields } from './plan-parent-links.ts';
import type { KindPlan, PlannedWrite } from './plan-types.ts';

export async function applyParentLinks(ctx: ApplyContext, plan: KindPlan<ParentLinkFields>): Promise<void> {
  const ready: PlannedWrite<ParentLinkFields>[] = [];
  for (const write of plan.writes) {
    const { parentUid, studentUid } = write.fields;
    if (write.action !== 'remove' && !(ctx.usersInSchoology.has(parentUid) && ctx.usersInSchoology.has(studentUid))) dependencyFailed(ctx, 'enrollments', write, 'the guardian or the student');
    else ready.push(write);
  }
  for (let start = 0; start < ready.length; start += applySlice) {
    const slice = ready.slice(start, start + applySlice);
    const items = slice.map((w) => ({ parent_uid: w.fields.parentUid, student_uid: w.fields.studentUid, ...(w.action === 'remove' ? { delete: 1 as const } : {}) }));
    const results = await ctx.client.importParentLinks(items);
    const made: MadeParentLink[] = [];
    const removed: MadeParentLink[] = [];
    for (const result of results) {
      const write = slice[result.index]!;
      if (!result.ok) {
        ctx.log.wrote('enrollments', write, 'failed', result.message ?? `Schoology answered ${result.code}`);
        continue;
      }
      (write.action === 'remove' ? removed : made).push(write.fields);
      ctx.log.wrote('enrollments', write, outcomeOf(write.action));
    }
    await recordMadeParentLinks(ctx.store, ctx.runId, made, ctx.now());
    await forgetMadeParentLinks(ctx.store, removed);
  }
  await flushLog(ctx);
}
