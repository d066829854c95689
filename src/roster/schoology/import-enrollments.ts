/**
 * `POST /enrollments/import/course`: adds enrollments by section school code and `school_uid`
 * (`admin: 1` for teachers), re-flags existing ones, and removes those marked `delete: 1`.
 */
import { bulkWrite } from './bulk.ts';
import type { SchoologyHttp } from './http.ts';
import { EnrollmentImport, type BulkItemResult } from './schemas.ts';

export function importEnrollments(api: SchoologyHttp, items: readonly EnrollmentImport[]): Promise<BulkItemResult[]> {
  return bulkWrite(api, {
    items,
    item: EnrollmentImport,
    url: api.url('/enrollments/import/course'),
    body: (enrollment) => ({ enrollments: { enrollment } }),
    answerKey: 'enrollment',
    idempotent: true,
  });
}
