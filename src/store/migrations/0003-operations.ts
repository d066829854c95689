import { sql, type Kysely } from 'kysely';

/**
 * Operations: the scheduler's record of every daily slot (the atomic guard that a slot runs once,
 * whichever process takes it) and the run queue (admin and scheduled requests, one run at a time per
 * pipeline). Both live in the store so several processes can share them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_requests')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pipeline', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('merged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('started_at', 'varchar(40)')
    .addColumn('finished_at', 'varchar(40)')
    .addColumn('run_id', 'varchar(64)')
    .addColumn('run_status', 'varchar(16)')
    .execute();
  await db.schema.createIndex('run_requests_pipeline_status').on('run_requests').columns(['pipeline', 'status', 'requested_at']).execute();
  // At most one queued request per pipeline and kind (real run or dry run): a later one merges into it.
  await db.schema
    .createIndex('run_requests_one_queued')
    .on('run_requests')
    .columns(['pipeline', 'dry_run'])
    .unique()
    .where(sql.ref('status'), '=', 'queued')
    .execute();

  await db.schema
    .createTable('schedule_slots')
    .addColumn('pipeline', 'varchar(16)', (c) => c.notNull())
    .addColumn('slot_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('late_ms', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)')
    .addColumn('run_id', 'varchar(64)')
    .addColumn('started_at', 'varchar(40)')
    .addColumn('ended_at', 'varchar(40)')
    .addPrimaryKeyConstraint('schedule_slots_pk', ['pipeline', 'slot_at'])
    .execute();
  await db.schema.createIndex('schedule_slots_request').on('schedule_slots').column('request_id').execute();
}
