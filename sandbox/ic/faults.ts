/**
 * Fault injection (infinite-campus-api.md "What the sandbox must do"): latency, 429 with
 * Retry-After, 5xx, dropped connections, hangs and token expiry, either in proportions drawn from a
 * seeded PRNG (so a failing run can be replayed) or at chosen request numbers.
 */
import { z } from 'zod';
import type { IcChosenFault, IcFaultKind, IcFaults, IcFaultSettings, IcService } from './types.ts';

export const defaultRetryAfterSeconds = 1;
export const defaultMaxHangMs = 60_000;

const rate = z.number().min(0).max(1);
/** The body of `POST /_sandbox/faults`: the same shape as IcFaults.set(). */
export const FaultSettingsBody = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  rate429: rate.optional(),
  rate5xx: rate.optional(),
  rateDrop: rate.optional(),
  rateTimeout: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  only: z.enum(['token', 'rostering', 'gradebook', 'writes']).optional(),
  maxHangMs: z.number().int().min(0).max(600_000).optional(),
});

/** The body of `POST /_sandbox/faults/at`. */
export const ChosenFaultBody = z.strictObject({
  request: z.number().int().positive(),
  fault: z.enum(['429', '500', '503', 'drop', 'expire-token']),
});

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function makePrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  latencyMs: number;
  fault?: IcFaultKind;
  retryAfterSeconds: number;
  maxHangMs: number;
}

export class FaultInjector implements IcFaults {
  #settings: IcFaultSettings = {};
  #random = makePrng(1);
  readonly #chosen = new Map<number, IcChosenFault>();

  set(settings: IcFaultSettings): void {
    const sum = (settings.rate429 ?? 0) + (settings.rate5xx ?? 0) + (settings.rateDrop ?? 0) + (settings.rateTimeout ?? 0);
    if (sum > 1) throw new RangeError(`Fault proportions add up to ${sum}; at most 1.`);
    this.#settings = { ...settings };
    this.#random = makePrng(settings.seed ?? 1);
  }

  at(requestNumber: number, fault: IcChosenFault): void {
    this.#chosen.set(requestNumber, fault);
  }

  clear(): void {
    this.#settings = {};
    this.#random = makePrng(1);
    this.#chosen.clear();
  }

  /** What happens to request number `n`; one PRNG draw per request the settings apply to. */
  decide(n: number, service: IcService, isWrite: boolean): FaultDecision {
    const s = this.#settings;
    const applies = s.only === undefined || (s.only === 'writes' ? isWrite : s.only === service);
    const decision: FaultDecision = {
      latencyMs: applies ? (s.latencyMs ?? 0) : 0,
      retryAfterSeconds: s.retryAfterSeconds ?? defaultRetryAfterSeconds,
      maxHangMs: s.maxHangMs ?? defaultMaxHangMs,
    };
    const chosen = this.#chosen.get(n);
    if (chosen) return { ...decision, fault: chosen };
    if (!applies) return decision;
    let r = this.#random();
    for (const [kind, share] of [
      ['429', s.rate429],
      ['5xx', s.rate5xx],
      ['drop', s.rateDrop],
      ['timeout', s.rateTimeout],
    ] as const) {
      if (share === undefined || share <= 0) continue;
      if (r < share) {
        const fault: IcFaultKind = kind === '5xx' ? (this.#random() < 0.5 ? '500' : '503') : kind;
        return { ...decision, fault };
      }
      r -= share;
    }
    return decision;
  }
}
