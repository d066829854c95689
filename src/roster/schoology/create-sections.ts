/**
 * `POST /courses/{id}/sections`: bulk create under one course. Without `update_existing`: that
 * option matches on section code plus grading periods, so existing sections are updated by ID
 * (update-section.ts) instead. Not repeated after a 5xx or timeout (it may have created them).
 */
import { bulkWrite } from './bulk.ts';
import type { SchoologyHttp } from './http.ts';
import { NewSection, type BulkItemResult } from './schemas.ts';

export function createSections(api: SchoologyHttp, courseId: string, sections: readonly NewSection[]): Promise<BulkItemResult[]> {
  return bulkWrite(api, {
    items: sections,
    item: NewSection,
    url: api.url(`/courses/${encodeURIComponent(courseId)}/sections`),
    body: (section) => ({ sections: { section } }),
    answerKey: 'section',
    idempotent: false,
  });
}
