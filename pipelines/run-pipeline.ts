/**
 * Runs one pipeline as a recorded run: takes the store lock for the pipeline, creates the run record,
 * runs the pipeline body, records how it ended (a stop is a `failed` run with its error), releases
 * the lock, and returns the summary. Both the CLI and `serve` start runs through here.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ConfigError, GradebridgeError, RunLockedError, errorCode, errorMessage } from '../src/errors.ts';
import { createRun, failAbandonedRuns, finishRun } from '../src/store/runs.ts';
import { readRunLock, releaseRunLock, renewRunLock, tryAcquireRunLock } from '../src/store/run-lock.ts';
import type { PipelineName, RunStatus } from '../src/types.ts';
import type { PipelineContext, RunRequest } from './context.ts';
import type { RunSummary } from './run-summary.ts';

/** What a pipeline body reports when it ends normally. A stop is thrown as a GradebridgeError. */
export interface PipelineResult {
  status: Exclude<RunStatus, 'running'>;
  counts: RunSummary['counts'];
  rows: number;
  sourceFile: string | null;
  error?: { code: string; message: string };
  verification?: RunSummary['verification'];
}

/** A pipeline body may attach what it knew when it stopped (counts so far, the file it read). */
export class PipelineStop extends GradebridgeError {
  readonly partial: Partial<Pick<PipelineResult, 'counts' | 'rows' | 'sourceFile'>>;
  constructor(error: GradebridgeError, partial: PipelineStop['partial']) {
    super(error.code, error.message, { remedy: error.remedy, cause: error });
    this.partial = partial;
  }
}

export type PipelineBody = (ctx: PipelineContext, request: RunRequest, runId: string) => Promise<PipelineResult>;

export interface RunPipelineOptions {
  /** Wait (polling the store lock) while another process runs this pipeline, instead of failing. */
  waitForLock?: { timeoutMs: number; pollMs: number };
  /** Called once the run record exists, e.g. to show its ID. */
  onRunCreated?: (runId: string) => void;
}

const lockRenewMs = 30_000;

export function processHolderId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when a lock holder ID names a process of this machine that no longer exists. */
export function holderIsDeadLocalProcess(holderId: string): boolean {
  const [host, pidText] = holderId.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function runPipeline(
  ctx: PipelineContext,
  pipeline: PipelineName,
  body: PipelineBody,
  request: RunRequest,
  options: RunPipelineOptions = {},
): Promise<RunSummary> {
  const section = pipeline === 'grades' ? ctx.config.gradePassback : ctx.config.rosterProvisioning;
  if (!section) {
    const key = pipeline === 'grades' ? 'gradePassback' : 'rosterProvisioning';
    throw new ConfigError(`config error: ${key}: required to run the ${pipeline} pipeline`);
  }
  const runId = randomUUID();
  const holder = processHolderId();
  await acquireLock(ctx, pipeline, holder, runId, options);
  const started = ctx.now();
  const renewTimer = setInterval(() => {
    renewRunLock(ctx.store, pipeline, holder, ctx.now()).catch((error: unknown) =>
      ctx.logger.warn({ err: error }, 'could not renew the run lock'),
    );
  }, lockRenewMs);
  renewTimer.unref();
  try {
    // A run left `running` can only belong to a process that died, since we hold the lock now.
    await failAbandonedRuns(ctx.store, pipeline, started);
    await createRun(ctx.store, { id: runId, pipeline, trigger: request.trigger, dryRun: request.dryRun, full: request.full, scope: request.scope, startedAt: started });
    options.onRunCreated?.(runId);
    const log = ctx.logger.child({ runId, pipeline });
    log.info({ trigger: request.trigger, dryRun: request.dryRun, full: request.full, scope: request.scope }, 'run started');
    let result: PipelineResult;
    try {
      result = await body({ ...ctx, logger: log }, request, runId);
    } catch (error) {
      log.error({ code: errorCode(error), err: error instanceof GradebridgeError ? undefined : error }, errorMessage(error));
      const partial = error instanceof PipelineStop ? error.partial : {};
      result = {
        status: 'failed',
        counts: partial.counts ?? {},
        rows: partial.rows ?? 0,
        sourceFile: partial.sourceFile ?? null,
        error: { code: errorCode(error), message: errorMessage(error) },
      };
    }
    const finished = ctx.now();
    const durationMs = Math.max(0, finished.getTime() - started.getTime());
    await finishRun(ctx.store, runId, {
      status: result.status,
      rows: result.rows,
      counts: result.counts,
      error: result.error ?? null,
      finishedAt: finished,
      durationMs,
    });
    log.info({ status: result.status, counts: result.counts, durationMs }, 'run finished');
    return {
      runId,
      pipeline,
      status: result.status,
      dryRun: request.dryRun,
      full: request.full,
      sourceFile: result.sourceFile,
      counts: result.counts,
      durationMs,
      ...(result.error ? { error: result.error } : {}),
      ...(result.verification ? { verification: result.verification } : {}),
    };
  } finally {
    clearInterval(renewTimer);
    await releaseRunLock(ctx.store, pipeline, holder);
  }
}

async function acquireLock(ctx: PipelineContext, pipeline: PipelineName, holder: string, runId: string, options: RunPipelineOptions): Promise<void> {
  const wait = options.waitForLock;
  const deadline = Date.now() + (wait?.timeoutMs ?? 0);
  let announced = false;
  for (;;) {
    if (await tryAcquireRunLock(ctx.store, pipeline, holder, runId, ctx.now())) return;
    const current = await readRunLock(ctx.store, pipeline);
    if (current && holderIsDeadLocalProcess(current.holder)) {
      // A killed run on this machine leaves its lock until it expires; its process is gone, so take over now.
      ctx.logger.warn({ holder: current.holder }, `the previous ${pipeline} run's process is gone; taking over its lock`);
      await releaseRunLock(ctx.store, pipeline, current.holder);
      continue;
    }
    if (!wait || Date.now() >= deadline) throw new RunLockedError(pipeline, current?.holder ?? 'another process');
    if (!announced) {
      ctx.logger.info({ holder: current?.holder }, `waiting for the running ${pipeline} run to finish`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, wait.pollMs));
  }
}
