/** `GET /sections/{id}/enrollments`: who is in a section, and who is its admin. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { Enrollment } from './schemas.ts';

export function listSectionEnrollments(api: SchoologyHttp, sectionId: string): Promise<Enrollment[]> {
  return listAll(api, `/sections/${encodeURIComponent(sectionId)}/enrollments`, {}, 'enrollment', Enrollment);
}
