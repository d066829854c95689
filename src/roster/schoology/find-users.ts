/** `GET /users?school_uids=a,b`: users by `school_uid`, 50 keys per lookup. */
import type { SchoologyHttp } from './http.ts';
import { chunk } from '../../chunk.ts';
import { listAll } from './paging.ts';
import { LOOKUP_LIMIT, User } from './schemas.ts';

export async function findUsersBySchoolUid(api: SchoologyHttp, uids: readonly string[]): Promise<User[]> {
  const found: User[] = [];
  for (const keys of chunk([...new Set(uids)], LOOKUP_LIMIT)) {
    found.push(...(await listAll(api, '/users', { school_uids: keys.join(',') }, 'user', User)));
  }
  return found;
}
