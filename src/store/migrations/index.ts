/**
 * Every migration, in order. Each concern adds its own file (`NNNN-what.ts`) exporting
 * `up(db, dialect)`; names are recorded by Kysely's migrator, so never rename or reorder them.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from './column-types.ts';
import * as m0001 from './0001-grades-and-mappings.ts';
import * as m0002 from './0002-roster-provisioning.ts';
import * as m0003 from './0003-operations.ts';
import * as m0004 from './0004-web.ts';
import * as m0005 from './0005-outcome-result-index.ts';
import * as m0006 from './0006-outcome-target-index.ts';
import * as m0007 from './0007-ledger-line-item-index.ts';

type MigrationModule = { up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> };

const all: Record<string, MigrationModule> = {
  '0001-grades-and-mappings': m0001,
  '0002-roster-provisioning': m0002,
  '0003-operations': m0003,
  '0004-web': m0004,
  '0005-outcome-result-index': m0005,
  '0006-outcome-target-index': m0006,
  '0007-ledger-line-item-index': m0007,
};

export function migrationsFor(dialect: StoreDialect): Record<string, Migration> {
  return Object.fromEntries(Object.entries(all).map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, dialect) }]));
}
