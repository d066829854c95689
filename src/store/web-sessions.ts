/**
 * Status-page sessions. A visitor gets a session before signing in (its CSRF token protects the
 * sign-in forms) and a new one, with a new ID, when a sign-in link is used. The cookie carries the
 * random ID; the store keeps only its SHA-256, so rows read from a backup open no session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WebSessionRow } from './tables.ts';
import type { Store } from './open-store.ts';

export interface WebSession {
  /** The raw ID, as the cookie carries it. */
  id: string;
  /** Who signed in; null for a visitor who has not. */
  email: string | null;
  csrfToken: string;
  expiresAt: string;
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export async function createSession(store: Store, options: { email: string | null; now: Date; ttlMs: number }): Promise<WebSession> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(options.now.getTime() + options.ttlMs).toISOString();
  await store.db
    .insertInto('web_sessions')
    .values({ id_hash: hashSessionId(id), email: options.email, csrf_token: csrfToken, created_at: options.now.toISOString(), expires_at: expiresAt })
    .execute();
  return { id, email: options.email, csrfToken, expiresAt };
}

/** The session with this ID, or null when there is none or it has expired. */
export async function readSession(store: Store, id: string, now: Date): Promise<WebSession | null> {
  const row = await store.db
    .selectFrom('web_sessions')
    .selectAll()
    .where('id_hash', '=', hashSessionId(id))
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (!row) return null;
  const session = WebSessionRow.parse(row);
  return { id, email: session.email, csrfToken: session.csrf_token, expiresAt: session.expires_at };
}

export async function deleteSession(store: Store, id: string): Promise<void> {
  await store.db.deleteFrom('web_sessions').where('id_hash', '=', hashSessionId(id)).execute();
}

export async function deleteExpiredSessions(store: Store, now: Date): Promise<number> {
  const result = await store.db.deleteFrom('web_sessions').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
