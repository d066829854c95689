/**
 * The Infinite Campus client the pipelines use: OneRoster reads (rostering and gradebook) and
 * final-grade writes, in any of the three connection modes, with auth, paging, retries and a
 * concurrency bound shared by every request (README "Rules in detail": Retries).
 *
 * @example
 *   const ic = createIcClient({ config: config.infiniteCampus, concurrency: 2, logger });
 *   const items = await ic.readClassLineItems('class-1');
 *   const outcome = await ic.putResult(planned, { letterGrades: true, scoreDate: '2026-12-18', now: new Date() });
 *   await ic.close();
 *
 * User IDs: whatever the mode, users and user references come back in the 1.2 form (no `s+`
 * prefix), and `putResult` takes that form too; see user-ids.ts.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { limits, type InfiniteCampusConfig } from '../config/schema.ts';
import { scrubSecrets, secretValues } from '../config/secret.ts';
import { ConfigError } from '../errors.ts';
import type { LineItem } from '../types.ts';
import { checkConnection, type IcConnectionReport } from './check-connection.ts';
import { OAuth1Signer, OAuth2Tokens, type IcAuthorizer } from './ic-auth.ts';
import { IcConnection } from './ic-connection.ts';
import { IcHttp, type IcRequestEvent } from './ic-http.ts';
import { readCollection, readObject, readPages, type ReadOptions } from './ic-read.ts';
import type { IcClass, IcUser } from './ic-schemas.ts';
import type { IcApiMode, IcService } from './ic-urls.ts';
import { putResult, type PutResultOptions, type PutResultOutcome } from './put-result.ts';
import { readClass } from './read-class.ts';
import { readClassStudents } from './read-class-students.ts';
import { readClassLineItems } from './read-line-items.ts';
import { readResult, type PostedResult } from './read-result.ts';
import { icRetryPolicy } from './retry-policy.ts';
import type { PlannedResult } from '../types.ts';

export type { IcRequestEvent } from './ic-http.ts';
export type { PutResultOutcome } from './put-result.ts';
export type { IcConnectionReport } from './check-connection.ts';
export type { PostedResult } from './read-result.ts';
export type { IcApiMode, IcService } from './ic-urls.ts';

export interface IcClientOptions {
  config: InfiniteCampusConfig;
  /** Bounds all IC requests in flight, reads and token requests included (default 1, at most 5). */
  concurrency?: number;
  /** Overrides config.maxAttempts. */
  maxAttempts?: number;
  logger?: Logger;
  /** Called after every attempt, for metrics. */
  onRequest?: (event: IcRequestEvent) => void;
  /** Stops the client: in-flight requests are aborted, queued ones and backoff waits rejected with the signal's reason. */
  signal?: AbortSignal;
  /** The wait between attempts (tests pass one that returns at once). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source, 0 <= x < 1. */
  random?: () => number;
  /** Clock for token expiry and Retry-After dates, epoch ms. */
  now?: () => number;
}

export interface IcClient {
  readonly mode: IcApiMode;
  /** Every page of a collection (`/classes`, `/schools/x/classes`, ...), each object validated by `schema`. */
  readCollection<T>(service: IcService, path: string, envelopeKey: string, schema: z.ZodType<T>, options?: ReadOptions): Promise<T[]>;
  /** The same, page by page, for large rosters. */
  readPages<T>(service: IcService, path: string, envelopeKey: string, schema: z.ZodType<T>, options?: ReadOptions): AsyncIterable<T[]>;
  /** One object (`{"class":{...}}`), or null on 404. */
  readObject<T>(service: IcService, path: string, envelopeKey: string, schema: z.ZodType<T>): Promise<T | null>;
  readClass(classSourcedId: string): Promise<IcClass | null>;
  readClassStudents(classSourcedId: string): Promise<IcUser[]>;
  readClassLineItems(classSourcedId: string): Promise<LineItem[]>;
  /** PUT one final grade; refusals are outcomes, rejected credentials throw. */
  putResult(result: PlannedResult, options: PutResultOptions): Promise<PutResultOutcome>;
  readResult(resultSourcedId: string): Promise<PostedResult | null>;
  /** Token, one rostering read, and one gradebook read when vendor credentials are set. */
  checkConnection(): Promise<IcConnectionReport>;
  close(): Promise<void>;
}

/** Tokens seen are scrubbed too; a long run renews many times, the latest few are enough. */
const rememberedTokens = 8;

export function createIcClient(options: IcClientOptions): IcClient {
  const { config } = options;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > limits.maxConcurrency) {
    throw new ConfigError(`IC concurrency must be a whole number from 1 to ${limits.maxConcurrency}, got ${concurrency}.`, {
      remedy: 'IC allows no concurrent requests at peak hours and at most 5 off-peak; set gradePassback.concurrency accordingly.',
    });
  }
  const now = options.now ?? Date.now;
  const secrets = secretValues(config);
  const tokens: string[] = [];
  const scrub = (text: string) => scrubSecrets(text, [...secrets, ...tokens]);
  const logger = options.logger?.child({ component: 'infinite-campus', api: config.api });

  const http = new IcHttp({
    concurrency,
    timeoutMs: config.timeoutSeconds * 1000,
    policy: { ...icRetryPolicy, maxAttempts: options.maxAttempts ?? config.maxAttempts },
    logger,
    onRequest: options.onRequest,
    signal: options.signal,
    sleep: options.sleep,
    random: options.random,
    now,
  });
  const auth: IcAuthorizer =
    config.api === 'legacy-learningdata'
      ? new OAuth1Signer(config)
      : new OAuth2Tokens({
          config,
          http,
          now,
          scrub,
          onToken: (token) => {
            tokens.push(token);
            if (tokens.length > rememberedTokens) tokens.shift();
          },
        });
  const connection = new IcConnection({ config, http, auth, scrub });
  const pageSize = config.pageSize;

  return {
    mode: config.api,
    readCollection: (service, path, envelopeKey, schema, readOptions) =>
      readCollection(connection, service, path, envelopeKey, schema, pageSize, readOptions),
    readPages: (service, path, envelopeKey, schema, readOptions) =>
      readPages(connection, service, path, envelopeKey, schema, pageSize, readOptions),
    readObject: (service, path, envelopeKey, schema) => readObject(connection, service, path, envelopeKey, schema),
    readClass: (classSourcedId) => readClass(connection, classSourcedId),
    readClassStudents: (classSourcedId) => readClassStudents(connection, classSourcedId, pageSize),
    readClassLineItems: (classSourcedId) => readClassLineItems(connection, classSourcedId, config.lineItemFields, pageSize),
    putResult: (result, putOptions) => putResult(connection, result, putOptions),
    readResult: (resultSourcedId) => readResult(connection, resultSourcedId),
    checkConnection: () => checkConnection(connection, auth),
    close: () => http.close(),
  };
}
