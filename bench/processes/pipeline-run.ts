/**
 * Child process: one grade passback run through runPipeline, as the CLI starts it, against a bench
 * world. Answers the run's summary, its wall and CPU time, when its logged phases happened, and the
 * process's peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { gradePassback } from '../../pipelines/grade-passback.ts';
import { runPipeline } from '../../pipelines/run-pipeline.ts';
import { RunTrigger } from '../../src/types.ts';
import { WorldSpec } from '../bench-world.ts';
import { answerOnce, peakRssMiB } from '../child.ts';
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
    const summary = await runPipeline(world.ctx, 'grades', gradePassback, { trigger, dryRun, full, scope: null });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      summary,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      marks: world.marks.map((mark) => ({ msg: mark.msg, atMs: mark.at - started })),
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await world.close();
  }
});
