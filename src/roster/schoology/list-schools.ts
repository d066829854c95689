/** `GET /schools`: the district's schools (Schoology's "school" is the district; buildings sit under it). */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { School } from './schemas.ts';

export function listSchools(api: SchoologyHttp): Promise<School[]> {
  return listAll(api, '/schools', {}, 'school', School);
}
