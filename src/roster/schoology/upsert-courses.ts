/** `POST /courses?update_existing=1`: bulk create-or-update by `course_code`. */
import { bulkWrite } from './bulk.ts';
import type { SchoologyHttp } from './http.ts';
import { NewCourse, type BulkItemResult } from './schemas.ts';

export function upsertCourses(api: SchoologyHttp, courses: readonly NewCourse[]): Promise<BulkItemResult[]> {
  return bulkWrite(api, {
    items: courses,
    item: NewCourse,
    url: api.url('/courses', { update_existing: 1 }),
    body: (course) => ({ courses: { course } }),
    answerKey: 'course',
    idempotent: true,
  });
}
