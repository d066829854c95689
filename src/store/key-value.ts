/** Small pieces of state kept between runs (delta-read watermarks, last notices sent). */
import type { Store } from './open-store.ts';

export async function readState(store: Store, key: string): Promise<string | null> {
  const row = await store.db.selectFrom('settings_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeState(store: Store, key: string, value: string): Promise<void> {
  await store.db
    .insertInto('settings_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
