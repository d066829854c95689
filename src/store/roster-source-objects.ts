/**
 * The IC objects of the roster's last read, per collection, as JSON: a delta read merges what IC
 * changed since then into these, so every run still works from a complete snapshot.
 */
import { RosterSourceObjectRow } from './tables.ts';
import type { Store } from './open-store.ts';

export interface SourceObject {
  sourcedId: string;
  /** The object as JSON text; its shape belongs to the roster reader. */
  data: string;
}

const chunkSize = 500;

export async function readSourceObjects(store: Store, kind: string): Promise<SourceObject[]> {
  const rows = await store.db.selectFrom('roster_source_objects').selectAll().where('kind', '=', kind).execute();
  return rows.map((raw) => {
    const row = RosterSourceObjectRow.parse(raw);
    return { sourcedId: row.sourced_id, data: row.data };
  });
}

/** Replaces every object of a collection (after a full read), in one transaction. */
export async function replaceSourceObjects(store: Store, kind: string, objects: readonly SourceObject[]): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('roster_source_objects').where('kind', '=', kind).execute();
    for (let i = 0; i < objects.length; i += chunkSize) {
      const values = objects.slice(i, i + chunkSize).map((o) => ({ kind, sourced_id: o.sourcedId, data: o.data }));
      await trx.insertInto('roster_source_objects').values(values).execute();
    }
  });
}

/** Inserts or replaces the objects a delta read returned, in one transaction. */
export async function upsertSourceObjects(store: Store, kind: string, objects: readonly SourceObject[]): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < objects.length; i += chunkSize) {
      const values = objects.slice(i, i + chunkSize).map((o) => ({ kind, sourced_id: o.sourcedId, data: o.data }));
      await trx
        .insertInto('roster_source_objects')
        .values(values)
        .onConflict((oc) => oc.columns(['kind', 'sourced_id']).doUpdateSet((eb) => ({ data: eb.ref('excluded.data') })))
        .execute();
    }
  });
}
