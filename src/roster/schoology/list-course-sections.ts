/** `GET /courses/{id}/sections`. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { Section } from './schemas.ts';

export function listCourseSections(api: SchoologyHttp, courseId: string): Promise<Section[]> {
  return listAll(api, `/courses/${encodeURIComponent(courseId)}/sections`, {}, 'section', Section);
}
