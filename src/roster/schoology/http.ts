/**
 * The HTTP exchange with Schoology: OAuth signing (fresh for every send), the client-side rate limit,
 * timeouts, 303s followed by a newly signed GET, and retries with the shared retry-policy helpers.
 * It returns the parsed JSON of a 2xx answer and turns everything else into a SchoologyError.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import type { z } from 'zod';
import { SchoologyError } from '../../errors.ts';
import { encodeQuery } from '../../load/oauth1.ts';
import {
  isRetryableError,
  isRetryableStatus,
  networkErrorCode,
  nextDelayMs,
  retryableNetworkErrorCodes,
  retryableStatuses,
  type RetryPolicy,
} from '../../load/retry-policy.ts';
import { assertSignatureTransportSafe, schoologyAuthorizationHeader, type SchoologyCredentials } from './oauth.ts';
import { SlidingWindowRateLimiter } from './rate-limiter.ts';
import type { SchoologyClientOptions, SchoologyRequestCount, SchoologyRequestEvent } from './types.ts';

export type Query = Record<string, string | number | undefined>;

export interface SchoologyCall {
  method: 'GET' | 'POST' | 'PUT';
  /** Absolute URL (from `url()` or a `links.next`). */
  url: string;
  body?: unknown;
  /**
   * Whether sending it twice does no harm. A create is not: after a 5xx or a timeout it may have
   * happened, so it is only repeated after a 429 or a refused connection, which prove it did not.
   */
  idempotent: boolean;
}

interface ExchangeAnswer {
  status: number;
  text: string;
  location: string | undefined;
  retryAfter: string | undefined;
}

const credentialsRemedy =
  'Check rosterProvisioning.schoology consumerKey and consumerSecret. The key must belong to a Schoology system administrator (or be an app key): personal API keys cannot reach other users since June 2025.';

/** Redirect hops followed for one call (`/users/me` needs one). */
const maxRedirects = 3;

