/**
 * A stand-in for the Schoology REST API v1 on 127.0.0.1, for the demo and the tests: OAuth 1.0a
 * two-legged checking on every request, a per-key rate limit answering 429, the endpoints of
 * routes.ts over an in-memory district, a request log, and injectable faults (429s, refused bulk
 * items). `state()` reads the whole district back.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { District } from './district.ts';
import { OAuthChecker } from './oauth-check.ts';
import { createRoutes, type BulkKind, type ItemFault, type RouteAnswer } from './routes.ts';
import { idAllocator, initialState, type SchoologyState } from './state.ts';

export type { BulkKind, ItemFault } from './routes.ts';
export type * from './state.ts';

export interface SchoologySandboxOptions {
  /** 0 (default): any free port. */
  port?: number;
  consumerKey?: string;
  consumerSecret?: string;
  /** Per consumer key, sliding window. Default 1000 per 5 seconds. */
  rateLimit?: { requests: number; perSeconds: number };
  /** The district's Schoology "school" ID, which buildings live under. Default '1000'. */
  schoolId?: string;
  initial?: Partial<SchoologyState>;
  /** The clock of the rate limit. */
  now?: () => Date;
}

export interface SandboxRequest {
  /** 1, 2, ... in arrival order. */
  n: number;
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  status: number;
  /** Bulk size, for bulk writes. */
  items?: number;
}

export interface SchoologyFaults {
  /** Share of authenticated requests (0..1) answered 429 before they are looked at. */
  rate429?: number;
  /** `Retry-After` of those 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Fails chosen bulk items inside the 200 (kinds: users, courses, sections, enrollments, parentLinks). */
  failItems?: ItemFault;
  /** Answers the chosen requests with this status (after auth) instead of handling them; null lets one through. */
  failRequests?: (request: { method: string; path: string }) => number | null;
  /** Seed of the 429 dice. Default 1. */
  seed?: number;
}

export interface SchoologySandbox {
  /** The API base URL, e.g. http://127.0.0.1:PORT/v1 (rosterProvisioning.schoology.baseUrl). */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  schoolId: string;
  /** A deep copy of the whole district. */
  state(): SchoologyState;
  requests(): SandboxRequest[];
  /** POST/PUT/DELETE requests that reached an endpoint (not refused by auth, rate limit or injected 429), since start or the last reset. */
  writeCount(): number;
  /** Empties the request log and sets writeCount back to 0. */
  resetRequestLog(): void;
  faults: { set(faults: SchoologyFaults): void; clear(): void };
  /** An enrollment made directly in Schoology (not by gradebridge). */
  addEnrollmentByHand(sectionSchoolCode: string, schoolUid: string, admin: boolean): void;
  close(): Promise<void>;
}

const maxBodyBytes = 5 * 1024 * 1024;

/** mulberry32: a small seeded generator, so injected 429s repeat from run to run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function respond(res: ServerResponse, answer: RouteAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers).end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

function refusal(status: number, message: string, headers?: Record<string, string>): RouteAnswer {
  return { status, body: { response_code: status, message }, ...(headers ? { headers } : {}) };
}

export async function startSchoologySandbox(options: SchoologySandboxOptions = {}): Promise<SchoologySandbox> {
  const consumerKey = options.consumerKey ?? 'sandbox-consumer-key';
  const consumerSecret = options.consumerSecret ?? 'sandbox-consumer-secret';
  const schoolId = options.schoolId ?? '1000';
  const rateLimit = options.rateLimit ?? { requests: 1000, perSeconds: 5 };
  const now = options.now ?? (() => new Date());

  const state = initialState(options.initial);
  const district = new District(state, schoolId, idAllocator(state, schoolId));
  const oauth = new OAuthChecker(new Map([[consumerKey, consumerSecret]]));
  let faults: SchoologyFaults = {};
  let dice = seededRandom(1);
  const route = createRoutes(district, () => faults.failItems);
  const sent = new Map<string, number[]>();
  let log: SandboxRequest[] = [];
  let arrivals = 0;
  let writes = 0;

  /** Sliding window per key: the wait in seconds when full, else undefined (and the request counts). */
  const overLimit = (key: string): number | undefined => {
    const at = now().getTime();
    const windowMs = rateLimit.perSeconds * 1000;
    const recent = (sent.get(key) ?? []).filter((t) => t > at - windowMs);
    sent.set(key, recent);
    if (recent.length >= rateLimit.requests) return Math.max(1, Math.ceil((recent[0]! + windowMs - at) / 1000));
    recent.push(at);
    return undefined;
  };

  let origin = '';
  /** The URL as the client addressed it (its Host), so redirects and `links.next` stay on the host it used. */
  const requestUrl = (req: IncomingMessage) => new URL(req.url ?? '/', req.headers.host ? `http://${req.headers.host}` : origin);
  const handle = async (req: IncomingMessage): Promise<RouteAnswer> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = requestUrl(req);
    const text = await readBody(req);
    if (text === undefined) return refusal(413, 'Request body too large');
    // The client signed the URL it sent to, with the Host it sent.
    const verdict = oauth.check(method, url.href, req.headers.authorization);
    if (!verdict.ok) return refusal(401, verdict.message);
    const forced = faults.failRequests?.({ method, path: url.pathname });
    if (forced) return refusal(forced, 'Injected failure');
    if (faults.rate429 !== undefined && dice() < faults.rate429) {
      const wait = String(faults.retryAfterSeconds ?? 1);
      return refusal(429, 'Rate limit exceeded', { 'retry-after': wait });
    }
    const wait = overLimit(verdict.consumerKey);
    if (wait !== undefined) return refusal(429, 'Rate limit exceeded', { 'retry-after': String(wait) });
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return refusal(400, 'The request body is not valid JSON');
      }
    }
    if (method !== 'GET') writes++;
    return route({ method, url, body });
  };

  const server = createServer((req, res) => {
    const n = ++arrivals;
    const finish = (answer: RouteAnswer) => {
      const url = requestUrl(req);
      log.push({
        n,
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        status: answer.status,
        ...(answer.items !== undefined ? { items: answer.items } : {}),
      });
      respond(res, answer);
    };
    handle(req).then(finish, (error: unknown) => finish(refusal(500, error instanceof Error ? error.message : 'Internal error')));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/v1`,
    consumerKey,
    consumerSecret,
    schoolId,
    state: () => structuredClone(state),
    requests: () => log.map((entry) => ({ ...entry })),
    writeCount: () => writes,
    resetRequestLog: () => {
      log = [];
      writes = 0;
    },
    faults: {
      set(next) {
        faults = { ...next };
        dice = seededRandom(next.seed ?? 1);
      },
      clear() {
        faults = {};
      },
    },
    addEnrollmentByHand: (sectionSchoolCode, schoolUid, admin) => district.addEnrollmentByHand(sectionSchoolCode, schoolUid, admin),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
