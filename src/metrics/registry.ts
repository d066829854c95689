/**
 * What this process measures itself: IC request latency (a histogram), requests by answer, and
 * retries, fed by the IC client's `onRequest` hook (pipelines pass `ctx.onIcRequest` to it).
 * Run counts and outcomes are not kept here: they are read from the store when /metrics is scraped,
 * so every process sharing the store reports the same numbers.
 *
 * @example
 *   const ctx = { ...ctx, onIcRequest: (event) => metricsRegistry.observeIcRequest(event) };
 */
import type { IcRequestEvent } from '../load/ic-client.ts';
import type { MetricFamily, Sample } from './prometheus-text.ts';

/** Upper bounds of the latency buckets, in seconds. */
export const icLatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

interface Histogram {
  buckets: number[];
  /** Kept in whole milliseconds, so the sum does not drift with float additions. */
  sumMs: number;
  count: number;
}

/** A status as a label: `2xx`, `4xx`, `429`, `5xx`, or `error` when no answer came. */
export function answerClass(event: Pick<IcRequestEvent, 'status' | 'error'>): string {
  if (event.status === undefined) return 'error';
  if (event.status === 429) return '429';
  return `${Math.floor(event.status / 100)}xx`;
}

export class MetricsRegistry {
  readonly #latency = new Map<string, Histogram>();
  readonly #requests = new Map<string, { service: string; answer: string; count: number }>();
  readonly #retries = new Map<string, number>();

  observeIcRequest(event: IcRequestEvent): void {
    const seconds = event.durationMs / 1000;
    const histogram = this.#latency.get(event.service) ?? { buckets: icLatencyBuckets.map(() => 0), sumMs: 0, count: 0 };
    icLatencyBuckets.forEach((bound, i) => {
      if (seconds <= bound) histogram.buckets[i] = (histogram.buckets[i] ?? 0) + 1;
    });
    histogram.sumMs += Math.round(event.durationMs);
    histogram.count += 1;
    this.#latency.set(event.service, histogram);

    const answer = answerClass(event);
    const key = `${event.service} ${answer}`;
    const requests = this.#requests.get(key) ?? { service: event.service, answer, count: 0 };
    requests.count += 1;
    this.#requests.set(key, requests);
    if (event.attempt > 1) this.#retries.set(event.service, (this.#retries.get(event.service) ?? 0) + 1);
  }

  families(): MetricFamily[] {
    const latency: Sample[] = [];
    for (const [service, h] of [...this.#latency].sort(([a], [b]) => a.localeCompare(b))) {
      icLatencyBuckets.forEach((bound, i) => latency.push({ suffix: '_bucket', labels: { service, le: String(bound) }, value: h.buckets[i] ?? 0 }));
      latency.push({ suffix: '_bucket', labels: { service, le: '+Inf' }, value: h.count });
      latency.push({ suffix: '_sum', labels: { service }, value: h.sumMs / 1000 });
      latency.push({ suffix: '_count', labels: { service }, value: h.count });
    }
    return [
      { name: 'gradebridge_ic_request_duration_seconds', help: 'Infinite Campus request attempts by service, latency in seconds.', type: 'histogram', samples: latency },
      {
        name: 'gradebridge_ic_requests_total',
        help: 'Infinite Campus request attempts by service and answer (2xx, 4xx, 429, 5xx, error).',
        type: 'counter',
        samples: [...this.#requests.values()]
          .sort((a, b) => `${a.service} ${a.answer}`.localeCompare(`${b.service} ${b.answer}`))
          .map((r) => ({ labels: { service: r.service, answer: r.answer }, value: r.count })),
      },
      {
        name: 'gradebridge_ic_request_retries_total',
        help: 'Infinite Campus request attempts that were retries (attempt 2 or later).',
        type: 'counter',
        samples: [...this.#retries].sort(([a], [b]) => a.localeCompare(b)).map(([service, count]) => ({ labels: { service }, value: count })),
      },
    ];
  }
}

/** The registry of this process; `serve` feeds it and /metrics renders it. */
export const metricsRegistry = new MetricsRegistry();
