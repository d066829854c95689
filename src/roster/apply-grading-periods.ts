/** Creates the planned grading periods (`POST /gradingperiods`, one call each: there is no bulk form). */
import type { ApplyContext } from './apply-context.ts';
import { flushLog, refusalMessage } from './apply-context.ts';
import type { GradingPeriodPlan } from './plan-grading-periods.ts';

export async function applyGradingPeriods(ctx: ApplyContext, plan: GradingPeriodPlan): Promise<void> {
  for (const write of plan.writes) {
    try {
      const period = await ctx.client.createGradingPeriod({ title: write.fields.title, start: write.fields.start, end: write.fields.end });
      ctx.created.gradingPeriods.set(write.key, period.id);
      ctx.log.wrote('gradingPeriods', write, 'created');
    } catch (error) {
      ctx.log.wrote('gradingPeriods', write, 'failed', refusalMessage(error));
    }
  }
  await flushLog(ctx);
}
