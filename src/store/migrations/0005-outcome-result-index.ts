import type { Kysely } from 'kysely';

/** Marking a result posted looks it up by run and result ID; without this index each update scans the run. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('row_outcomes_run_result').on('row_outcomes').columns(['run_id', 'result_sourced_id']).execute();
}
