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

/** What the ledger holds for these results (a plan asks a batch at a time, never the whole ledger). */
export async function readLedgerEntries(store: Store, resultSourcedIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
  if (resultSourcedIds.length === 0) return new Map();
  const rows = await store.db
    .selectFrom('ledger')
    .select(['result_sourced_id', 'score', 'letter'])
    .where('result_sourced_id', 'in', [...resultSourcedIds])
    .execute();
  return new Map(rows.map((row) => [row.result_sourced_id, { score: Number(row.score), letter: row.letter }]));
}

export async function listLedger(store: Store): Promise<LedgerRow[]> {
  const rows = await store.db.selectFrom('ledger').selectAll().orderBy('result_sourced_id').execute();
  return rows.map((row) => LedgerRow.parse(row));
}
