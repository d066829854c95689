import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  icRetryPolicy,
  isRetryableError,
  isRetryableStatus,
  networkErrorCode,
  nextDelayMs,
  retryAfterDelayMs,
} from '../../src/load/retry-policy.ts';

describe('icRetryPolicy', () => {
  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
    [501, false],
  ])('status %i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('retries network errors by their code, also when undici wraps them in a cause', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const wrapped = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET_WRAPPER', cause: reset });
    expect(isRetryableError(reset)).toBe(true);
    expect(isRetryableError(wrapped)).toBe(true);
    expect(isRetryableError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('t'), { code: 'UND_ERR_BODY_TIMEOUT' }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('bad'), { code: 'UND_ERR_INVALID_ARG' }))).toBe(false);
    expect(isRetryableError(new Error('no code'))).toBe(false);
    expect(networkErrorCode(wrapped)).toBe('UND_ERR_SOCKET_WRAPPER');
  });
});

describe('backoffDelayMs', () => {
  it('grows 200, 400, 800 ms ... up to the 10 s cap, with full jitter below it', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelayMs(a, icRetryPolicy, top))).toEqual([
      199, 399, 799, 1599, 3199, 6399, 9999, 9999,
    ]);
    expect(backoffDelayMs(5, icRetryPolicy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, icRetryPolicy, () => 0.5)).toBe(400);
  });
});

describe('retryAfterDelayMs', () => {
  const now = Date.parse('2026-10-01T12:00:00Z');
  it.each([
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    ['Thu, 01 Oct 2026 12:00:07 GMT', 7000],
    ['Thu, 01 Oct 2026 11:59:00 GMT', 0],
    ['3600', 60_000],
  ])('Retry-After %s -> %i ms', (header, delay) => {
    expect(retryAfterDelayMs(header, now)).toBe(delay);
  });

  it('ignores a missing or unreadable header, and then backoff decides', () => {
    expect(retryAfterDelayMs(undefined, now)).toBeUndefined();
    expect(retryAfterDelayMs('soon', now)).toBeUndefined();
    expect(nextDelayMs(2, 'soon', now, icRetryPolicy, () => 0.5)).toBe(200);
    expect(nextDelayMs(2, '2', now, icRetryPolicy, () => 0.5)).toBe(2000);
  });
});
