/** `POST /users?update_existing=1`: bulk create-or-update by `school_uid`. */
import { bulkWrite } from './bulk.ts';
import type { SchoologyHttp } from './http.ts';
import { NewUser, type BulkItemResult } from './schemas.ts';

export function upsertUsers(api: SchoologyHttp, users: readonly NewUser[]): Promise<BulkItemResult[]> {
  return bulkWrite(api, {
    items: users,
    item: NewUser,
    url: api.url('/users', { update_existing: 1 }),
    body: (user) => ({ users: { user } }),
    answerKey: 'user',
    idempotent: true,
  });
}
