/**
 * What every apply step shares: the Schoology client, the run log (stored as it grows), the IDs of
 * objects created so far in this run (symbolic plan references resolve to them), and what exists in
 * Schoology, so an object whose parent failed is skipped (`dependency-failed`) instead of sent.
 */
import type { RosterKind } from '../../pipelines/run-summary.ts';
import { GradebridgeError, SchoologyError } from '../errors.ts';
import { insertRowOutcomes } from '../store/row-outcomes.ts';
import type { Store } from '../store/open-store.ts';
import type { PlannedWrite } from './plan-types.ts';
import type { RosterRunLog } from './roster-run-log.ts';
import type { SchoologyRef } from './roster-types.ts';
import type { SchoologyClient } from './schoology/index.ts';

export interface ApplyContext {
  client: SchoologyClient;
  log: RosterRunLog;
  store: Store;
  runId: string;
  now: () => Date;
  signal?: AbortSignal;
  onProgress?: (event: { stage: string; done: number; total: number }) => void;
  /** Planned key -> Schoology ID, per kind, filled as objects are created. */
  created: { buildings: Map<string, string>; gradingPeriods: Map<string, string>; courses: Map<string, string> };
  /** school_uids of users that exist in Schoology (found, or written in this run). */
  usersInSchoology: Set<string>;
  /** Section school code -> Schoology section ID, for sections that exist. */
  sectionIds: Map<string, string>;
}

/** Bulk items sent per client call: a multiple of 50, so the total stays ceil(n/50) calls, with the log stored in between. */
export const applySlice = 500;

export function resolveRef(created: Map<string, string>, ref: SchoologyRef): string | null {
  return 'id' in ref ? ref.id : (created.get(ref.planned) ?? null);
}

/** A call Schoology refused (4xx) fails that object alone; anything else stops the run. */
export function refusalMessage(error: unknown): string {
  if (error instanceof SchoologyError && error.code === 'SCHOOLOGY_REQUEST_REJECTED') return error.message;
  throw error;
}

export function dependencyFailed(ctx: ApplyContext, kind: RosterKind, write: PlannedWrite<unknown>, what: string): void {
  ctx.log.skipped(kind, [{ key: write.key, reason: 'dependency-failed', school: write.school, section: write.section, message: `${what} was not written in this run` }]);
}

export async function flushLog(ctx: Pick<ApplyContext, 'store' | 'runId' | 'log'>): Promise<void> {
  await insertRowOutcomes(ctx.store, ctx.runId, ctx.log.takeRows());
}

/** Stops between steps once SIGTERM/SIGINT arrived; nothing written so far is lost or written twice. */
export function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new GradebridgeError('RUN_INTERRUPTED', 'The roster run was stopped before it finished.', {
      remedy: 'Run it again: what was written is found in Schoology by its key and not written twice.',
    });
  }
}

export function outcomeOf(action: PlannedWrite<unknown>['action']): 'created' | 'updated' | 'removed' {
  return action === 'create' ? 'created' : action === 'update' ? 'updated' : 'removed';
}
