/** `GET /sections?section_school_codes=a,b`: sections by section school code, 50 keys per lookup. */
import type { SchoologyHttp } from './http.ts';
import { chunk } from '../../chunk.ts';
import { listAll } from './paging.ts';
import { LOOKUP_LIMIT, Section } from './schemas.ts';

export async function findSectionsBySchoolCode(api: SchoologyHttp, codes: readonly string[]): Promise<Section[]> {
  const found: Section[] = [];
  for (const keys of chunk([...new Set(codes)], LOOKUP_LIMIT)) {
    found.push(...(await listAll(api, '/sections', { section_school_codes: keys.join(',') }, 'section', Section)));
  }
  return found;
}
