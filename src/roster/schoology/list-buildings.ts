/** `GET /schools/{id}/buildings`. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { Building } from './schemas.ts';

export function listBuildings(api: SchoologyHttp, schoolId: string): Promise<Building[]> {
  return listAll(api, `/schools/${encodeURIComponent(schoolId)}/buildings`, {}, 'building', Building);
}
