/**
 * The Infinite Campus stand-in: OneRoster 1.2, 1.1 and the legacy learningdata API over HTTP on
 * 127.0.0.1, with IC's auth, validation and faults (infinite-campus-api.md "What the sandbox must do").
 *
 *   const ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => new Date('2026-12-02T15:00:00Z') });
 *   config.infiniteCampus = { api: 'oneroster-1.2', baseUrl: ic.baseUrl('oneroster-1.2'), tokenUrl: ic.tokenUrl, ... };
 *   ic.faults.at(3, '429');  ...  ic.results();  await ic.close();
 */
import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { controlPrefix, handleControl } from './control.ts';
import { District } from './district.ts';
import { FaultInjector } from './faults.ts';
import { handleGradebook } from './gradebook.ts';
import { header, type Reply, type SandboxRequest } from './http.ts';
import { ImsxError, imsxBody, unauthorised } from './imsx.ts';
import { OAuth1Verifier } from './oauth1.ts';
import { handleTokenRequest, sameSecret, TokenStore } from './oauth2.ts';
import { Renderer } from './render.ts';
import { ResultStore } from './result-store.ts';
import { handleRostering } from './rostering.ts';
import { basePath, parseRoute, servicePath, tokenPath, type Route } from './routes.ts';
import {
  icApiModes,
  type IcApiMode,
  type IcRequestRecord,
  type IcSandbox,
  type IcSandboxCredentials,
  type IcSandboxOptions,
} from './types.ts';

export type {
  IcApiMode,
  IcChosenFault,
  IcFaultKind,
  IcFaults,
  IcFaultSettings,
  IcRequestRecord,
  IcSandbox,
  IcSandboxCredentials,
  IcSandboxOptions,
  IcService,
  IcStoredResult,
} from './types.ts';
export type { IcDataset } from './dataset.ts';
export { loadIcDataset, loadDistrictDataset, fixturesDir } from './dataset.ts';

export const defaultIcCredentials: IcSandboxCredentials = {
  clientId: 'InfiniteCampus_demo_client',
  clientSecret: 'InfiniteCampus_demo_secret',
  vendorKey: 'InfiniteCampus_demo_vendor_key',
  vendorSecret: 'InfiniteCampus_demo_vendor_secret',
  consumerKey: 'InfiniteCampus_demo_consumer_key',
  consumerSecret: 'InfiniteCampus_demo_consumer_secret',
};

const maxBodyBytes = 1024 * 1024;
const vendorHeader = 'x-vendor-authorization';

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBodyBytes ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers);
  res.end(body);
}

