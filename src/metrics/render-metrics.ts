/**
 * GET /metrics: Prometheus text with the runs, row outcomes and queue read from the store, and
 * this process's IC request measurements. The web server calls this; it never throws for an empty
 * store.
 *
 * @example
 *   app.get('/metrics', async (_req, reply) => reply.type(contentType).send(await renderMetrics(store)));
 */
import type { Store } from '../store/open-store.ts';
import { listQueuedRequests } from '../store/run-requests.ts';
import { countRunOutcomes, countRunsByStatus, lastFinishedRuns } from '../store/run-stats.ts';
import { metricsRegistry, type MetricsRegistry } from './registry.ts';
import { renderFamily, type MetricFamily, type Sample } from './prometheus-text.ts';

export { contentType } from './prometheus-text.ts';

const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

export async function renderMetrics(store: Store, registry: MetricsRegistry = metricsRegistry): Promise<string> {
  return [...(await storeFamilies(store)), ...registry.families()].map(renderFamily).join('');
}

async function storeFamilies(store: Store): Promise<MetricFamily[]> {
  const byStatus = await countRunsByStatus(store);
  const lastRuns = await lastFinishedRuns(store);
  const lastRows: Sample[] = [];
  for (const run of lastRuns) {
    for (const o of await countRunOutcomes(store, run.id)) {
      lastRows.push({ labels: { pipeline: run.pipeline, outcome: o.outcome, ...(o.syncType ? { sync_type: o.syncType } : {}) }, value: o.count });
    }
  }
  const queued = new Map<string, number>();
  for (const request of await listQueuedRequests(store)) queued.set(request.pipeline, (queued.get(request.pipeline) ?? 0) + 1);
  const lastSuccess = byStatus.filter((s) => s.status === 'succeeded' && s.latestAt);

  return [
    {
      name: 'gradebridge_runs_total',
      help: 'Runs (not dry runs) by pipeline and status, from the store.',
      type: 'counter',
      samples: byStatus.map((s) => ({ labels: { pipeline: s.pipeline, status: s.status }, value: s.count })),
    },
    {
      name: 'gradebridge_last_run_timestamp_seconds',
      help: 'When the last finished run of each pipeline ended (Unix time), with its status.',
      type: 'gauge',
      samples: lastRuns.map((run) => ({ labels: { pipeline: run.pipeline, status: run.status }, value: seconds(run.finishedAt ?? run.startedAt) })),
    },
    {
      name: 'gradebridge_last_success_timestamp_seconds',
      help: 'When the last successful run of each pipeline ended (Unix time).',
      type: 'gauge',
      samples: lastSuccess.map((s) => ({ labels: { pipeline: s.pipeline }, value: seconds(s.latestAt ?? '') })),
    },
    {
      name: 'gradebridge_last_run_rows',
      help: 'Row outcomes of the last finished run of each pipeline, by outcome.',
      type: 'gauge',
      samples: lastRows,
    },
    {
      name: 'gradebridge_queued_runs',
      help: 'Run requests waiting in the queue, by pipeline.',
      type: 'gauge',
      samples: [...queued].map(([pipeline, count]) => ({ labels: { pipeline }, value: count })),
    },
  ];
}
