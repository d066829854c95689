/**
 * A Schoology bulk write: chunks of at most 50 items, one POST each, and every item's own
 * `response_code` read back (a bulk call answers 200 even when items failed). Results carry the
 * item's index in the caller's array. An item that does not fit its schema is not sent: it fails
 * locally (code 0) and the rest go on. For removals (`delete: 1`), "not found" means already gone,
 * which is what was wanted, so it counts as done.
 */
import type { z } from 'zod';
import { SchoologyError } from '../../errors.ts';
import type { SchoologyHttp } from './http.ts';
import { chunk } from '../../chunk.ts';
import { BULK_LIMIT, bulkAnswer, type BulkItemResult } from './schemas.ts';

export interface BulkWrite<T> {
  items: readonly unknown[];
  /** What one item must look like; what it parses to is what is sent. */
  item: z.ZodType<T>;
  /** The URL of the call (`api.url(...)`). */
  url: string;
  /** The request body for one chunk, e.g. `{ users: { user: chunk } }`. */
  body: (chunk: T[]) => unknown;
  /** The key the per-item answers come under (`user`, `course`, ...). */
  answerKey: string;
  /** Whether repeating the call is harmless (upserts and imports are; creates are not). */
  idempotent: boolean;
}

function isRemoval(item: unknown): boolean {
  return typeof item === 'object' && item !== null && 'delete' in item && item.delete === 1;
}

export async function bulkWrite<T>(api: SchoologyHttp, write: BulkWrite<T>): Promise<BulkItemResult[]> {
  const schema = bulkAnswer(write.answerKey);
  const results: BulkItemResult[] = [];
  const valid: Array<{ index: number; item: T }> = [];
  write.items.forEach((raw, index) => {
    const parsed = write.item.safeParse(raw);
    if (parsed.success) {
      valid.push({ index, item: parsed.data });
    } else {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      results.push({ index, ok: false, code: 0, message: `not sent: ${field}${issue?.message ?? 'invalid'}` });
    }
  });
  for (const part of chunk(valid, BULK_LIMIT)) {
    const items = part.map((entry) => entry.item);
    api.countBulkCall();
    const answer = await api.json({ method: 'POST', url: write.url, body: write.body(items), idempotent: write.idempotent }, schema);
    const entries = answer.items;
    if (entries.length !== items.length) {
      throw new SchoologyError(
        'SCHOOLOGY_UNEXPECTED_RESPONSE',
        `Schoology answered ${entries.length} results for ${items.length} items sent to ${new URL(write.url).pathname}.`,
        { remedy: 'Run again; items already written are found by their keys and not written twice.' },
      );
    }
    part.forEach(({ index, item }, i) => {
      const entry = entries[i]!;
      const code = entry.response_code;
      const ok = (code >= 200 && code < 300) || (code === 404 && isRemoval(item));
      results.push({
        index,
        ok,
        code,
        ...(entry.id !== undefined ? { id: entry.id } : {}),
        ...(entry.message !== undefined ? { message: entry.message } : {}),
      });
    });
  }
  return results.sort((a, b) => a.index - b.index);
}
