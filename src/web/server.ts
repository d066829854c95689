/**
 * The status page (README "Operations"): a Fastify server rendering plain HTML, no scripts. Teachers
 * sign in by emailed link and opt their sections in or out; admins watch runs, read per-row results,
 * request runs and see the settings. Sessions, links and rate-limit counts per address live in the
 * store, so several servers can share one district.
 *
 * @example
 *   const web = await startWebServer({ config, store, logger });
 *   console.log(web.url); // http://127.0.0.1:8080
 *   await web.close();
 */
import type { AddressInfo } from 'node:net';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { defaults } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import type { LineItem } from '../types.ts';
import { configuredMailSender, type SendMail } from './send-sign-in-link.ts';
import { createSectionWindowLookup } from './section-windows.ts';
import { logSafeUrl } from './log-safe-url.ts';
import { hasValidCsrfToken, loadSession } from './session.ts';
import { sendMessage, type WebDeps } from './web-deps.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerPublicRoutes } from './routes/health.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerSignInRoutes } from './routes/sign-in.ts';
import { registerTeacherRoutes } from './routes/teacher.ts';
import { badRequestPage, csrfRefusedPage, notFoundPage, serverErrorPage, tooManyRequestsPage } from './views/messages.ts';

export interface WebServerOptions {
  config: Config;
  store: Store;
  logger: Logger;
  /** The clock for sessions and link expiry; default the system clock. */
  now?: () => Date;
  /** How sign-in links are sent; default nodemailer over `config.smtp`. */
  sendMail?: SendMail;
  /** Shown on the settings page. */
  configFile?: string;
  /** Where the teacher view reads IC line items for window status; default an IC client from the config. */
  readLineItems?: (classSourcedId: string) => Promise<LineItem[]>;
}

const bodyLimitBytes = 64 * 1024;

/** Builds the server without listening (tests use `inject`). */
export function buildWebServer(options: WebServerOptions): FastifyInstance {
  const { config, store } = options;
  const logger = options.logger.child({ component: 'web' });
  const now = options.now ?? (() => new Date());
  const https = config.web?.publicUrl?.startsWith('https:') === true;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's own request logs would carry sign-in tokens in URLs; onResponse below logs them redacted.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    // Behind a reverse proxy on the same host, the client address comes from X-Forwarded-For; from
    // anywhere else that header is ignored, so nobody can pick their own rate-limit key.
    trustProxy: ['127.0.0.1', '::1'],
  });

  const mail = options.sendMail ? null : configuredMailSender(config, (message) => logger.warn(message));
  const windows = createSectionWindowLookup({ config, logger, now, ...(options.readLineItems ? { readLineItems: options.readLineItems } : {}) });
  const deps: WebDeps = {
    config,
    store,
    logger,
    now,
    sendMail: options.sendMail ?? mail?.send ?? (async () => {}),
    windows,
    linkBase: () => linkBase(config, app),
    configFile: options.configFile ?? null,
    timezone: config.timezone,
  };

  app.decorateRequest('webSession', null);
  app.decorateRequest('viewer', null);
  app.register(cookie);
  app.register(formbody);
  app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: https ? { maxAge: 15_552_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.register(rateLimit, {
    global: false,
    // The same answer past any limit, for every address: no rate-limit headers at all.
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': false },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  });

  app.addHook('onRequest', loadSession(deps));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || hasValidCsrfToken(request)) return undefined;
    logger.warn({ url: logSafeUrl(request.url) }, 'POST refused: missing or wrong CSRF token');
    return sendMessage(request, reply, 403, csrfRefusedPage());
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') || type.startsWith('text/csv')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    logger.info({ method: request.method, url: logSafeUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  app.addHook('onClose', async () => {
    mail?.close();
    await windows.close();
  });

  app.setNotFoundHandler(async (request, reply) => sendMessage(request, reply, 404, notFoundPage()));
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) return sendMessage(request, reply, 429, tooManyRequestsPage());
    if (status >= 400 && status < 500) return sendMessage(request, reply, status, badRequestPage('The request was not understood.'));
    logger.error({ err: error, url: logSafeUrl(request.url) }, 'status page error');
    return sendMessage(request, reply, 500, serverErrorPage());
  });

  app.register(async (routes) => {
    registerPublicRoutes(routes, deps);
    registerSignInRoutes(routes, deps);
    registerTeacherRoutes(routes, deps);
    registerAdminRoutes(routes, deps);
    registerRunRoutes(routes, deps);
    registerSettingsRoutes(routes, deps);
  });
  return app;
}

export interface RunningWebServer {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

/** Builds the server and listens on `web.host`:`web.port` (port 0: any free port). */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const app = buildWebServer(options);
  const host = options.config.web?.host ?? defaults.webHost;
  const port = options.config.web?.port ?? defaults.webPort;
  await app.listen({ host, port });
  return { url: listeningUrl(app) ?? `http://${host}:${port}`, server: app, close: () => app.close() };
}

function listeningUrl(app: FastifyInstance): string | null {
  const address = app.server.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') return null;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Links in emails point at `web.publicUrl`, else at the address the server listens on. */
function linkBase(config: Config, app: FastifyInstance): string {
  const configured = config.web?.publicUrl;
  if (configured) return configured.replace(/\/+$/, '');
  return listeningUrl(app) ?? `http://${config.web?.host ?? defaults.webHost}:${config.web?.port ?? defaults.webPort}`;
}
