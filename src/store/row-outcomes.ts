/** Per-row outcomes of a run: what happened to each row (grades) or object (roster), and why. */
import type { Insertable } from 'kysely';
import { RowOutcomeRow, type Database } from './tables.ts';
import type { Store } from './open-store.ts';

export type NewRowOutcome = Omit<Insertable<Database['row_outcomes']>, 'id' | 'run_id'>;

const chunkSize = 500;

/** Inserts in one transaction (a commit per statement would cost more than the inserts at a million rows). */
export async function insertRowOutcomes(store: Store, runId: string, outcomes: readonly NewRowOutcome[]): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < outcomes.length; i += chunkSize) {
      const chunk = outcomes.slice(i, i + chunkSize).map((o) => ({ ...o, run_id: runId }));
      await trx.insertInto('row_outcomes').values(chunk).execute();
    }
  });
}

/** Marks the planned outcomes of a result posted or failed once IC answered; returns how many rows point to it. */
export async function updateResultOutcome(
  store: Store,
  runId: string,
  resultSourcedId: string,
  outcome: 'posted' | 'failed' | 'window-closed',
  message: string | null,
): Promise<number> {
  const [result] = await store.db
    .updateTable('row_outcomes')
    .set({ outcome, message })
    .where('run_id', '=', runId)
    .where('result_sourced_id', '=', resultSourcedId)
    .where('outcome', '=', 'planned')
    .execute();
  return Number(result?.numUpdatedRows ?? 0);
}

export interface RowOutcomeFilter {
  school?: string;
  section?: string;
  /** Sections of this teacher (resolved by the caller from the roster mappings). */
  sections?: readonly string[];
  syncType?: string;
  outcome?: string;
  limit?: number;
  offset?: number;
}

export async function listRowOutcomes(store: Store, runId: string, filter: RowOutcomeFilter = {}): Promise<RowOutcomeRow[]> {
  let query = store.db.selectFrom('row_outcomes').selectAll().where('run_id', '=', runId).orderBy('id');
  if (filter.school) query = query.where('school', '=', filter.school);
  if (filter.section) query = query.where('section', '=', filter.section);
  if (filter.sections) query = query.where('section', 'in', filter.sections.length ? [...filter.sections] : ['']);
  if (filter.syncType) query = query.where('sync_type', '=', filter.syncType);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.limit !== undefined) query = query.limit(filter.limit).offset(filter.offset ?? 0);
  const rows = await query.execute();
  return rows.map((row) => RowOutcomeRow.parse(row));
}
