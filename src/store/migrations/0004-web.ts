import type { Kysely } from 'kysely';
import type { StoreDialect } from './column-types.ts';

/**
 * The status page: sessions (signed-in and signed-out visitors, each with its CSRF token), one-time
 * sign-in links, and the sign-in requests the per-address limit counts. IDs, tokens and addresses are
 * stored as SHA-256 hashes, so a copy of the database opens no session and names nobody.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_expires').on('web_sessions').column('expires_at').execute();

  await db.schema
    .createTable('sign_in_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(40)')
    .execute();
  await db.schema.createIndex('sign_in_tokens_expires').on('sign_in_tokens').column('expires_at').execute();

  await db.schema
    .createTable('sign_in_requests')
    .addColumn('address_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_requests_address').on('sign_in_requests').columns(['address_hash', 'requested_at']).execute();
}
