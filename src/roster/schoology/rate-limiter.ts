/**
 * Client-side rate limit for Schoology: at most `requests` sends in any `perSeconds` window
 * (sliding). Each caller reserves the earliest slot that keeps every window within the limit, then
 * sleeps until it; reservations are made in call order, so concurrent callers queue fairly and
 * the schedule does not depend on how the sleep behaves.
 */

export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export class SlidingWindowRateLimiter {
  readonly #requests: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Reserved send times, ascending; only the last `requests` matter. */
  readonly #slots: number[] = [];

  constructor(limit: RateLimit, now: () => number, sleep: (ms: number, signal?: AbortSignal) => Promise<void>) {
    if (!Number.isInteger(limit.requests) || limit.requests < 1) throw new RangeError(`rate limit needs a positive request count, got ${limit.requests}`);
    if (!(limit.perSeconds > 0)) throw new RangeError(`rate limit needs a positive window, got ${limit.perSeconds}`);
    this.#requests = limit.requests;
    this.#windowMs = limit.perSeconds * 1000;
    this.#now = now;
    this.#sleep = sleep;
  }

  /** The time of the next free slot, reserved for the caller. */
  reserve(): number {
    const now = this.#now();
    const last = this.#slots.at(-1) ?? -Infinity;
    // The send `requests` places back must have left the window before this one goes.
    const blocking = this.#slots.length >= this.#requests ? this.#slots[this.#slots.length - this.#requests]! : -Infinity;
    const at = Math.max(now, last, blocking + this.#windowMs);
    this.#slots.push(at);
    if (this.#slots.length > this.#requests) this.#slots.splice(0, this.#slots.length - this.#requests);
    return at;
  }

  /** Waits for a reserved slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve() - this.#now();
    if (wait > 0) await this.#sleep(wait, signal);
  }
}
