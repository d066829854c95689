/** The ledger: what was last posted successfully to IC per result sourcedId. */
import { LedgerRow } from './tables.ts';
import type { Store } from './open-store.ts';
import type { PlannedResult } from '../types.ts';

export type LedgerEntry = { score: number; letter: string | null };

export async function recordPosted(store: Store, runId: string, result: PlannedResult, postedAt: Date): Promise<void> {
  const values = {
    result_sourced_id: result.resultSourcedId,
    line_item_sourced_id: result.lineItemSourcedId,
    student_sourced_id: result.studentSourcedId,
    class_sourced_id: result.classSourcedId,
    score: result.score,
    letter: result.letter,
    posted_at: postedAt.toISOString(),
    run_id: runId,
  };
  await store.db
    .insertInto('ledger')
    .values(values)
    .onConflict((oc) =>
      oc.column('result_sourced_id').doUpdateSet({ score: values.score, letter: values.letter, posted_at: values.posted_at, run_id: runId }),
    )
    .execute();
}

/** The whole ledger as a lookup (a district's final grades fit comfortably in memory). */
export async function readLedger(store: Store): Promise<Map<string, LedgerEntry>> {
  const rows = await store.db.selectFrom('ledger').select(['result_sourced_id', 'score', 'letter']).execute();
  return new Map(rows.map((row) => [row.result_sourced_id, { score: Number(row.score), letter: row.letter }]));
}

export async function listLedger(store: Store): Promise<LedgerRow[]> {
  const rows = await store.db.selectFrom('ledger').selectAll().orderBy('result_sourced_id').execute();
  return rows.map((row) => LedgerRow.parse(row));
}
