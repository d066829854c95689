/** Per-row outcomes of a run: what happened to each row (grades) or object (roster), and why. */
import type SqliteDatabase from 'better-sqlite3';
import type { Insertable } from 'kysely';
import { RowOutcomeRow, type Database } from './tables.ts';
import type { Store } from './open-store.ts';
import type { PlannedResult } from '../types.ts';

export type NewRowOutcome = Omit<Insertable<Database['row_outcomes']>, 'id' | 'run_id'>;

const chunkSize = 500;

/** Every column of an outcome but its id and run, in table order (also the columns of the run's CSV). */
export const rowOutcomeFields = [
  'line',
  'sync_type',
  'school',
  'section',
  'student',
  'grading_period',
  'class_sourced_id',
  'student_sourced_id',
  'term_sourced_id',
  'line_item_sourced_id',
  'task_id',
  'result_sourced_id',
  'object_key',
  'score',
  'letter',
  'outcome',
  'message',
] as const satisfies readonly (keyof NewRowOutcome)[];

const preparedInserts = new WeakMap<SqliteDatabase.Database, (runId: string, outcomes: readonly NewRowOutcome[]) => void>();

/** One prepared statement run per outcome inside one transaction: no query built per value. */
function sqliteInsert(sqlite: SqliteDatabase.Database): (runId: string, outcomes: readonly NewRowOutcome[]) => void {
  let insert = preparedInserts.get(sqlite);
  if (!insert) {
    const columns = ['run_id', ...rowOutcomeFields];
    const statement = sqlite.prepare(`INSERT INTO row_outcomes (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    insert = sqlite.transaction((runId: string, outcomes: readonly NewRowOutcome[]) => {
      for (const o of outcomes) statement.run(runId, ...rowOutcomeFields.map((field) => o[field] ?? null));
    });
    preparedInserts.set(sqlite, insert);
  }
  return insert;
}

/** Inserts in one transaction (a commit per statement would cost more than the inserts at a million rows). */
export async function insertRowOutcomes(store: Store, runId: string, outcomes: readonly NewRowOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const { sqlite } = store;
  if (sqlite) {
    // Holding Kysely's connection keeps its other queries (and transactions) from interleaving.
    await store.db.connection().execute(async () => sqliteInsert(sqlite)(runId, outcomes));
    return;
  }
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < outcomes.length; i += chunkSize) {
      const chunk = outcomes.slice(i, i + chunkSize).map((o) => ({ ...o, run_id: runId }));
      await trx.insertInto('row_outcomes').values(chunk).execute();
    }
  });
}

/**
 * Marks the planned outcomes of a result posted or failed once IC answered; returns how many rows
 * point to it. A result is one (line item, student), which is how its outcomes are found.
 */
export async function updateResultOutcome(
  store: Store,
  runId: string,
  result: Pick<PlannedResult, 'lineItemSourcedId' | 'studentSourcedId'>,
  outcome: 'posted' | 'failed' | 'window-closed',
  message: string | null,
): Promise<number> {
  const [updated] = await store.db
    .updateTable('row_outcomes')
    .set({ outcome, message })
    .where('run_id', '=', runId)
    .where('line_item_sourced_id', '=', result.lineItemSourcedId)
    .where('student_sourced_id', '=', result.studentSourcedId)
    .where('outcome', '=', 'planned')
    .execute();
  return Number(updated?.numUpdatedRows ?? 0);
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
