/** /metrics text: runs, last-run outcomes and the queue from the store; IC latency and retries from the hook. */
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/metrics/registry.ts';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { formatLabels } from '../../src/metrics/prometheus-text.ts';
import type { Store } from '../../src/store/open-store.ts';
import { insertRowOutcomes } from '../../src/store/row-outcomes.ts';
import { createRun, finishRun } from '../../src/store/runs.ts';
import { requestRun } from '../../src/schedule/run-queue.ts';
import { openFreshStore, storeKinds } from '../helpers/stores.ts';

const outcome = (o: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    line: i + 2, sync_type: null, school: null, section: 's', student: `stu-${i}`, grading_period: 'Q2', class_sourced_id: null, student_sourced_id: null,
    term_sourced_id: null, line_item_sourced_id: null, task_id: null, result_sourced_id: null, object_key: null, score: null, letter: null, outcome: o, message: null,
  }));

async function finishedRun(store: Store, id: string, status: 'succeeded' | 'partial' | 'failed', startedAt: string, dryRun = false): Promise<void> {
  await createRun(store, { id, pipeline: 'grades', trigger: 'schedule', dryRun, full: false, scope: null, startedAt: new Date(startedAt) });
  await finishRun(store, id, { status, rows: 0, counts: {}, error: null, finishedAt: new Date(new Date(startedAt).getTime() + 60_000), durationMs: 60_000 });
}

describe.each(storeKinds)('metrics on %s', (kind) => {
  let store: Store;
  afterEach(async () => store.close());

  it('renders runs, last-run rows, the queue and IC measurements as Prometheus text', async () => {
    store = await openFreshStore(kind);
    expect(await renderMetrics(store, new MetricsRegistry())).toContain('# TYPE gradebridge_runs_total counter\n');

    await finishedRun(store, 'r1', 'succeeded', '2026-12-01T06:00:00Z');
    await finishedRun(store, 'r2', 'partial', '2026-12-02T06:00:00Z');
    await finishedRun(store, 'r3', 'succeeded', '2026-12-02T07:00:00Z', true);
    await insertRowOutcomes(store, 'r1', outcome('posted', 9));
    await insertRowOutcomes(store, 'r2', [...outcome('posted', 4), ...outcome('failed', 2), ...outcome('window-closed', 3)]);
    await requestRun(store, { pipeline: 'roster', full: true, dryRun: false, scope: null, requestedBy: 'it@district.org', now: new Date() });

    const registry = new MetricsRegistry();
    registry.observeIcRequest({ service: 'gradebook', method: 'PUT', path: '/results/x', status: 200, durationMs: 80, attempt: 1 });
    registry.observeIcRequest({ service: 'gradebook', method: 'PUT', path: '/results/y', status: 429, durationMs: 20, attempt: 1 });
    registry.observeIcRequest({ service: 'gradebook', method: 'PUT', path: '/results/y', status: 200, durationMs: 700, attempt: 2 });
    registry.observeIcRequest({ service: 'token', method: 'POST', path: '/token', durationMs: 30_000, attempt: 1, error: 'UND_ERR_HEADERS_TIMEOUT' });

    const text = await renderMetrics(store, registry);
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'gradebridge_runs_total{pipeline="grades",status="succeeded"} 1',
        'gradebridge_runs_total{pipeline="grades",status="partial"} 1',
        `gradebridge_last_run_timestamp_seconds{pipeline="grades",status="partial"} ${Date.parse('2026-12-02T06:01:00Z') / 1000}`,
        `gradebridge_last_success_timestamp_seconds{pipeline="grades"} ${Date.parse('2026-12-01T06:01:00Z') / 1000}`,
        'gradebridge_last_run_rows{pipeline="grades",outcome="posted"} 4',
        'gradebridge_last_run_rows{pipeline="grades",outcome="window-closed"} 3',
        'gradebridge_last_run_rows{pipeline="grades",outcome="failed"} 2',
        'gradebridge_queued_runs{pipeline="roster"} 1',
        'gradebridge_ic_request_duration_seconds_bucket{service="gradebook",le="0.05"} 1',
        'gradebridge_ic_request_duration_seconds_bucket{service="gradebook",le="0.1"} 2',
        'gradebridge_ic_request_duration_seconds_bucket{service="gradebook",le="1"} 3',
        'gradebridge_ic_request_duration_seconds_bucket{service="gradebook",le="+Inf"} 3',
        'gradebridge_ic_request_duration_seconds_sum{service="gradebook"} 0.8',
        'gradebridge_ic_request_duration_seconds_count{service="gradebook"} 3',
        'gradebridge_ic_request_duration_seconds_bucket{service="token",le="10"} 0',
        'gradebridge_ic_request_duration_seconds_bucket{service="token",le="30"} 1',
        'gradebridge_ic_requests_total{service="gradebook",answer="2xx"} 2',
        'gradebridge_ic_requests_total{service="gradebook",answer="429"} 1',
        'gradebridge_ic_requests_total{service="token",answer="error"} 1',
        'gradebridge_ic_request_retries_total{service="gradebook"} 1',
      ]),
    );
    // The dry run is neither counted nor the last run.
    expect(text).not.toContain('gradebridge_last_run_rows{pipeline="grades",outcome="posted"} 9');
    expect(text).not.toMatch(/status="succeeded"} 2/);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('label values', () => {
  it('escape backslashes, quotes and line breaks', () => {
    expect(formatLabels({ message: 'a "b"\\c\nd' })).toBe('{message="a \\"b\\"\\\\c\\nd"}');
  });
});
