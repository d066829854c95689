/**
 * Opens the store named by the config's `store` URL (SQLite file or PostgreSQL, optionally with
 * `?schema=name` for one district's schema) and brings it to the latest migration.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { StoreError } from '../errors.ts';
import { migrationsFor } from './migrations/index.ts';
import type { StoreDialect } from './migrations/column-types.ts';
import type { Database } from './tables.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /**
   * The SQLite connection under `db`, for the few bulk writes where Kysely's per-value query nodes
   * cost more than the write (a million row outcomes); absent for PostgreSQL.
   */
  sqlite?: SqliteDatabase.Database;
  /** The URL with any password masked, for logs and the settings page. */
  displayUrl: string;
  close(): Promise<void>;
}

export async function openStore(url: string): Promise<Store> {
  const { db, dialect, schema, sqlite } = url.startsWith('sqlite:') ? openSqlite(url.slice('sqlite:'.length)) : await openPostgres(url);
  const store: Store = { db, dialect, displayUrl: maskUrlPassword(url), close: () => db.destroy(), ...(sqlite ? { sqlite } : {}) };
  await migrate(store, schema);
  return store;
}

interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: StoreDialect;
  schema?: string;
  sqlite?: SqliteDatabase.Database;
}

function openSqlite(file: string): OpenedDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(file);
  } catch (cause) {
    throw new StoreError('STORE_UNAVAILABLE', `The SQLite database ${file} cannot be opened.`, {
      remedy: 'Check that its folder exists and is writable by the gradebridge user.',
      cause,
    });
  }
  // WAL lets the status page read while a run writes; busy_timeout rides out a briefly locked database.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('synchronous = NORMAL');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), dialect: 'sqlite', sqlite };
}

async function openPostgres(url: string): Promise<OpenedDatabase> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('STORE_INVALID_SCHEMA', `The PostgreSQL schema name "${schema}" is not allowed.`, {
      remedy: 'Use lower-case letters, digits and underscores, starting with a letter.',
    });
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 5,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end();
    throw new StoreError('STORE_UNAVAILABLE', `PostgreSQL at ${maskUrlPassword(url)} cannot be reached: ${(cause as Error).message}`, {
      remedy: 'Check the store URL, that the server is running, and the user and password.',
      cause,
    });
  }
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', ...(schema ? { schema } : {}) };
}

async function migrate(store: Store, schema: string | undefined): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store.dialect) };
  // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours.
  const { error } = await new Migrator({ db: store.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) {
    await store.close();
    throw new StoreError('STORE_MIGRATION_FAILED', `The database could not be migrated: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function maskUrlPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1••••••@');
}
