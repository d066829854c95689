/** `POST /users/import/associations/parents`: links (or, with `delete: 1`, unlinks) guardians and students by `school_uid`. */
import { bulkWrite } from './bulk.ts';
import type { SchoologyHttp } from './http.ts';
import { ParentLinkImport, type BulkItemResult } from './schemas.ts';

export function importParentLinks(api: SchoologyHttp, items: readonly ParentLinkImport[]): Promise<BulkItemResult[]> {
  return bulkWrite(api, {
    items,
    item: ParentLinkImport,
    url: api.url('/users/import/associations/parents'),
    body: (association) => ({ associations: { association } }),
    answerKey: 'association',
    idempotent: true,
  });
}