function retryPolicy(maxAttempts: number): RetryPolicy {
  return {
    maxAttempts,
    retryableStatuses,
    retryableErrorCodes: retryableNetworkErrorCodes,
    backoff: { baseMs: 500, factor: 2, capMs: 30_000 },
    retryAfterCapMs: 120_000,
  };
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {});

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class SchoologyHttp {
  readonly base: URL;
  readonly #credentials: SchoologyCredentials;
  readonly #signatureMethod: 'HMAC-SHA1' | 'PLAINTEXT';
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #agent: Agent;
  readonly #limiter: SlidingWindowRateLimiter;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;
  readonly #random: (() => number) | undefined;
  readonly #logger: Logger | undefined;
  readonly #onRequest: ((event: SchoologyRequestEvent) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #count: SchoologyRequestCount = { reads: 0, writes: 0, bulkCalls: 0 };

  constructor(options: SchoologyClientOptions) {
    const { config } = options;
    this.base = new URL(config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`);
    this.#signatureMethod = config.signatureMethod;
    assertSignatureTransportSafe(this.base, this.#signatureMethod);
    this.#credentials = { consumerKey: config.consumerKey.reveal(), consumerSecret: config.consumerSecret.reveal() };
    this.#policy = retryPolicy(config.maxAttempts);
    this.#timeoutMs = config.timeoutSeconds * 1000;
    this.#agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: this.#timeoutMs } });
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? Date.now;
    this.#random = options.random;
    this.#limiter = new SlidingWindowRateLimiter(config.rateLimit, this.#now, this.#sleep);
    this.#logger = options.logger;
    this.#onRequest = options.onRequest;
    this.#signal = options.signal;
  }

  /** `path` below the base URL (`/users`), with the query encoded the RFC 3986 way (as signed). */
  url(path: string, query: Query = {}): string {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const params = Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as const]));
    url.search = params.length > 0 ? `?${encodeQuery(params)}` : '';
    return url.href;
  }

  countBulkCall(): void {
    this.#count.bulkCalls++;
  }

  requestCount(): SchoologyRequestCount {
    return { ...this.#count };
  }

  /** Sends `call` and parses its 2xx JSON answer with `schema` (a 204 parses `undefined`). */
  async json<S extends z.ZodType>(call: SchoologyCall, schema: S): Promise<z.infer<S>> {
    const { url, status, text } = await this.send(call);
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch (error) {
      throw this.#unexpected(call.method, url, status, 'its body is not JSON', error);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw this.#unexpected(call.method, url, status, `${issue?.message ?? 'unexpected shape'}${where}`, parsed.error);
    }
    return parsed.data;
  }

  /** Sends `call`, following 303s and retrying as the policy allows; resolves with a 2xx answer only. */
  async send(call: SchoologyCall): Promise<{ url: string; status: number; text: string }> {
    let url = call.url;
    let redirects = 0;
    let attempt = 1;
    for (;;) {
      this.#signal?.throwIfAborted();
      this.#assertSameOrigin(url, call.method);
      let answer: ExchangeAnswer | undefined;
      let failure = 'no answer';
      try {
        answer = await this.#exchange(call, url, attempt);
      } catch (error) {
        if (this.#signal?.aborted) throw this.#signal.reason;
        const code = networkErrorCode(error) ?? (error instanceof Error ? error.name : 'network error');
        // A refused connection proves nothing was sent; any other failure may have reached Schoology.
        const retryable = isRetryableError(error, this.#policy) && (call.idempotent || code === 'ECONNREFUSED');
        if (!retryable || attempt >= this.#policy.maxAttempts) {
          throw new SchoologyError(
            'SCHOOLOGY_UNAVAILABLE',
            `Schoology could not be reached for ${call.method} ${new URL(url).pathname} (${code}, attempt ${attempt} of ${this.#policy.maxAttempts}).`,
            {
              remedy: call.idempotent
                ? 'Check that the Schoology baseUrl is right and reachable, then run again.'
                : 'The write may or may not have happened; run again: existing objects are found by their keys and not created twice.',
              cause: error,
            },
          );
        }
        failure = code;
      }
      if (answer) {
        if (answer.status >= 200 && answer.status < 300) return { url, status: answer.status, text: answer.text };
        if (answer.status === 303 && call.method === 'GET' && answer.location !== undefined && redirects < maxRedirects) {
          // A new request to a new URL: signed anew with its own nonce, never a replay.
          url = new URL(answer.location, url).href;
          redirects++;
          continue;
        }
        if (answer.status === 401 || answer.status === 403) {
          throw new SchoologyError(
            'SCHOOLOGY_CREDENTIALS_REJECTED',
            `Schoology rejected the API credentials (${answer.status} on ${call.method} ${new URL(url).pathname}): ${this.#errorText(answer.text)}`,
            { remedy: credentialsRemedy, status: answer.status },
          );
        }
        // A 429 proves the call was not handled, so even a create may be repeated after one.
        const retryable = isRetryableStatus(answer.status, this.#policy) && (call.idempotent || answer.status === 429);
        if (!retryable || attempt >= this.#policy.maxAttempts) throw this.#failed(call, url, answer.status, answer.text, attempt);
        failure = `status ${answer.status}`;
      }
      const wait = nextDelayMs(attempt, answer?.retryAfter, this.#now(), this.#policy, this.#random);
      this.#logger?.warn({ method: call.method, path: new URL(url).pathname, attempt, failure, delayMs: wait }, 'Schoology request will be retried');
      await this.#sleep(wait, this.#signal);
      attempt++;
    }
  }

  async #exchange(call: SchoologyCall, url: string, attempt: number): Promise<ExchangeAnswer> {
    await this.#limiter.acquire(this.#signal);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: schoologyAuthorizationHeader(this.#credentials, {
        method: call.method,
        url,
        signatureMethod: this.#signatureMethod,
        timestamp: Math.floor(this.#now() / 1000),
      }),
    };
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (call.method === 'GET') this.#count.reads++;
    else this.#count.writes++;
    const path = new URL(url).pathname;
    const started = performance.now();
    const report = (status: number | undefined, error: string | undefined) => {
      const event: SchoologyRequestEvent = {
        method: call.method,
        path,
        durationMs: Math.round(performance.now() - started),
        attempt,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
      };
      this.#logger?.debug(event, 'Schoology request');
      this.#onRequest?.(event);
    };
    try {
      const response = await request(url, {
        dispatcher: this.#agent,
        method: call.method,
        headers,
        body,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        signal: this.#signal,
      });
      const text = await response.body.text();
      report(response.statusCode, undefined);
      return {
        status: response.statusCode,
        text,
        location: firstHeader(response.headers['location']),
        retryAfter: firstHeader(response.headers['retry-after']),
      };
    } catch (error) {
      report(undefined, networkErrorCode(error) ?? (error instanceof Error ? error.name : 'error'));
      throw error;
    }
  }

  /** Redirects and `links.next` must stay on the configured host: the signed header goes wherever we send. */
  #assertSameOrigin(url: string, method: string): void {
    const target = new URL(url);
    if (target.origin === this.base.origin) return;
    throw new SchoologyError(
      'SCHOOLOGY_UNEXPECTED_RESPONSE',
      `Schoology pointed ${method} to another host (${target.origin}); gradebridge only sends signed requests to ${this.base.origin}.`,
      { remedy: 'Check rosterProvisioning.schoology.baseUrl (it should be the API host, e.g. https://api.schoology.com/v1).' },
    );
  }

  #failed(call: SchoologyCall, url: string, status: number, text: string, attempt: number): SchoologyError {
    const path = new URL(url).pathname;
    if (isRetryableStatus(status, this.#policy) && (call.idempotent || status === 429)) {
      return new SchoologyError(
        'SCHOOLOGY_UNAVAILABLE',
        `Schoology answered ${status} to ${call.method} ${path} on all ${attempt} attempts: ${this.#errorText(text)}`,
        { remedy: 'Schoology is busy or down; run again later (lower rosterProvisioning.schoology.rateLimit if 429s persist).', status },
      );
    }
    if (status >= 500) {
      return new SchoologyError('SCHOOLOGY_UNAVAILABLE', `Schoology answered ${status} to ${call.method} ${path}: ${this.#errorText(text)}`, {
        remedy: 'The write may or may not have happened; run again: existing objects are found by their keys and not created twice.',
        status,
      });
    }
    if (status < 400) {
      return new SchoologyError('SCHOOLOGY_UNEXPECTED_RESPONSE', `Schoology answered ${status} to ${call.method} ${path}, which gradebridge does not follow.`, {
        remedy: 'Check that baseUrl points at the Schoology API (…/v1). If it does, report this with the run log.',
        status,
      });
    }
    return new SchoologyError('SCHOOLOGY_REQUEST_REJECTED', `Schoology refused ${call.method} ${path} (${status}): ${this.#errorText(text)}`, {
      remedy: 'Read Schoology\'s message above; fix the data or configuration it names, then run again.',
      status,
    });
  }

  #unexpected(method: string, url: string, status: number, what: string, cause: unknown): SchoologyError {
    return new SchoologyError(
      'SCHOOLOGY_UNEXPECTED_RESPONSE',
      `Schoology's answer to ${method} ${new URL(url).pathname} (${status}) was not understood: ${what}.`,
      { remedy: 'Check that baseUrl points at the Schoology API (…/v1). If it does, report this with the run log.', status, cause },
    );
  }

  /** Schoology's message from an error body, short, with our secret scrubbed in case it is echoed. */
  #errorText(text: string): string {
    let message = text.trim();
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON: Schoology sometimes answers errors as plain text.
    }
    if (this.#credentials.consumerSecret.length >= 4) message = message.split(this.#credentials.consumerSecret).join('[redacted]');
    if (message === '') return 'no message';
    return message.length > 300 ? `${message.slice(0, 300)}…` : message;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
