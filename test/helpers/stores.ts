/** Fresh stores for tests: an SQLite file in a temp folder, or a new schema in the test PostgreSQL. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const storeKinds: StoreKind[] = ['sqlite', 'postgres'];

export function freshStoreUrl(kind: StoreKind): string {
  if (kind === 'sqlite') return `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'gradebridge-db-')), 'test.db')}`;
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  return `${inject('pgUrl')}?schema=${schema}`;
}

export async function openFreshStore(kind: StoreKind): Promise<Store> {
  return openStore(freshStoreUrl(kind));
}
