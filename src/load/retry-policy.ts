/**
 * When and how long to wait before repeating an Infinite Campus call, as data (README "Retries").
 * Every IC call (token, reads, writes) goes through it: 429 and 5xx answers, timeouts and dropped
 * connections are retried with exponential backoff and full jitter, and `Retry-After` wins when IC
 * sends one.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  retryableStatuses: readonly number[];
  /** `code` of a network error (or of its `cause`) that is worth another attempt. */
  retryableErrorCodes: readonly string[];
  backoff: { baseMs: number; factor: number; capMs: number };
  /** A longer `Retry-After` is cut to this, so one answer cannot park a run for hours. */
  retryAfterCapMs: number;
}

/** Statuses and network errors worth another try, for IC and Schoology alike. */
export const retryableStatuses: readonly number[] = [429, 500, 502, 503, 504];
export const retryableNetworkErrorCodes: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];

export const icRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  retryableStatuses,
  retryableErrorCodes: retryableNetworkErrorCodes,
  backoff: { baseMs: 200, factor: 2, capMs: 10_000 },
  retryAfterCapMs: 60_000,
};

export function isRetryableStatus(status: number, policy: RetryPolicy = icRetryPolicy): boolean {
  return policy.retryableStatuses.includes(status);
}

/** The error code that decided retryability: the error's own, else its cause's (undici wraps socket errors). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableError(error: unknown, policy: RetryPolicy = icRetryPolicy): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && policy.retryableErrorCodes.includes(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Full-jitter backoff before attempt `attempt + 1` (`attempt` counts from 1):
 * a random wait between 0 and min(cap, base * factor^(attempt-1)).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy = icRetryPolicy, random: () => number = Math.random): number {
  const { baseMs, factor, capMs } = policy.backoff;
  const ceiling = Math.min(capMs, baseMs * factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait IC asked for in a `Retry-After` header (delay-seconds or an HTTP-date), capped;
 * undefined when the header is absent or unreadable.
 */
export function retryAfterDelayMs(header: string | undefined, now: number, policy: RetryPolicy = icRetryPolicy): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  let delay: number;
  if (/^\d+(\.\d+)?$/.test(value)) {
    delay = Number(value) * 1000;
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    delay = at - now;
  }
  return Math.min(policy.retryAfterCapMs, Math.max(0, Math.round(delay)));
}

/** The wait before the next attempt: IC's `Retry-After` when given, else backoff. */
export function nextDelayMs(
  attempt: number,
  retryAfterHeader: string | undefined,
  now: number,
  policy: RetryPolicy = icRetryPolicy,
  random: () => number = Math.random,
): number {
  return retryAfterDelayMs(retryAfterHeader, now, policy) ?? backoffDelayMs(attempt, policy, random);
}
