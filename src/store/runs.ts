/** The runs table: one record per pipeline execution, with its source file and counts. */
import { z } from 'zod';
import { RunRow } from './tables.ts';
import type { Store } from './open-store.ts';
import type { PipelineName, RunStatus, RunTrigger } from '../types.ts';

export const RunScope = z.object({ school: z.string().optional(), section: z.string().optional(), teacher: z.string().optional() });
export type RunScope = z.infer<typeof RunScope>;

export interface SourceFileInfo {
  remotePath: string;
  size: number;
  mtime: Date;
  sha256: string;
}

export interface Run {
  id: string;
  pipeline: PipelineName;
  status: RunStatus;
  trigger: RunTrigger;
  dryRun: boolean;
  full: boolean;
  scope: RunScope | null;
  sourceFile: SourceFileInfo | null;
  rows: number;
  counts: Record<string, unknown>;
  error: { code: string; message: string } | null;
  notice: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export async function createRun(
  store: Store,
  run: { id: string; pipeline: PipelineName; trigger: RunTrigger; dryRun: boolean; full: boolean; scope: RunScope | null; startedAt: Date },
): Promise<void> {
  await store.db
    .insertInto('runs')
    .values({
      id: run.id,
      pipeline: run.pipeline,
      status: 'running',
      trigger: run.trigger,
      dry_run: run.dryRun ? 1 : 0,
      full: run.full ? 1 : 0,
      scope: run.scope ? JSON.stringify(run.scope) : null,
      source_file: null,
      source_size: null,
      source_mtime: null,
      source_sha256: null,
      rows: 0,
      counts: '{}',
      error_code: null,
      error_message: null,
      notice: null,
      started_at: run.startedAt.toISOString(),
      finished_at: null,
      duration_ms: null,
    })
    .execute();
}

export async function recordRunSource(store: Store, runId: string, source: SourceFileInfo): Promise<void> {
  await store.db
    .updateTable('runs')
    .set({
      source_file: source.remotePath,
      source_size: source.size,
      source_mtime: source.mtime.toISOString(),
      source_sha256: source.sha256,
    })
    .where('id', '=', runId)
    .execute();
}

export async function finishRun(
  store: Store,
  runId: string,
  result: { status: RunStatus; rows: number; counts: object; error: { code: string; message: string } | null; finishedAt: Date; durationMs: number },
): Promise<void> {
  await store.db
    .updateTable('runs')
    .set({
      status: result.status,
      rows: result.rows,
      counts: JSON.stringify(result.counts),
      error_code: result.error?.code ?? null,
      error_message: result.error?.message ?? null,
      finished_at: result.finishedAt.toISOString(),
      duration_ms: result.durationMs,
    })
    .where('id', '=', runId)
    .execute();
}

export async function recordRunNotice(store: Store, runId: string, notice: Record<string, unknown>): Promise<void> {
  await store.db.updateTable('runs').set({ notice: JSON.stringify(notice) }).where('id', '=', runId).execute();
}

export async function getRun(store: Store, runId: string): Promise<Run | null> {
  const row = await store.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
  return row ? toRun(RunRow.parse(row)) : null;
}

export async function listRuns(store: Store, options: { limit: number; pipeline?: PipelineName }): Promise<Run[]> {
  let query = store.db.selectFrom('runs').selectAll().orderBy('started_at', 'desc').orderBy('id').limit(options.limit);
  if (options.pipeline) query = query.where('pipeline', '=', options.pipeline);
  const rows = await query.execute();
  return rows.map((row) => toRun(RunRow.parse(row)));
}

/** The last grade run that read a file and was not a dry run nor failed: the shrink guard's reference. */
export async function lastSuccessfulFileRun(store: Store, pipeline: PipelineName): Promise<Run | null> {
  const row = await store.db
    .selectFrom('runs')
    .selectAll()
    .where('pipeline', '=', pipeline)
    .where('status', 'in', ['succeeded', 'partial'])
    .where('dry_run', '=', 0)
    .where('source_sha256', 'is not', null)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRun(RunRow.parse(row)) : null;
}

/** Runs left `running` by a process that died; marked failed so the history stays truthful. */
export async function failAbandonedRuns(store: Store, pipeline: PipelineName, now: Date): Promise<number> {
  const result = await store.db
    .updateTable('runs')
    .set({
      status: 'failed',
      error_code: 'RUN_INTERRUPTED',
      error_message: 'The process stopped before the run finished; the next run picks up where it left off.',
      finished_at: now.toISOString(),
    })
    .where('pipeline', '=', pipeline)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    pipeline: row.pipeline as PipelineName,
    status: row.status as RunStatus,
    trigger: row.trigger as RunTrigger,
    dryRun: row.dry_run === 1,
    full: row.full === 1,
    scope: row.scope ? RunScope.parse(JSON.parse(row.scope)) : null,
    sourceFile:
      row.source_file && row.source_sha256
        ? { remotePath: row.source_file, size: row.source_size ?? 0, mtime: new Date(row.source_mtime ?? 0), sha256: row.source_sha256 }
        : null,
    rows: row.rows,
    counts: z.record(z.string(), z.unknown()).parse(JSON.parse(row.counts)),
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    notice: row.notice ? z.record(z.string(), z.unknown()).parse(JSON.parse(row.notice)) : null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}
