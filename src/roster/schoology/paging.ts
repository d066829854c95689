/**
 * Reads a whole Schoology list: asks for the largest page, then follows `links.next` until a page
 * has none. A `next` already visited stops the read as an error instead of looping.
 */
import type { z } from 'zod';
import { SchoologyError } from '../../errors.ts';
import type { Query, SchoologyHttp } from './http.ts';
import { listPage, PAGE_LIMIT } from './schemas.ts';

export async function listAll<T extends z.ZodType>(api: SchoologyHttp, path: string, query: Query, key: string, item: T): Promise<Array<z.infer<T>>> {
  const page = listPage(key, item);
  const items: Array<z.infer<T>> = [];
  const visited = new Set<string>();
  let url: string | undefined = api.url(path, { ...query, start: 0, limit: PAGE_LIMIT });
  while (url !== undefined) {
    visited.add(url);
    const answer: z.infer<typeof page> = await api.json({ method: 'GET', url, idempotent: true }, page);
    items.push(...answer.items);
    const next: string | undefined = answer.links?.next || undefined;
    if (next !== undefined && visited.has(new URL(next, url).href)) {
      throw new SchoologyError('SCHOOLOGY_UNEXPECTED_RESPONSE', `Schoology's list ${path} links back to a page already read (${next}).`, {
        remedy: 'Run again; if it repeats, report it with the run log.',
      });
    }
    url = next === undefined ? undefined : new URL(next, url).href;
  }
  return items;
}
