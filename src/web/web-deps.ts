/** What every route of the status page is handed, and the helpers that answer with a page. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import { html, type HtmlValue } from './html.ts';
import type { SendMail } from './send-sign-in-link.ts';
import type { SectionWindowLookup } from './section-windows.ts';
import { roleRefusal, type Role, type SessionDeps } from './session.ts';
import { layout } from './views/layout.ts';
import { forbiddenPage, type Message } from './views/messages.ts';

export interface WebDeps extends SessionDeps {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => Date;
  sendMail: SendMail;
  windows: SectionWindowLookup;
  /** The base of links in emails: web.publicUrl, else the address the server listens on. */
  linkBase: () => string;
  configFile: string | null;
  timezone: string;
}

export function sendPage(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: HtmlValue, current?: string): FastifyReply {
  const frame = { viewer: request.viewer, csrfToken: request.webSession?.csrfToken ?? null, ...(current ? { current } : {}) };
  return reply.code(status).type('text/html; charset=utf-8').send(layout(frame, title, html`${body}`).text);
}

export function sendMessage(request: FastifyRequest, reply: FastifyReply, status: number, message: Message): FastifyReply {
  return sendPage(request, reply, status, message.title, message.body);
}

/** A preHandler that lets only `role` through: signed out -> 303 `/`, signed in without it -> 403. */
export function requireRole(role: Role) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const refusal = roleRefusal(request, role);
    if (!refusal) return undefined;
    // Returning the reply tells Fastify the answer is sent and the handler must not run.
    if ('redirect' in refusal) return reply.redirect(refusal.redirect, 303);
    return sendMessage(request, reply, 403, forbiddenPage());
  };
}
