/** Creates the planned buildings (`POST /schools/{id}/buildings`, one call each: there is no bulk form). */
import type { ApplyContext } from './apply-context.ts';
import { flushLog, refusalMessage } from './apply-context.ts';
import type { BuildingPlan } from './plan-buildings.ts';

export async function applyBuildings(ctx: ApplyContext, plan: BuildingPlan): Promise<void> {
  for (const write of plan.writes) {
    try {
      const building = await ctx.client.createBuilding({ title: write.fields.title, building_code: write.fields.buildingCode });
      ctx.created.buildings.set(write.key, building.id);
      ctx.log.wrote('buildings', write, 'created');
    } catch (error) {
      ctx.log.wrote('buildings', write, 'failed', refusalMessage(error));
    }
  }
  await flushLog(ctx);
}
