/**
 * The HTTP exchange with IC: one keep-alive undici Agent, the concurrency limiter, per-request
 * timeouts, and the retry loop of retry-policy.ts. It knows nothing of OAuth or OneRoster; callers
 * hand it a `prepare` function that yields fresh headers for every attempt (a current token, a new
 * OAuth 1 nonce).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { Limiter } from './limiter.ts';
import { isRetryableError, isRetryableStatus, networkErrorCode, nextDelayMs, type RetryPolicy } from './retry-policy.ts';

export type IcCallService = 'token' | 'rostering' | 'gradebook';

/** One attempt, reported for metrics (never carries headers or bodies). */
export interface IcRequestEvent {
  service: IcCallService;
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  attempt: number;
  error?: string;
}

export interface IcHttpRequest {
  service: IcCallService;
  method: 'GET' | 'PUT' | 'POST';
  url: string;
  /** What events and logs show: the service-relative path, no query. */
  path: string;
  body?: string;
  /** Headers for one attempt; `credential` identifies the token used, so a 401 can drop exactly it. */
  prepare: () => Promise<{ headers: Record<string, string>; credential?: string }>;
}

export interface IcHttpAnswer {
  kind: 'answer';
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  credential: string | undefined;
  attempts: number;
}

/** Every attempt ended in a retryable status or network error. */
export interface IcHttpExhausted {
  kind: 'exhausted';
  attempts: number;
  /** Last status, when the last attempt got an answer. */
  status?: number;
  text?: string;
  /** Last network error code, when the last attempt got none. */
  errorCode?: string;
}

export interface IcHttpOptions {
  concurrency: number;
  timeoutMs: number;
  policy: RetryPolicy;
  logger?: Logger | undefined;
  onRequest?: ((event: IcRequestEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Waits between attempts; tests pass one that records and returns at once. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  now?: (() => number) | undefined;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {});

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export class IcHttp {
  readonly limiter: Limiter;
  readonly #agent: Agent;
  readonly #options: IcHttpOptions;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  constructor(options: IcHttpOptions) {
    this.#options = options;
    this.limiter = new Limiter(options.concurrency);
    // No connection cap here: the limiter is the one bound, so sockets never outnumber slots.
    this.#agent = new Agent({ keepAliveTimeout: 10_000 });
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? Date.now;
  }

  get maxAttempts(): number {
    return this.#options.policy.maxAttempts;
  }

  /** Sends `req`, repeating it on retryable answers and network errors up to the policy's bound. */
  async send(req: IcHttpRequest): Promise<IcHttpAnswer | IcHttpExhausted> {
    const { policy, signal } = this.#options;
    let last: IcHttpExhausted = { kind: 'exhausted', attempts: 0 };
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      signal?.throwIfAborted();
      const { headers, credential } = await req.prepare();
      let retryAfter: string | undefined;
      try {
        const answer = await this.#exchange(req, headers, attempt);
        if (!isRetryableStatus(answer.status, policy)) return { kind: 'answer', ...answer, credential, attempts: attempt };
        last = { kind: 'exhausted', attempts: attempt, status: answer.status, text: answer.text };
        retryAfter = headerValue(answer.headers, 'retry-after');
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!isRetryableError(error, policy)) throw error;
        last = { kind: 'exhausted', attempts: attempt, errorCode: networkErrorCode(error) ?? 'network error' };
      }
      if (attempt < policy.maxAttempts) {
        const wait = nextDelayMs(attempt, retryAfter, this.#now(), policy, this.#options.random);
        this.#options.logger?.warn(
          { service: req.service, method: req.method, path: req.path, attempt, status: last.status, error: last.errorCode, delayMs: wait },
          'IC request will be retried',
        );
        await this.#sleep(wait, signal);
      }
    }
    return last;
  }

  async #exchange(req: IcHttpRequest, headers: Record<string, string>, attempt: number) {
    const release = await this.limiter.acquire(this.#options.signal);
    const started = performance.now();
    const report = (status: number | undefined, error: string | undefined) => {
      const event: IcRequestEvent = {
        service: req.service,
        method: req.method,
        path: req.path,
        durationMs: Math.round(performance.now() - started),
        attempt,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
      };
      this.#options.logger?.debug(event, 'IC request');
      this.#options.onRequest?.(event);
    };
    try {
      const response = await request(req.url, {
        dispatcher: this.#agent,
        method: req.method,
        headers,
        body: req.body,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
        signal: this.#options.signal,
      });
      const text = await response.body.text();
      report(response.statusCode, undefined);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      report(undefined, networkErrorCode(error) ?? (error instanceof Error ? error.name : 'error'));
      throw error;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
