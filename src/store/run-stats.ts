/**
 * Aggregate reads over runs and row outcomes, for notices (top reasons, IC's messages grouped) and
 * the metrics page (runs by status, last run times). Each is one GROUP BY, portable SQL.
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';
import { getRun, type Run } from './runs.ts';
import { PipelineName, RunStatus } from '../types.ts';

const count = z.coerce.number();

export interface OutcomeCount {
  outcome: string;
  syncType: string | null;
  count: number;
}

/** Row outcomes of one run by outcome (and sync type, for roster runs), most frequent first. */
export async function countRunOutcomes(store: Store, runId: string): Promise<OutcomeCount[]> {
  const rows = await store.db
    .selectFrom('row_outcomes')
    .select(({ fn }) => ['outcome', 'sync_type', fn.countAll().as('n')])
    .where('run_id', '=', runId)
    .groupBy(['outcome', 'sync_type'])
    .execute();
  return rows
    .map((row) => ({ outcome: row.outcome, syncType: row.sync_type, count: count.parse(row.n) }))
    .sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
}

export interface MessageCount {
  outcome: string;
  message: string;
  count: number;
}

/** What IC (or Schoology) said when it refused rows of one run, grouped by message, most frequent first. */
export async function countRefusalMessages(store: Store, runId: string, outcomes: readonly string[], limit: number): Promise<MessageCount[]> {
  const rows = await store.db
    .selectFrom('row_outcomes')
    .select(({ fn }) => ['outcome', 'message', fn.countAll().as('n')])
    .where('run_id', '=', runId)
    .where('outcome', 'in', [...outcomes])
    .where('message', 'is not', null)
    .groupBy(['outcome', 'message'])
    .execute();
  return rows
    .map((row) => ({ outcome: row.outcome, message: row.message ?? '', count: count.parse(row.n) }))
    .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
    .slice(0, limit);
}

/**
 * The last run before `run` that read a file and was not a dry run nor failed: what "no new file"
 * compares the SHA-256 with.
 */
export async function previousFileRun(store: Store, run: Run): Promise<Run | null> {
  const row = await store.db
    .selectFrom('runs')
    .select('id')
    .where('pipeline', '=', run.pipeline)
    .where('id', '!=', run.id)
    .where('status', 'in', ['succeeded', 'partial'])
    .where('dry_run', '=', 0)
    .where('source_sha256', 'is not', null)
    .where('started_at', '<=', run.startedAt)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? getRun(store, row.id) : null;
}

export interface RunStatusCount {
  pipeline: PipelineName;
  status: RunStatus;
  count: number;
  /** The latest finish (or start, while running) among these runs, ISO-8601. */
  latestAt: string | null;
}

/** Real (not dry) runs by pipeline and status. */
export async function countRunsByStatus(store: Store): Promise<RunStatusCount[]> {
  const rows = await store.db
    .selectFrom('runs')
    .select(({ fn }) => ['pipeline', 'status', fn.countAll().as('n'), fn.max('finished_at').as('latest_finished'), fn.max('started_at').as('latest_started')])
    .where('dry_run', '=', 0)
    .groupBy(['pipeline', 'status'])
    .execute();
  return rows.map((row) => ({
    pipeline: PipelineName.parse(row.pipeline),
    status: RunStatus.parse(row.status),
    count: count.parse(row.n),
    latestAt: row.latest_finished ?? row.latest_started ?? null,
  }));
}

/** The latest finished real run of each pipeline. */
export async function lastFinishedRuns(store: Store): Promise<Run[]> {
  const runs: Run[] = [];
  for (const pipeline of PipelineName.options) {
    const row = await store.db
      .selectFrom('runs')
      .select('id')
      .where('pipeline', '=', pipeline)
      .where('dry_run', '=', 0)
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const run = row ? await getRun(store, row.id) : null;
    if (run) runs.push(run);
  }
  return runs;
}
