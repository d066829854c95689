/**
 * The child side of a bench world: the pipeline context a measurement runs with, built from a
 * WorldSpec the same way the CLI builds it from a config file, with a logger that only notes when
 * each logged step happened (the pipeline's own log lines mark its phases).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { z } from 'zod';
import type { PipelineContext } from '../pipelines/context.ts';
import type { IcRequestEvent } from '../src/load/ic-client.ts';
import { parseConfig } from '../src/config/load.ts';
import { openStore } from '../src/store/open-store.ts';
import type { WorldSpec } from './world-spec.ts';

export interface PhaseMark {
  msg: string;
  /** performance.now() when it was logged. */
  at: number;
  /** Memory at that moment, MiB: where a run's memory goes, step by step. */
  rssMiB: number;
  heapMiB: number;
}

const LogLine = z.looseObject({ msg: z.string() });
const liveHeapProbe = (globalThis as { gc?: () => void }).gc;

/** One IC request attempt as the client saw it, with when it started and ended. */
export interface IcAttempt {
  method: string;
  status: number | null;
  startAt: number;
  endAt: number;
}

export interface WorldContext {
  ctx: PipelineContext;
  marks: PhaseMark[];
  icAttempts: IcAttempt[];
  close(): Promise<void>;
}

export async function openWorldContext(spec: WorldSpec & { storeUrl: string }): Promise<WorldContext> {
  const config = parseConfig({ ...spec.config, store: spec.storeUrl }, { baseDir: spec.dir, env: { ...spec.env } });
  const store = await openStore(spec.storeUrl);
  const marks: PhaseMark[] = [];
  const logger = pino(
    { level: 'info', base: null, timestamp: false },
    {
      write(line: string) {
        const parsed = LogLine.safeParse(JSON.parse(line));
        if (!parsed.success) return;
        // With BENCH_NODE_ARGS=--expose-gc, the heap at each step is what is live, garbage collected.
        liveHeapProbe?.();
        const memory = process.memoryUsage();
        marks.push({ msg: parsed.data.msg, at: performance.now(), rssMiB: memory.rss / 2 ** 20, heapMiB: memory.heapUsed / 2 ** 20 });
      },
    },
  );
  const icAttempts: IcAttempt[] = [];
  const onIcRequest = (event: IcRequestEvent): void => {
    const endAt = performance.now();
    icAttempts.push({ method: event.method, status: event.status ?? null, startAt: endAt - event.durationMs, endAt });
  };
  return {
    ctx: { config, store, logger, now: () => new Date(), onIcRequest },
    marks,
    icAttempts,
    close: () => store.close(),
  };
}
