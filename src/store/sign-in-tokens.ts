/**
 * One-time sign-in links, and the sign-in requests the per-address limit counts. A token is stored as its
 * SHA-256 only; using it is one conditional UPDATE, so two clicks (or two servers) cannot both use it.
 * Requests are counted per address (hashed) whether or not the address is known, so the limit
 * answers the same for every address.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignInTokenRow } from './tables.ts';
import type { Store } from './open-store.ts';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Addresses are compared case-insensitively and without surrounding spaces. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Creates a link token for `email`; returns the raw token, which only the email carries. */
export async function createSignInToken(store: Store, options: { email: string; now: Date; ttlMs: number }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.db
    .insertInto('sign_in_tokens')
    .values({
      token_hash: sha256Hex(token),
      email: options.email,
      created_at: options.now.toISOString(),
      expires_at: new Date(options.now.getTime() + options.ttlMs).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** Whom an unused, unexpired token signs in, without using it (mail scanners fetch links). */
export async function peekSignInToken(store: Store, token: string, now: Date): Promise<{ email: string } | null> {
  const row = await store.db
    .selectFrom('sign_in_tokens')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ? { email: SignInTokenRow.parse(row).email } : null;
}

/** Uses the token once: whom it signs in, or null when it is unknown, used or expired. */
export async function useSignInToken(store: Store, token: string, now: Date): Promise<{ email: string } | null> {
  const tokenHash = sha256Hex(token);
  const result = await store.db
    .updateTable('sign_in_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  const row = await store.db.selectFrom('sign_in_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
  return { email: SignInTokenRow.parse(row).email };
}

export async function recordSignInRequest(store: Store, options: { address: string; now: Date }): Promise<void> {
  await store.db
    .insertInto('sign_in_requests')
    .values({ address_hash: sha256Hex(normalizeAddress(options.address)), requested_at: options.now.toISOString() })
    .execute();
}

/** Sign-in requests recorded for this address since `since`. */
export async function countSignInRequests(store: Store, options: { address: string; since: Date }): Promise<number> {
  const row = await store.db
    .selectFrom('sign_in_requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('address_hash', '=', sha256Hex(normalizeAddress(options.address)))
    .where('requested_at', '>', options.since.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Forgets requests older than `before` and tokens that expired before it. */
export async function deleteOldSignInRecords(store: Store, before: Date): Promise<void> {
  await store.db.deleteFrom('sign_in_requests').where('requested_at', '<', before.toISOString()).execute();
  await store.db.deleteFrom('sign_in_tokens').where('expires_at', '<', before.toISOString()).execute();
}
