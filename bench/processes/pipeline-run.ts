/**
 * Child process: one grade passback run through runPipeline, as the CLI starts it, against a bench
 * world. Answers the run's summary, its wall and CPU time, when its logged phases happened, the IC
 * requests the client made (and the span from the first result PUT to the last answer), and the
 * process's peak RSS.
 */
import './heap-as-cli.ts';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { gradePassback } from '../../pipelines/grade-passback.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import { RunTrigger } from '../../src/types.ts';
import { WorldSpec } from '../world-spec.ts';
import { answerOnce, peakRssMiB } from '../child.ts';
import { median } from '../stats.ts';
import { openWorldContext } from '../world-context.ts';

const Input = z.strictObject({
  spec: WorldSpec.extend({ storeUrl: z.string() }),
  dryRun: z.boolean(),
  full: z.boolean(),
  trigger: RunTrigger,
});

answerOnce(Input, async ({ spec, dryRun, full, trigger }) => {
  const world = await openWorldContext(spec);
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const peakSample = { rssMiB: 0, after: '(before the run)' };
    const sampler = setInterval(() => {
      const rssMiB = process.memoryUsage.rss() / 2 ** 20;
      if (rssMiB > peakSample.rssMiB) Object.assign(peakSample, { rssMiB, after: world.marks.at(-1)?.msg ?? '(before the first log line)' });
    }, 100);
    const summary = await runPipeline(world.ctx, 'grades', gradePassback, { trigger, dryRun, full, scope: null }).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const puts = world.icAttempts.filter((attempt) => attempt.method === 'PUT');
    return {
      icAttempts: {
        reads: world.icAttempts.filter((attempt) => attempt.method === 'GET').length,
        puts: puts.length,
        putsAccepted: puts.filter((attempt) => attempt.status !== null && attempt.status < 300).length,
        putWindowMs: puts.length ? Math.max(...puts.map((a) => a.endAt)) - Math.min(...puts.map((a) => a.startAt)) : 0,
        putMedianMs: puts.length ? median(puts.map((a) => a.endAt - a.startAt)) : null,
      },
      summary,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      marks: world.marks.map((mark) => ({ msg: mark.msg, atMs: mark.at - started, rssMiB: mark.rssMiB, heapMiB: mark.heapMiB })),
      peakRssMiB: peakRssMiB(),
      peakSample,
    };
  } finally {
    await world.close();
  }
});
