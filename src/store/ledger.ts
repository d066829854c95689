/** The ledger: what was last posted successfully to IC per result sourcedId. */
import type SqliteDatabase from 'better-sqlite3';
import { z } from 'zod';
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

/** A ledger entry as the plan compares it: line item, student, score, letter. */
const LastPostedRow = z.tuple([z.string(), z.string(), z.coerce.number(), z.string().nullable()]);
type LastPostedRow = z.infer<typeof LastPostedRow>;

/**
 * LastPostedRow's check, by hand where the row already has its types: a scheduled run reads an entry
 * per result, and zod's parse of a million cost 0.65 s, more than SQLite's read. Any other row goes
 * through the schema, which coerces or throws naming the column.
 */
function toLastPostedRow(raw: unknown): LastPostedRow {
  if (
    Array.isArray(raw) &&
    raw.length === 4 &&
    typeof raw[0] === 'string' &&
    typeof raw[1] === 'string' &&
    Number.isFinite(raw[2]) &&
    (raw[3] === null || typeof raw[3] === 'string')
  ) {
    return raw as LastPostedRow;
  }
  return LastPostedRow.parse(raw);
}

const preparedReads = new WeakMap<SqliteDatabase.Database, SqliteDatabase.Statement>();

/**
 * SQLite: one prepared statement for any batch (the IDs go in as one JSON array), rows as arrays. A
 * scheduled run's million entries cost half as much this way as through Kysely's row objects.
 */
function sqliteReadStatement(sqlite: SqliteDatabase.Database): SqliteDatabase.Statement {
  let statement = preparedReads.get(sqlite);
  if (!statement) {
    statement = sqlite
      .prepare(
        'SELECT line_item_sourced_id, student_sourced_id, score, letter FROM ledger WHERE line_item_sourced_id IN (SELECT value FROM json_each(?))',
      )
      .raw(true);
    preparedReads.set(sqlite, statement);
  }
  return statement;
}

/**
 * What the ledger holds for these line items (a plan asks a batch at a time, never the whole ledger).
 * Only what was posted comes back: a term's first run reads next to nothing.
 */
export async function readLastPosted(store: Store, lineItemSourcedIds: readonly string[]): Promise<LastPostedResult[]> {
  if (lineItemSourcedIds.length === 0) return [];
  const { sqlite } = store;
  const rows: unknown[] = sqlite
    ? // Holding Kysely's connection keeps its other queries (and transactions) from interleaving.
      await store.db.connection().execute(async () => sqliteReadStatement(sqlite).all(JSON.stringify(lineItemSourcedIds)))
    : (
        await store.db
          .selectFrom('ledger')
          .select(['line_item_sourced_id', 'student_sourced_id', 'score', 'letter'])
          .where('line_item_sourced_id', 'in', [...lineItemSourcedIds])
          .execute()
      ).map((row) => [row.line_item_sourced_id, row.student_sourced_id, row.score, row.letter]);
  return rows.map((raw) => {
    const [lineItemSourcedId, studentSourcedId, score, letter] = toLastPostedRow(raw);
    return { lineItemSourcedId, studentSourcedId, score, letter };
  });
}

export async function listLedger(store: Store): Promise<LedgerRow[]> {
  const rows = await store.db.selectFrom('ledger').selectAll().orderBy('result_sourced_id').execute();
  return rows.map((row) => LedgerRow.parse(row));
}
