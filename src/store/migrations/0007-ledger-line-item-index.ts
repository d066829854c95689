import type { Kysely } from 'kysely';

/**
 * A scheduled run asks the ledger what was last posted to the line items it plans on. Asking by
 * result ID sent a million IDs on a large export even when the ledger held none of them; by line
 * item, the answer is only what was posted. Student second: a line item's entries come back together.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('ledger_line_item').on('ledger').columns(['line_item_sourced_id', 'student_sourced_id', 'score', 'letter']).execute();
}
