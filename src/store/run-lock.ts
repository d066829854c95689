/**
 * A store-backed lock per pipeline, so two processes (a `serve` and a CLI run, or two servers on one
 * store) never run the same pipeline at once. The holder renews it while running; a crashed holder's
 * lock expires and is taken over.
 */
import type { Store } from './open-store.ts';
import { RunLockRow } from './tables.ts';

export const lockTtlMs = 2 * 60_000;

export async function tryAcquireRunLock(store: Store, pipeline: string, holder: string, runId: string | null, now: Date): Promise<boolean> {
  const values = {
    pipeline,
    holder,
    run_id: runId,
    acquired_at: now.toISOString(),
    expires_at: new Date(now.getTime() + lockTtlMs).toISOString(),
  };
  await store.db
    .insertInto('run_locks')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('pipeline')
        .doUpdateSet({ holder, run_id: runId, acquired_at: values.acquired_at, expires_at: values.expires_at })
        .where('run_locks.expires_at', '<', now.toISOString()),
    )
    .execute();
  const current = await readRunLock(store, pipeline);
  return current?.holder === holder;
}

export async function renewRunLock(store: Store, pipeline: string, holder: string, now: Date): Promise<boolean> {
  const result = await store.db
    .updateTable('run_locks')
    .set({ expires_at: new Date(now.getTime() + lockTtlMs).toISOString() })
    .where('pipeline', '=', pipeline)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseRunLock(store: Store, pipeline: string, holder: string): Promise<void> {
  await store.db.deleteFrom('run_locks').where('pipeline', '=', pipeline).where('holder', '=', holder).execute();
}

export async function readRunLock(store: Store, pipeline: string): Promise<RunLockRow | null> {
  const row = await store.db.selectFrom('run_locks').selectAll().where('pipeline', '=', pipeline).executeTakeFirst();
  return row ? RunLockRow.parse(row) : null;
}
