/**
 * Notices that must go out once (credential-expiry warnings), remembered in the key-value state. The
 * insert is the claim: of two processes checking at once, one sends.
 */
import type { Store } from './open-store.ts';

/** Takes `key` for this sender; false when it was taken before (the notice went out already). */
export async function claimNotice(store: Store, key: string, sentAt: Date): Promise<boolean> {
  const result = await store.db
    .insertInto('settings_state')
    .values({ key, value: sentAt.toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Gives the claim back when the mail could not be sent, so the next check tries again. */
export async function releaseNotice(store: Store, key: string): Promise<void> {
  await store.db.deleteFrom('settings_state').where('key', '=', key).execute();
}
