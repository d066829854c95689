/** `POST /schools/{id}/buildings`: one building. Not idempotent, so not repeated after a 5xx or timeout. */
import type { SchoologyHttp } from './http.ts';
import { Building, NewBuilding } from './schemas.ts';

export function createBuilding(api: SchoologyHttp, schoolId: string, building: NewBuilding): Promise<Building> {
  return api.json(
    { method: 'POST', url: api.url(`/schools/${encodeURIComponent(schoolId)}/buildings`), body: NewBuilding.parse(building), idempotent: false },
    Building,
  );
}
