import type { Kysely } from 'kysely';
import { autoIncrementId, type StoreDialect } from './column-types.ts';

/** Runs, per-row outcomes, the posted-results ledger, opt-ins, run locks and the roster mappings. */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pipeline', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('source_file', 'text')
    .addColumn('source_size', 'bigint')
    .addColumn('source_mtime', 'varchar(40)')
    .addColumn('source_sha256', 'varchar(64)')
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('error_code', 'varchar(64)')
    .addColumn('error_message', 'text')
    .addColumn('notice', 'text')
    .addColumn('started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('finished_at', 'varchar(40)')
    .addColumn('duration_ms', 'integer')
    .execute();
  await db.schema.createIndex('runs_pipeline_started').on('runs').columns(['pipeline', 'started_at']).execute();

  await db.schema
    .createTable('row_outcomes')
    .addColumn('id', autoIncrementId(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('sync_type', 'varchar(32)')
    .addColumn('school', 'text')
    .addColumn('section', 'text')
    .addColumn('student', 'text')
    .addColumn('grading_period', 'text')
    .addColumn('class_sourced_id', 'text')
    .addColumn('student_sourced_id', 'text')
    .addColumn('term_sourced_id', 'text')
    .addColumn('line_item_sourced_id', 'text')
    .addColumn('task_id', 'integer')
    .addColumn('result_sourced_id', 'varchar(64)')
    .addColumn('object_key', 'text')
    .addColumn('score', 'double precision')
    .addColumn('letter', 'text')
    .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('row_outcomes_run').on('row_outcomes').columns(['run_id', 'outcome']).execute();

  await db.schema
    .createTable('ledger')
    .addColumn('result_sourced_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('line_item_sourced_id', 'text', (c) => c.notNull())
    .addColumn('student_sourced_id', 'text', (c) => c.notNull())
    .addColumn('class_sourced_id', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('letter', 'text')
    .addColumn('posted_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('opt_ins')
    .addColumn('section_school_code', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('opted_in', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('changed_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('run_locks')
    .addColumn('pipeline', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('run_id', 'varchar(64)')
    .addColumn('acquired_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('roster_schools')
    .addColumn('sourced_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('identifier', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('building_id', 'text')
    .execute();

  await db.schema
    .createTable('roster_terms')
    .addColumn('sourced_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('school_year', 'varchar(8)')
    .addColumn('start_date', 'varchar(40)')
    .addColumn('end_date', 'varchar(40)')
    .addColumn('school_sourced_id', 'text')
    .addColumn('grading_period_id', 'text')
    .addColumn('grading_period_title', 'text')
    .execute();

  await db.schema
    .createTable('roster_classes')
    .addColumn('sourced_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('class_code', 'text')
    .addColumn('course_sourced_id', 'text')
    .addColumn('course_title', 'text')
    .addColumn('school_sourced_id', 'text', (c) => c.notNull())
    .addColumn('term_sourced_ids', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text')
    .execute();

  await db.schema
    .createTable('roster_users')
    .addColumn('sourced_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('identifier', 'text')
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('email', 'text')
    .addColumn('username', 'text')
    .execute();
  await db.schema.createIndex('roster_users_uid').on('roster_users').column('uid').execute();
  await db.schema.createIndex('roster_users_email').on('roster_users').column('email').execute();

  await db.schema
    .createTable('roster_enrollments')
    .addColumn('class_sourced_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_sourced_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('roster_enrollments_pk', ['class_sourced_id', 'user_sourced_id', 'role'])
    .execute();
  await db.schema.createIndex('roster_enrollments_user').on('roster_enrollments').column('user_sourced_id').execute();

  await db.schema
    .createTable('settings_state')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
