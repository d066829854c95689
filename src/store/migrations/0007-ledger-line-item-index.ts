import type { Kysely } from 'kysely';

/**
 * A scheduled run asks the ledger what was last posted to the line items it plans on. Asking by
 * result ID sent a million IDs on a large export even when the ledger held none of them; by line
 * item, the answer is only what was posted. Student, score and letter are in the index too, so a
 * line item's entries come back together and SQLite answers from the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('ledger_line_item').on('ledger').columns(['line_item_sourced_id', 'student_sourced_id', 'score', 'letter']).execute();
}
