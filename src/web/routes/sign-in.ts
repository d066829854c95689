/**
 * Signing in and out (README "Sign-in in detail"): `POST /sign-in` answers the same for every
 * address and sends a link only to rostered teachers and configured admins; `GET /sign-in/<token>`
 * only shows a button (mail scanners fetch links); `POST /sign-in/<token>` uses the link once and
 * starts a new session. At most 5 requests per address per hour (counted in the store, known or
 * not) and 20 sign-in requests per client per minute; past either, the same 429 page.
 */
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isKnownTeacherEmail } from '../../store/roster-mappings.ts';
import {
  countSignInRequests,
  createSignInToken,
  deleteOldSignInRecords,
  normalizeAddress,
  peekSignInToken,
  recordSignInRequest,
  useSignInToken,
} from '../../store/sign-in-tokens.ts';
import { deleteSession } from '../../store/web-sessions.ts';
import { signInLinkMessage } from '../send-sign-in-link.ts';
import { clearSessionCookie, ensureSession, homeOf, isAdminEmail, startSignedInSession, viewerFor } from '../session.ts';
import { sendMessage, type WebDeps } from '../web-deps.ts';
import { checkEmailPage, linkUnusablePage, noAccessPage, signInPage, tooManyRequestsPage, useLinkPage } from '../views/messages.ts';

export const signInLimits = {
  linkValidMinutes: 15,
  perAddressPerHour: 5,
  perClientPerMinute: 20,
  /** Request records and spent tokens are kept this long, then forgotten. */
  keepRecordsMs: 24 * 60 * 60_000,
} as const;

/** Thrown by the per-client limiter; the error handler answers with the 429 page. */
export class TooManyRequests extends Error {
  readonly statusCode = 429;
  constructor() {
    super('too many sign-in requests');
  }
}

const SignInForm = z.object({ email: z.string().optional() });
const TokenParams = z.object({ token: z.string() });
const tokenFormat = /^[A-Za-z0-9_-]{43}$/;

export function registerSignInRoutes(app: FastifyInstance, deps: WebDeps): void {
  const perClient = app.rateLimit({
    max: signInLimits.perClientPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => new TooManyRequests(),
  });

  app.get('/', async (request, reply) => {
    if (request.viewer) {
      const home = homeOf(request.viewer);
      if (home) return reply.redirect(home, 303);
      return sendMessage(request, reply, 200, noAccessPage(request.viewer.email));
    }
    const session = await ensureSession(deps, request, reply);
    return sendMessage(request, reply, 200, signInPage(session.csrfToken));
  });

  app.post('/sign-in', { onRequest: perClient }, async (request, reply) => {
    const typed = (SignInForm.safeParse(request.body).data?.email ?? '').trim();
    const session = await ensureSession(deps, request, reply);
    if (typed === '' || typed.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(typed)) {
      return sendMessage(request, reply, 400, signInPage(session.csrfToken, { email: typed, message: 'Enter your email address, for example name@district.org.' }));
    }
    const email = normalizeAddress(typed);
    const now = deps.now();
    const recent = await countSignInRequests(deps.store, { address: email, since: new Date(now.getTime() - 60 * 60_000) });
    if (recent >= signInLimits.perAddressPerHour) return sendMessage(request, reply, 429, tooManyRequestsPage());
    await recordSignInRequest(deps.store, { address: email, now });
    await deleteOldSignInRecords(deps.store, new Date(now.getTime() - signInLimits.keepRecordsMs));
    if (isAdminEmail(deps.config, email) || (await isKnownTeacherEmail(deps.store, email))) {
      const token = await createSignInToken(deps.store, { email, now, ttlMs: signInLimits.linkValidMinutes * 60_000 });
      const link = `${deps.linkBase()}/sign-in/${token}`;
      // Not awaited: the answer must not take longer for a known address than for an unknown one.
      deps.sendMail(signInLinkMessage(typed, link, signInLimits.linkValidMinutes)).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'the sign-in link could not be sent; check the smtp settings');
      });
    }
    return sendMessage(request, reply, 200, checkEmailPage(typed));
  });

  app.get('/sign-in/:token', { onRequest: perClient }, async (request, reply) => {
    const token = tokenOf(request);
    const holder = token ? await peekSignInToken(deps.store, token, deps.now()) : null;
    if (!token || !holder) return sendMessage(request, reply, 410, linkUnusablePage());
    const session = await ensureSession(deps, request, reply);
    return sendMessage(request, reply, 200, useLinkPage(holder.email, token, session.csrfToken));
  });

  app.post('/sign-in/:token', { onRequest: perClient }, async (request, reply) => {
    const token = tokenOf(request);
    const holder = token ? await useSignInToken(deps.store, token, deps.now()) : null;
    if (!holder) return sendMessage(request, reply, 410, linkUnusablePage());
    if (request.webSession) await deleteSession(deps.store, request.webSession.id);
    await startSignedInSession(deps, reply, holder.email);
    const viewer = await viewerFor(deps, holder.email);
    deps.logger.info({ admin: viewer.isAdmin, teacher: viewer.isTeacher }, 'signed in');
    return reply.redirect(homeOf(viewer) ?? '/', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.webSession) await deleteSession(deps.store, request.webSession.id);
    clearSessionCookie(deps, reply);
    return reply.redirect('/', 303);
  });
}

function tokenOf(request: FastifyRequest): string | null {
  const token = TokenParams.safeParse(request.params).data?.token;
  return token && tokenFormat.test(token) ? token : null;
}
