/**
 * The run queue: how an admin (status page), the scheduler and a catch-up ask for a run. Runs never
 * overlap per pipeline: a request made while a run is going waits in the queue, once; a request made
 * while one is already queued is merged into it (and the answer says so). Everything is in the
 * store, so any process (today `serve`, later pg-boss workers) can take the queued request.
 *
 * Merge rule: real runs and dry runs queue separately (a preview must never post, a requested post
 * must never become a preview). Within a kind, the merged request is full when either was, and
 * covers the whole district unless both asked for the same scope.
 *
 * @example
 *   const { id, merged } = await requestRun(store, { pipeline: 'grades', full: true, dryRun: false, scope: null, requestedBy: 'it@district.org', now: new Date() });
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Store } from '../store/open-store.ts';
import { findQueuedRequest, insertQueuedRequest, mergeIntoQueuedRequest } from '../store/run-requests.ts';
import type { RunScope } from '../store/runs.ts';
import { StoreError } from '../errors.ts';
import type { PipelineName, RunTrigger } from '../types.ts';

export interface RunRequestInput {
  pipeline: PipelineName;
  full: boolean;
  dryRun: boolean;
  /** A full run limited to one school, section or teacher; null for the whole district. */
  scope: RunScope | null;
  /** Who asked: an admin's email, `schedule` or `catch-up`. */
  requestedBy: string;
  now: Date;
  /** Default `admin`. */
  trigger?: RunTrigger;
}

export interface RunRequestAnswer {
  /** The queued request that will carry out this one. */
  id: string;
  /** True when this request was merged into one already queued. */
  merged: boolean;
}

/** Concurrent requesters retry when the queued request they read was taken or changed meanwhile. */
const maxAttempts = 5;

export async function requestRun(store: Store, input: RunRequestInput): Promise<RunRequestAnswer> {
  const scope = input.scope && Object.keys(input.scope).length > 0 ? input.scope : null;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const id = randomUUID();
    const inserted = await insertQueuedRequest(store, {
      id,
      pipeline: input.pipeline,
      trigger: input.trigger ?? 'admin',
      dryRun: input.dryRun,
      full: input.full,
      scope,
      requestedBy: input.requestedBy,
      requestedAt: input.now,
    });
    if (inserted) return { id, merged: false };
    const queued = await findQueuedRequest(store, input.pipeline, input.dryRun);
    if (!queued) continue;
    const widened = mergeRequests(queued, { full: input.full, scope });
    const requestedBy = queued.requestedBy.includes(input.requestedBy) ? queued.requestedBy : [...queued.requestedBy, input.requestedBy];
    if (await mergeIntoQueuedRequest(store, queued, { ...widened, requestedBy })) return { id: queued.id, merged: true };
  }
  throw new StoreError('RUN_QUEUE_BUSY', `The ${input.pipeline} run could not be queued: the queue kept changing under us.`, {
    remedy: 'Request the run again.',
  });
}

/** What a queued request becomes when another one of the same kind is merged into it. */
export function mergeRequests(
  queued: { full: boolean; scope: RunScope | null },
  incoming: { full: boolean; scope: RunScope | null },
): { full: boolean; scope: RunScope | null } {
  const full = queued.full || incoming.full;
  const scope = queued.scope && incoming.scope && isDeepStrictEqual(queued.scope, incoming.scope) ? queued.scope : null;
  return { full, scope };
}
