/**
 * Takes queued run requests from the store and runs them through runPipeline, one at a time per
 * pipeline. The worker keeps no state about a run beyond the promise it awaits: the request, its
 * slot and the run record are in the store, and runPipeline's store lock keeps a CLI run, or another
 * process's worker, from overlapping.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { processHolderId, runPipeline, type PipelineBody } from '../../pipelines/run-pipeline.ts';
import type { RunSummary } from '../../pipelines/run-summary.ts';
import type { PipelineContext, RunRequest } from '../../pipelines/context.ts';
import type { Config } from '../config/schema.ts';
import { errorCode, errorMessage, runStoppedError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { lockTtlMs, readRunLock } from '../store/run-lock.ts';
import {
  claimRunRequest,
  closeAbandonedRequests,
  finishRunRequest,
  listQueuedRequests,
  recordRequestRun,
  type RunRequestRecord,
} from '../store/run-requests.ts';
import { markSlotsEnded, markSlotsStarted } from '../store/schedule-slots.ts';
import type { PipelineName } from '../types.ts';

export interface RunWorkerOptions {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => Date;
  /** The pipeline bodies to run (`pipelineBodies` in production; tests pass controllable ones). */
  bodies: Record<PipelineName, PipelineBody>;
  /** Called after every run, e.g. to send its notice. Its failure is logged, never fatal. */
  afterRun?: (summary: RunSummary) => Promise<void>;
  /** Extra context for every run (the IC request hook for metrics). */
  context?: Pick<PipelineContext, 'onIcRequest'>;
  /** How long a claimed request waits for a run of its pipeline started elsewhere (CLI) to end. */
  lockWait?: { timeoutMs: number; pollMs: number };
  /** Identifies this process in the store; default host:pid:random. */
  holder?: string;
}

export interface RunWorkerEvents {
  'run-started': [{ requestId: string; pipeline: PipelineName; runId: string }];
  'run-finished': [{ requestId: string; pipeline: PipelineName; summary: RunSummary | null }];
  warning: [{ message: string; error?: unknown }];
}

const defaultLockWait = { timeoutMs: 6 * 60 * 60_000, pollMs: 2_000 };

/** Why a run stopped when the process was asked to stop: recorded on the run, and no notice is sent for it. */

export class RunWorker extends EventEmitter<RunWorkerEvents> {
  readonly holder: string;
  readonly #options: RunWorkerOptions;
  readonly #running = new Map<PipelineName, Promise<void>>();
  readonly #abort = new AbortController();
  #polling: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: RunWorkerOptions) {
    super();
    this.#options = options;
    this.holder = options.holder ?? processHolderId();
  }

  /** Starts every queued request whose pipeline is free; resolves once they have started, not finished. */
  poll(): Promise<void> {
    this.#polling = this.#polling.then(() => this.#pollOnce()).catch((error: unknown) => this.#warn('could not read the run queue', error));
    return this.#polling;
  }

  /** Resolves when no run of this worker is going and nothing it could take is queued. */
  async idle(): Promise<void> {
    for (;;) {
      await this.#polling;
      const running = [...this.#running.values()];
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Stops taking requests and asks running pipelines to stop at their next safe point; waits for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort(runStoppedError());
    await this.#polling;
    await Promise.all(this.#running.values());
  }

  /** Pipelines this worker is running now. */
  runningPipelines(): PipelineName[] {
    return [...this.#running.keys()];
  }

  async #pollOnce(): Promise<void> {
    if (this.#stopped) return;
    const { store, now } = this.#options;
    for (const request of await listQueuedRequests(store)) {
      if (this.#running.has(request.pipeline)) continue;
      const lock = await readRunLock(store, request.pipeline);
      if (lock && lock.expires_at > now().toISOString()) continue;
      await closeAbandonedRequests(store, request.pipeline, new Date(now().getTime() - lockTtlMs), now());
      if (!(await claimRunRequest(store, request.id, this.holder, now()))) continue;
      const done = this.#run(request).finally(() => {
        this.#running.delete(request.pipeline);
        if (!this.#stopped) void this.poll();
      });
      this.#running.set(request.pipeline, done);
    }
  }

  async #run(request: RunRequestRecord): Promise<void> {
    const { config, store, logger, now, bodies } = this.#options;
    const log = logger.child({ requestId: request.id, pipeline: request.pipeline });
    const ctx: PipelineContext = { config, store, logger, now, signal: this.#abort.signal, ...this.#options.context };
    const runRequest: RunRequest = {
      trigger: request.trigger,
      dryRun: request.dryRun,
      full: request.full,
      scope: request.scope,
      acceptShrink: false,
      verify: false,
    };
    const bookkeeping: Promise<void>[] = [];
    let summary: RunSummary | null = null;
    try {
      log.info({ trigger: request.trigger, requestedBy: request.requestedBy, merged: request.merged }, 'starting a queued run');
      summary = await runPipeline(ctx, request.pipeline, bodies[request.pipeline], runRequest, {
        waitForLock: this.#options.lockWait ?? defaultLockWait,
        onRunCreated: (runId) => {
          bookkeeping.push(recordRequestRun(store, request.id, runId), markSlotsStarted(store, request.id, runId, now()));
          this.emit('run-started', { requestId: request.id, pipeline: request.pipeline, runId });
        },
      });
      await Promise.all(bookkeeping);
      if (this.#options.afterRun) {
        await this.#options.afterRun(summary).catch((error: unknown) => this.#warn('the after-run step failed', error));
      }
    } catch (error) {
      this.#warn(`the queued ${request.pipeline} run could not start: ${errorMessage(error)}`, error);
    } finally {
      await Promise.allSettled(bookkeeping);
      await finishRunRequest(store, request.id, { runStatus: summary?.status ?? 'failed', finishedAt: now() }).catch((error: unknown) =>
        this.#warn('could not record the end of a run request', error),
      );
      await markSlotsEnded(store, request.id, now()).catch((error: unknown) => this.#warn('could not record the end of a slot', error));
      this.emit('run-finished', { requestId: request.id, pipeline: request.pipeline, summary });
    }
  }

  #warn(message: string, error: unknown): void {
    this.#options.logger.warn({ code: errorCode(error), err: error }, message);
    this.emit('warning', { message, error });
  }
}
