/** The ledger: what was last posted successfully to IC per result sourcedId. */
import { LedgerRow } from './tables.ts';
import type { Store } from './open-store.ts';
import type { PlannedResult } from '../types.ts';

/** One result the ledger holds, by the line item and student its ID is derived from. */
export interface LastPostedResult {
  lineItemSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
}

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

/**
 * What the ledger holds for these line items (a plan asks a batch at a time, never the whole ledger).
 * Only what was posted comes back: a term's first run reads next to nothing.
 */
export async function readLastPosted(store: Store, lineItemSourcedIds: readonly string[]): Promise<LastPostedResult[]> {
  if (lineItemSourcedIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('ledger')
    .select(['line_item_sourced_id', 'student_sourced_id', 'score', 'letter'])
    .where('line_item_sourced_id', 'in', [...lineItemSourcedIds])
    .execute();
  return rows.map((row) => ({ lineItemSourcedId: row.line_item_sourced_id, studentSourcedId: row.student_sourced_id, score: Number(row.score), letter: row.letter }));
}

export async function listLedger(store: Store): Promise<LedgerRow[]> {
  const rows = await store.db.selectFrom('ledger').selectAll().orderBy('result_sourced_id').execute();
  return rows.map((row) => LedgerRow.parse(row));
}
