/** `PUT /sections/{id}`: changes one section's title, codes or grading periods. */
import type { SchoologyHttp } from './http.ts';
import { NewSection } from './schemas.ts';

export async function updateSection(api: SchoologyHttp, sectionId: string, changes: Partial<NewSection>): Promise<void> {
  await api.send({ method: 'PUT', url: api.url(`/sections/${encodeURIComponent(sectionId)}`), body: NewSection.partial().parse(changes), idempotent: true });
}
