/**
 * The scheduler and the run-queue worker of one process, wired together: a slot the scheduler takes
 * is queued and the worker takes it at once; requests queued by the status page (or another
 * process) are picked up by a periodic poll. `serve` starts this; tests start it with a ManualClock.
 *
 * @example
 *   const ops = await startOperations({ config, store, logger, now: () => new Date(), timers: cronTimers(), bodies: pipelineBodies });
 *   // ... later, on SIGTERM:
 *   await ops.stop();
 */
import type { Logger } from 'pino';
import type { PipelineBody } from '../../pipelines/run-pipeline.ts';
import type { RunSummary } from '../../pipelines/run-summary.ts';
import type { PipelineContext } from '../../pipelines/context.ts';
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import type { PipelineName } from '../types.ts';
import { RunWorker } from './run-worker.ts';
import { Scheduler } from './scheduler.ts';
import type { SchedulerTimers } from './timers.ts';

export const queueLimits = {
  /** How often the worker looks for runs requested elsewhere (the status page, another process). */
  pollEveryMs: 5_000,
} as const;

export interface OperationsOptions {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => Date;
  timers: SchedulerTimers;
  bodies: Record<PipelineName, PipelineBody>;
  afterRun?: (summary: RunSummary) => Promise<void>;
  context?: Pick<PipelineContext, 'onIcRequest'>;
  lockWait?: { timeoutMs: number; pollMs: number };
  catchUpEveryMs?: number;
  pollEveryMs?: number;
  holder?: string;
}

export interface Operations {
  scheduler: Scheduler;
  worker: RunWorker;
  /** Stops scheduling, asks running pipelines to stop at a safe point, and waits for them. */
  stop(): Promise<void>;
}

export async function startOperations(options: OperationsOptions): Promise<Operations> {
  const logger = options.logger.child({ component: 'scheduler' });
  const worker = new RunWorker({
    config: options.config,
    store: options.store,
    logger,
    now: options.now,
    bodies: options.bodies,
    ...(options.afterRun ? { afterRun: options.afterRun } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.lockWait ? { lockWait: options.lockWait } : {}),
    ...(options.holder ? { holder: options.holder } : {}),
  });
  const scheduler = new Scheduler({
    config: options.config,
    store: options.store,
    logger,
    now: options.now,
    timers: options.timers,
    holder: worker.holder,
    onQueued: () => void worker.poll(),
    ...(options.catchUpEveryMs ? { catchUpEveryMs: options.catchUpEveryMs } : {}),
  });
  const stopPolling = options.timers.every('run queue', options.pollEveryMs ?? queueLimits.pollEveryMs, () => void worker.poll());
  await scheduler.start();
  await worker.poll();
  return {
    scheduler,
    worker,
    async stop() {
      await scheduler.stop();
      stopPolling();
      await worker.stop();
    },
  };
}
