/**
 * The run queue's table: runs asked for (by an admin, the scheduler or a catch-up) and not yet done.
 * A partial unique index keeps at most one `queued` request per pipeline and kind (real or dry run),
 * so two processes asking at once end up with one request, the second merged into it.
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';
import { RunScope } from './runs.ts';
import { RunRequestRow } from './tables.ts';
import { PipelineName, RunStatus, RunTrigger } from '../types.ts';

export interface RunRequestRecord {
  id: string;
  pipeline: PipelineName;
  status: RunRequestRow['status'];
  trigger: RunTrigger;
  dryRun: boolean;
  full: boolean;
  scope: RunScope | null;
  requestedBy: string[];
  merged: number;
  requestedAt: string;
  claimedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  runId: string | null;
  runStatus: RunStatus | null;
}

export interface NewRunRequest {
  id: string;
  pipeline: PipelineName;
  trigger: RunTrigger;
  dryRun: boolean;
  full: boolean;
  scope: RunScope | null;
  requestedBy: string;
  requestedAt: Date;
}

/** Inserts a queued request; false when one of this pipeline and kind is already queued. */
export async function insertQueuedRequest(store: Store, request: NewRunRequest): Promise<boolean> {
  const result = await store.db
    .insertInto('run_requests')
    .values({
      id: request.id,
      pipeline: request.pipeline,
      status: 'queued',
      trigger: request.trigger,
      dry_run: request.dryRun ? 1 : 0,
      full: request.full ? 1 : 0,
      scope: request.scope ? JSON.stringify(request.scope) : null,
      requested_by: JSON.stringify([request.requestedBy]),
      merged: 0,
      requested_at: request.requestedAt.toISOString(),
      claimed_by: null,
      started_at: null,
      finished_at: null,
      run_id: null,
      run_status: null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findQueuedRequest(store: Store, pipeline: PipelineName, dryRun: boolean): Promise<RunRequestRecord | null> {
  const row = await store.db
    .selectFrom('run_requests')
    .selectAll()
    .where('pipeline', '=', pipeline)
    .where('dry_run', '=', dryRun ? 1 : 0)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return row ? toRecord(RunRequestRow.parse(row)) : null;
}

/**
 * Widens a queued request to cover another one; false when it was claimed meanwhile.
 * `previous` is the request as read, so a concurrent merge is not lost (compare-and-set on `merged`).
 */
export async function mergeIntoQueuedRequest(
  store: Store,
  previous: RunRequestRecord,
  merged: { full: boolean; scope: RunScope | null; requestedBy: string[] },
): Promise<boolean> {
  const result = await store.db
    .updateTable('run_requests')
    .set({
      full: merged.full ? 1 : 0,
      scope: merged.scope ? JSON.stringify(merged.scope) : null,
      requested_by: JSON.stringify(merged.requestedBy),
      merged: previous.merged + 1,
    })
    .where('id', '=', previous.id)
    .where('status', '=', 'queued')
    .where('merged', '=', previous.merged)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The oldest queued requests, one per pipeline and kind, oldest first. */
export async function listQueuedRequests(store: Store): Promise<RunRequestRecord[]> {
  const rows = await store.db.selectFrom('run_requests').selectAll().where('status', '=', 'queued').orderBy('requested_at').orderBy('id').execute();
  return rows.map((row) => toRecord(RunRequestRow.parse(row)));
}

/** Takes a queued request for this worker; false when another worker took it first. */
export async function claimRunRequest(store: Store, id: string, claimedBy: string, now: Date): Promise<boolean> {
  const result = await store.db
    .updateTable('run_requests')
    .set({ status: 'running', claimed_by: claimedBy, started_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordRequestRun(store: Store, id: string, runId: string): Promise<void> {
  await store.db.updateTable('run_requests').set({ run_id: runId }).where('id', '=', id).execute();
}

export async function finishRunRequest(store: Store, id: string, result: { runStatus: RunStatus | null; finishedAt: Date }): Promise<void> {
  await store.db
    .updateTable('run_requests')
    .set({ status: 'done', run_status: result.runStatus, finished_at: result.finishedAt.toISOString() })
    .where('id', '=', id)
    .execute();
}

/**
 * Requests left `running` by a process that died (claimed before `claimedBefore` and this pipeline's
 * run lock is free) are closed, so the history stays truthful.
 */
export async function closeAbandonedRequests(store: Store, pipeline: PipelineName, claimedBefore: Date, now: Date): Promise<number> {
  const result = await store.db
    .updateTable('run_requests')
    .set({ status: 'done', run_status: 'failed', finished_at: now.toISOString() })
    .where('pipeline', '=', pipeline)
    .where('status', '=', 'running')
    .where('started_at', '<', claimedBefore.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function getRunRequest(store: Store, id: string): Promise<RunRequestRecord | null> {
  const row = await store.db.selectFrom('run_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(RunRequestRow.parse(row)) : null;
}

/** Recent requests, newest first, for the admin page. */
export async function listRunRequests(store: Store, options: { limit: number; pipeline?: PipelineName }): Promise<RunRequestRecord[]> {
  let query = store.db.selectFrom('run_requests').selectAll().orderBy('requested_at', 'desc').orderBy('id').limit(options.limit);
  if (options.pipeline) query = query.where('pipeline', '=', options.pipeline);
  const rows = await query.execute();
  return rows.map((row) => toRecord(RunRequestRow.parse(row)));
}

function toRecord(row: RunRequestRow): RunRequestRecord {
  return {
    id: row.id,
    pipeline: PipelineName.parse(row.pipeline),
    status: row.status,
    trigger: RunTrigger.parse(row.trigger),
    dryRun: row.dry_run === 1,
    full: row.full === 1,
    scope: row.scope ? RunScope.parse(JSON.parse(row.scope)) : null,
    requestedBy: z.array(z.string()).parse(JSON.parse(row.requested_by)),
    merged: row.merged,
    requestedAt: row.requested_at,
    claimedBy: row.claimed_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    runId: row.run_id,
    runStatus: RunStatus.nullable().parse(row.run_status),
  };
}
