import type { Kysely } from 'kysely';
import type { StoreDialect } from './column-types.ts';

/**
 * Roster provisioning: the enrollments and parent links gradebridge made in Schoology (only these
 * are ever removed), and the IC objects of the last read, into which delta reads are merged.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('schoology_enrollments')
    .addColumn('section_school_code', 'varchar(255)', (c) => c.notNull())
    .addColumn('school_uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('admin', 'integer', (c) => c.notNull())
    // 1: Schoology already had it when gradebridge imported it (made by hand): never removed.
    .addColumn('adopted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('made_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('schoology_enrollments_pk', ['section_school_code', 'school_uid'])
    .execute();

  await db.schema
    .createTable('schoology_parent_links')
    .addColumn('parent_uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('student_uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('made_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('schoology_parent_links_pk', ['parent_uid', 'student_uid'])
    .execute();

  await db.schema
    .createTable('roster_source_objects')
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('sourced_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('roster_source_objects_pk', ['kind', 'sourced_id'])
    .execute();
}
