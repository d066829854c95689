import type { Kysely } from 'kysely';

/**
 * Marking a result posted looks its outcomes up by run, line item and student (what the result ID is
 * derived from). Result IDs are random, so an index on them took its million inserts of a large
 * export in random order: a dirty page per insert, four times the cost of the rest of the store.
 * Line items follow the export's section order, so this index grows at a few places at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('row_outcomes_run_result').execute();
  await db.schema.createIndex('row_outcomes_run_target').on('row_outcomes').columns(['run_id', 'line_item_sourced_id', 'student_sourced_id']).execute();
}
