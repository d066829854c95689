/** `GET /roles`: role IDs are looked up by title at the start of a run. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { Role } from './schemas.ts';

export function listRoles(api: SchoologyHttp): Promise<Role[]> {
  return listAll(api, '/roles', {}, 'role', Role);
}
