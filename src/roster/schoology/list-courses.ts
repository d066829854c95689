/** `GET /courses`, optionally of one building. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { Course } from './schemas.ts';

export function listCourses(api: SchoologyHttp, buildingId?: string): Promise<Course[]> {
  return listAll(api, '/courses', { building_id: buildingId }, 'course', Course);
}