function faultReply(status: 429 | 500 | 503, retryAfterSeconds: number): Reply {
  const busy = status !== 500;
  return {
    status,
    headers: busy ? { 'Retry-After': String(retryAfterSeconds) } : {},
    body: busy
      ? imsxBody('server_busy', 'The server is busy; retry after the time in Retry-After.')
      : imsxBody('internal_server_error', 'Internal server error (injected by the sandbox).'),
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export async function startIcSandbox(options: IcSandboxOptions): Promise<IcSandbox> {
  const appName = options.appName ?? 'district';
  const credentials: IcSandboxCredentials = { ...defaultIcCredentials, ...options.credentials };
  const now = options.now ?? (() => new Date());
  const district = new District(options.dataset);
  const tokens = new TokenStore(options.tokenLifetimeSeconds ?? 3600, now);
  const results = new ResultStore();
  const faults = new FaultInjector();
  let revoked = false;
  const oauth1 = new OAuth1Verifier({
    secretFor: (key) => (!revoked && sameSecret(key, credentials.consumerKey) ? credentials.consumerSecret : undefined),
  });
  const clients = {
    accepts: (id: string, secret: string) => !revoked && sameSecret(id, credentials.clientId) && sameSecret(secret, credentials.clientSecret),
  };
  const expectedVendor = Buffer.from(`${credentials.vendorKey}:${credentials.vendorSecret}`);

  let log: IcRequestRecord[] = [];
  let requestCount = 0;
  const hanging = new Set<ServerResponse>();
  const closing = new AbortController();
  let views: Record<IcApiMode, Renderer> | undefined;

  function authenticate(req: SandboxRequest, route: Extract<Route, { kind: 'api' }>): void {
    if (route.mode === 'legacy-learningdata') oauth1.verify(req);
    else tokens.authenticate(req);
    if (route.service === 'gradebook') {
      const given = Buffer.from(header(req, vendorHeader) ?? '');
      if (given.length !== expectedVendor.length || !timingSafeEqual(given, expectedVendor))
        throw unauthorised(`Gradebook calls need the header ${vendorHeader}: VENDOR_KEY:VENDOR_SECRET.`);
    }
  }

  function dispatch(req: SandboxRequest, route: Route | null): Reply {
    if (route === null) throw new ImsxError(404, 'unknownobject', `No Infinite Campus endpoint at ${safeDecode(req.rawPath)}.`);
    if (route.kind === 'token') return handleTokenRequest(req, appName, clients, tokens);
    authenticate(req, route);
    const view = views?.[route.mode];
    if (!view) throw new Error('The sandbox is not listening yet');
    return route.service === 'gradebook'
      ? handleGradebook(req, route.segments, { district, view, results, now })
      : handleRostering(req, route.segments, district, view);
  }

  function hang(res: ServerResponse, maxHangMs: number): void {
    hanging.add(res);
    const timer = setTimeout(() => res.socket?.destroy(), maxHangMs);
    res.on('close', () => {
      clearTimeout(timer);
      hanging.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
    const body = await readBody(req);
    const request: SandboxRequest = { method: req.method ?? 'GET', rawPath, query, headers: req.headers, body: body ?? Buffer.alloc(0), origin };

    if (rawPath.startsWith(controlPrefix)) {
      send(res, handleControl(request, sandbox));
      return;
    }

    const route = parseRoute(rawPath, appName);
    const service = route === null ? 'rostering' : route.kind === 'token' ? 'token' : route.service;
    const record: IcRequestRecord = { n: ++requestCount, method: request.method, path: safeDecode(rawPath), query: Object.fromEntries(query), status: 0, service };
    log.push(record);

    const decision = faults.decide(record.n, service, request.method === 'PUT' && service === 'gradebook');
    if (decision.latencyMs > 0) {
      try {
        await delay(decision.latencyMs, undefined, { signal: closing.signal });
      } catch {
        return;
      }
    }
    if (decision.fault) record.fault = decision.fault;
    switch (decision.fault) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'timeout':
        hang(res, decision.maxHangMs);
        return;
      case '429':
      case '500':
      case '503': {
        const reply = faultReply(Number(decision.fault) as 429 | 500 | 503, decision.retryAfterSeconds);
        record.status = reply.status;
        send(res, reply);
        return;
      }
      case 'expire-token':
        tokens.expireAll();
        break;
      case undefined:
        break;
    }

    let reply: Reply;
    try {
      reply = body === null ? { status: 413, body: imsxBody('invaliddata', `The body is larger than ${maxBodyBytes} bytes.`) } : dispatch(request, route);
    } catch (error) {
      reply =
        error instanceof ImsxError
          ? { status: error.status, headers: error.headers, body: error.body }
          : { status: 500, body: imsxBody('internal_server_error', error instanceof Error ? error.message : String(error)) };
    }
    record.status = reply.status;
    send(res, reply);
  }

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const rendererFor = (mode: IcApiMode) =>
    new Renderer(mode, district, {
      rostering: url + servicePath(mode, appName, 'rostering'),
      gradebook: url + servicePath(mode, appName, 'gradebook'),
    });
  views = Object.fromEntries(icApiModes.map((mode) => [mode, rendererFor(mode)])) as Record<IcApiMode, Renderer>;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // OAuth 1 signs the URL the client used, so the origin comes from its Host header.
    const origin = req.headers.host ? `http://${req.headers.host}` : url;
    handle(req, res, origin).catch((error: unknown) => {
      send(res, { status: 500, body: imsxBody('internal_server_error', error instanceof Error ? error.message : String(error)) });
    });
  });

  const sandbox: IcSandbox = {
    url,
    baseUrl: (mode) => url + basePath(mode, appName),
    tokenUrl: `${url}${tokenPath}?appName=${encodeURIComponent(appName)}`,
    credentials,
    faults,
    expireTokens: () => tokens.expireAll(),
    revokeCredentials: () => {
      revoked = true;
      tokens.expireAll();
    },
    results: () => results.readBack(),
    requests: () => log.map((r) => ({ ...r, query: { ...r.query } })),
    resetRequestLog: () => {
      log = [];
      requestCount = 0;
    },
    close: async () => {
      closing.abort();
      for (const res of hanging) res.socket?.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return sandbox;
}
