/**
 * The public contract of the Infinite Campus sandbox (infinite-campus-api.md "What the sandbox must do").
 * Tests hold it in-process; `gradebridge sandbox`/`demo` run it standalone and steer it through the
 * `/_sandbox/*` HTTP endpoints, which take and return the same shapes.
 */
import type { IcDataset } from './dataset.ts';

export type IcApiMode = 'oneroster-1.2' | 'oneroster-1.1' | 'legacy-learningdata';
export const icApiModes: readonly IcApiMode[] = ['oneroster-1.2', 'oneroster-1.1', 'legacy-learningdata'];

export interface IcSandboxCredentials {
  clientId: string;
  clientSecret: string;
  vendorKey: string;
  vendorSecret: string;
  consumerKey: string;
  consumerSecret: string;
}

export interface IcSandboxOptions {
  dataset: IcDataset;
  /** Default 0: a random free port. The host is always 127.0.0.1. */
  port?: number;
  /** The IC app name in every URL. Default `district`. */
  appName?: string;
  credentials?: Partial<IcSandboxCredentials>;
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Clock for token expiry and grading windows; default real time. OAuth 1 timestamps use real time. */
  now?: () => Date;
}

export type IcService = 'token' | 'rostering' | 'gradebook';

export interface IcRequestRecord {
  /** 1-based, counted from start or the last resetRequestLog(). */
  n: number;
  method: string;
  /** Decoded path, without the query. */
  path: string;
  query: Record<string, string>;
  /** 0 while pending, and for dropped or timed-out requests. */
  status: number;
  service: IcService;
  /** The injected fault, when one hit this request. */
  fault?: IcFaultKind;
}

/** A stored result, always with 1.2 IDs (no role prefix), whatever the mode it was written through. */
export interface IcStoredResult {
  sourcedId: string;
  lineItemSourcedId: string;
  studentSourcedId: string;
  classSourcedId?: string;
  score?: number;
  textScore?: string;
  /** `metadata.ext_infiniteCampus_scoreGrade`. */
  scoreGrade?: string;
  scoreStatus?: string;
  scoreDate?: string;
  comment?: string;
  /** How many accepted PUTs hit this result. */
  writes: number;
}

export type IcFaultKind = '429' | '500' | '503' | 'drop' | 'timeout' | 'expire-token';
export type IcChosenFault = '429' | '500' | '503' | 'drop' | 'expire-token';

export interface IcFaultSettings {
  /** Added before every matching request is answered. */
  latencyMs?: number;
  /** Proportions 0..1 of matching requests; drawn from a PRNG seeded with `seed`. */
  rate429?: number;
  rate5xx?: number;
  rateDrop?: number;
  /** Hang without answering until the client gives up (at most `maxHangMs`, released on close). */
  rateTimeout?: number;
  /** Sent with 429 and 503 answers. Default 1. */
  retryAfterSeconds?: number;
  seed?: number;
  /** Limit latency and proportional faults to one service, or to result writes (PUT). */
  only?: IcService | 'writes';
  /** Upper bound of a hang. Default 60000. */
  maxHangMs?: number;
}

export interface IcFaults {
  /** Replaces the latency and proportional settings (chosen request faults are kept). */
  set(settings: IcFaultSettings): void;
  /** Injects `fault` into request number `requestNumber` (as counted in requests()). */
  at(requestNumber: number, fault: IcChosenFault): void;
  /** Removes every fault. */
  clear(): void;
}

export interface IcSandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** What an admin pastes into infiniteCampus.baseUrl for this mode. */
  baseUrl(mode: IcApiMode): string;
  /** http://127.0.0.1:PORT/campus/oauth2/token?appName=APP */
  tokenUrl: string;
  credentials: IcSandboxCredentials;
  faults: IcFaults;
  /** Every issued token becomes invalid (401): the client must fetch a new one. */
  expireTokens(): void;
  /** The client id/secret and the consumer key answer 401 everywhere from now on. */
  revokeCredentials(): void;
  /** Every stored result, sorted by sourcedId. */
  results(): IcStoredResult[];
  /** Requests in arrival order (sandbox control endpoints excluded). */
  requests(): IcRequestRecord[];
  resetRequestLog(): void;
  close(): Promise<void>;
}
