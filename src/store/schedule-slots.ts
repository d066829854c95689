/**
 * The scheduler's record of daily slots: one row per (pipeline, slot time). Inserting the row is how
 * a process takes a slot, atomically: the primary key lets exactly one process win, so a slot runs
 * once however many schedulers share the store and however often catch-up looks at it.
 */
import type { Store } from './open-store.ts';
import { ScheduleSlotRow } from './tables.ts';
import { PipelineName, RunTrigger } from '../types.ts';

export interface ScheduleSlot {
  pipeline: PipelineName;
  slotAt: string;
  status: ScheduleSlotRow['status'];
  trigger: RunTrigger;
  lateMs: number;
  claimedBy: string;
  claimedAt: string;
  requestId: string | null;
  runId: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface SlotClaim {
  pipeline: PipelineName;
  slotAt: Date;
  /** `skipped` records a slot that passed before the scheduler's first start (never run). */
  status: 'queued' | 'skipped';
  trigger: RunTrigger;
  lateMs: number;
  claimedBy: string;
  claimedAt: Date;
}

/** Records the slot as taken by this process; false when it was already taken (by anyone). */
export async function claimSlot(store: Store, claim: SlotClaim): Promise<boolean> {
  const result = await store.db
    .insertInto('schedule_slots')
    .values({
      pipeline: claim.pipeline,
      slot_at: claim.slotAt.toISOString(),
      status: claim.status,
      trigger: claim.trigger,
      late_ms: claim.lateMs,
      claimed_by: claim.claimedBy,
      claimed_at: claim.claimedAt.toISOString(),
      request_id: null,
      run_id: null,
      started_at: null,
      ended_at: null,
    })
    .onConflict((oc) => oc.columns(['pipeline', 'slot_at']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function hasAnySlot(store: Store, pipeline: PipelineName): Promise<boolean> {
  const row = await store.db.selectFrom('schedule_slots').select('slot_at').where('pipeline', '=', pipeline).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function linkSlotToRequest(store: Store, pipeline: PipelineName, slotAt: Date, requestId: string): Promise<void> {
  await store.db
    .updateTable('schedule_slots')
    .set({ request_id: requestId })
    .where('pipeline', '=', pipeline)
    .where('slot_at', '=', slotAt.toISOString())
    .execute();
}

/** The slots a request serves have started: they now point at the run. */
export async function markSlotsStarted(store: Store, requestId: string, runId: string, at: Date): Promise<void> {
  await store.db
    .updateTable('schedule_slots')
    .set({ status: 'running', run_id: runId, started_at: at.toISOString() })
    .where('request_id', '=', requestId)
    .execute();
}

export async function markSlotsEnded(store: Store, requestId: string, at: Date): Promise<void> {
  await store.db
    .updateTable('schedule_slots')
    .set({ status: 'done', ended_at: at.toISOString() })
    .where('request_id', '=', requestId)
    .execute();
}

/** The slot that led to a run, if a schedule or catch-up started it. */
export async function slotOfRun(store: Store, runId: string): Promise<ScheduleSlot | null> {
  const row = await store.db.selectFrom('schedule_slots').selectAll().where('run_id', '=', runId).orderBy('slot_at', 'desc').executeTakeFirst();
  return row ? toSlot(ScheduleSlotRow.parse(row)) : null;
}

/** Recent slots of a pipeline, newest first. */
export async function listSlots(store: Store, pipeline: PipelineName, limit: number): Promise<ScheduleSlot[]> {
  const rows = await store.db
    .selectFrom('schedule_slots')
    .selectAll()
    .where('pipeline', '=', pipeline)
    .orderBy('slot_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => toSlot(ScheduleSlotRow.parse(row)));
}

function toSlot(row: ScheduleSlotRow): ScheduleSlot {
  return {
    pipeline: PipelineName.parse(row.pipeline),
    slotAt: row.slot_at,
    status: row.status,
    trigger: RunTrigger.parse(row.trigger),
    lateMs: row.late_ms,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    requestId: row.request_id,
    runId: row.run_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}
