/**
 * Who is asking: the session cookie, the session it names in the store, and the signed-in user's
 * roles (admin by `web.admins`, teacher by the roster), looked up on every request so a change in
 * the config or roster applies at once. Also the CSRF check every POST passes and the role guards.
 */
import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import { isKnownTeacherEmail } from '../store/roster-mappings.ts';
import { normalizeAddress } from '../store/sign-in-tokens.ts';
import { createSession, deleteExpiredSessions, readSession, type WebSession } from '../store/web-sessions.ts';

export const sessionCookie = 'gradebridge_session';
/** A signed-in session lasts a working day; a visitor's pre-sign-in session, long enough to fill a form. */
export const signedInTtlMs = 12 * 60 * 60_000;
export const visitorTtlMs = 2 * 60 * 60_000;

export interface Viewer {
  email: string;
  isAdmin: boolean;
  isTeacher: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session the cookie names, signed in or not; null without a valid cookie. */
    webSession: WebSession | null;
    /** The signed-in user; null when signed out. */
    viewer: Viewer | null;
  }
  interface FastifyContextConfig {
    /** Public routes that never read the session (health, metrics, the stylesheet). */
    sessionless?: boolean;
  }
}

export interface SessionDeps {
  config: Config;
  store: Store;
  now: () => Date;
}

export function isAdminEmail(config: Config, email: string): boolean {
  const wanted = normalizeAddress(email);
  return (config.web?.admins ?? []).some((admin) => normalizeAddress(admin) === wanted);
}

export async function viewerFor(deps: SessionDeps, email: string): Promise<Viewer> {
  return { email, isAdmin: isAdminEmail(deps.config, email), isTeacher: await isKnownTeacherEmail(deps.store, email) };
}

/** onRequest: reads the cookie's session and the viewer. */
export function loadSession(deps: SessionDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    request.webSession = null;
    request.viewer = null;
    if (request.routeOptions.config.sessionless) return;
    const id = request.cookies[sessionCookie];
    if (!id) return;
    const session = await readSession(deps.store, id, deps.now());
    if (!session) return;
    request.webSession = session;
    if (session.email) request.viewer = await viewerFor(deps, session.email);
  };
}

/**
 * The cookie lasts as long as the session, counted by the browser from when it gets the cookie
 * (Max-Age, not an Expires date): a browser whose clock differs from the server's, or a demo whose
 * clock starts at the fixture's moment, would otherwise drop the cookie at once.
 */
function setSessionCookie(deps: SessionDeps, reply: FastifyReply, session: WebSession, ttlMs: number): void {
  reply.setCookie(sessionCookie, session.id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.web?.publicUrl?.startsWith('https:') === true,
    maxAge: ttlMs / 1000,
  });
}

export function clearSessionCookie(deps: SessionDeps, reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.web?.publicUrl?.startsWith('https:') === true });
}

/** The visitor's session, creating a signed-out one when there is none, so a form can carry a CSRF token. */
export async function ensureSession(deps: SessionDeps, request: FastifyRequest, reply: FastifyReply): Promise<WebSession> {
  if (request.webSession) return request.webSession;
  const now = deps.now();
  await deleteExpiredSessions(deps.store, now);
  const session = await createSession(deps.store, { email: null, now, ttlMs: visitorTtlMs });
  setSessionCookie(deps, reply, session, visitorTtlMs);
  request.webSession = session;
  return session;
}

/** Starts a new signed-in session (a new ID: a session known before sign-in is never promoted). */
export async function startSignedInSession(deps: SessionDeps, reply: FastifyReply, email: string): Promise<WebSession> {
  const session = await createSession(deps.store, { email, now: deps.now(), ttlMs: signedInTtlMs });
  setSessionCookie(deps, reply, session, signedInTtlMs);
  return session;
}

/** True when the form's `_csrf` field equals the session's token. */
export function hasValidCsrfToken(request: FastifyRequest): boolean {
  const session = request.webSession;
  const body = request.body;
  const sent = body && typeof body === 'object' && '_csrf' in body ? (body as { _csrf: unknown })._csrf : undefined;
  if (!session || typeof sent !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type Role = 'admin' | 'teacher';

/** Signed out: 303 to `/`. Signed in without the role: 403. Otherwise null (go on). */
export function roleRefusal(request: FastifyRequest, role: Role): { redirect: string } | { forbidden: true } | null {
  const viewer = request.viewer;
  if (!viewer) return { redirect: '/' };
  const allowed = role === 'admin' ? viewer.isAdmin : viewer.isTeacher;
  return allowed ? null : { forbidden: true };
}

export function homeOf(viewer: Viewer): string | null {
  if (viewer.isAdmin) return '/admin';
  if (viewer.isTeacher) return '/teacher';
  return null;
}
