/**
 * Reads posted results back from IC and reports those that differ from what was sent: a sample by
 * default, all of them with --verify. Differences are reported, never "fixed" by guessing.
 */
import type { PlannedResult } from '../types.ts';
import type { IcClient } from './ic-client.ts';

export interface Reconciliation {
  checked: number;
  /** Result sourcedIds whose IC score or letter differs from what was posted. */
  mismatched: string[];
}

export async function reconcileResults(
  ic: IcClient,
  planned: readonly PlannedResult[],
  postedIds: readonly string[],
  options: { all: boolean; sample: number },
): Promise<Reconciliation> {
  const byId = new Map(planned.map((p) => [p.resultSourcedId, p]));
  const ids = options.all ? postedIds : evenlySpaced(postedIds, options.sample);
  const mismatched: string[] = [];
  for (const id of ids) {
    const sent = byId.get(id);
    const held = await ic.readResult(id);
    if (!sent) continue;
    const letterDiffers = sent.letter !== null && held?.textScore !== undefined && held.textScore !== sent.letter;
    if (!held || held.score !== sent.score || letterDiffers) mismatched.push(id);
  }
  return { checked: ids.length, mismatched };
}

/** A deterministic sample spread across the run (first, last and evenly between). */
function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  if (count <= 0) return [];
  const picked: T[] = [];
  for (let i = 0; i < count; i++) {
    const item = items[Math.round((i * (items.length - 1)) / Math.max(1, count - 1))];
    if (item !== undefined) picked.push(item);
  }
  return picked;
}
