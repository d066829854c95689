/**
 * Incremental runs (design "Performance"): a scheduled run after 2% of the grades changed sends 2%
 * of the result PUTs of a full run. Two real runs through runPipeline on one store: a full run on the
 * first export, then a scheduled run on the next day's export, in which 2% of the grades differ.
 * Request counts are exact (no timing), so one round is enough; the wall times are shown beside them.
 *
 *   node --import tsx bench/incremental.ts [--rows 10000] [--changed 0.02]
 */
import { parseArgs } from 'node:util';
import { runPipelineInChild, startBenchWorld, type PipelineRunResult } from './bench-world.ts';
import { sizeForRows } from './generate-district.ts';
import { describeMachine, fmt, isMainModule, markdownTable, type ResultRow } from './stats.ts';

export interface IncrementalOptions {
  rows: number;
  changedFraction: number;
  log?: (line: string) => void;
}

export interface IncrementalReport {
  changedFraction: number;
  changedRows: number;
  full: RunRequests;
  scheduled: RunRequests;
}

export interface RunRequests {
  planned: number;
  unchanged: number;
  puts: number;
  reads: number;
  /** Every request IC saw, token included. */
  icRequests: number;
  wallMs: number;
}

export async function benchIncremental(options: IncrementalOptions): Promise<IncrementalReport> {
  const log = options.log ?? (() => undefined);
  const world = await startBenchWorld({ size: sizeForRows(options.rows), exportSeed: 1 });
  try {
    const spec = await world.spec({ concurrency: 5 });
    const full = await countedRun(world, () => runPipelineInChild(spec, { dryRun: false, full: true, trigger: 'cli' }));
    log(`  incremental: full run ${full.puts} PUTs, ${full.reads} reads, ${fmt.seconds(full.wallMs)}`);
    const next = await world.addExport('20261203_013000', { seed: 1, changed: { fraction: options.changedFraction, seed: 2 } });
    const scheduled = await countedRun(world, () => runPipelineInChild(spec, { dryRun: false, full: false, trigger: 'schedule' }));
    log(`  incremental: scheduled run after ${next.changedRows} changed grades: ${scheduled.puts} PUTs, ${scheduled.reads} reads, ${fmt.seconds(scheduled.wallMs)}`);
    return { changedFraction: options.changedFraction, changedRows: next.changedRows, full, scheduled };
  } finally {
    await world.close();
  }
}

async function countedRun(world: Awaited<ReturnType<typeof startBenchWorld>>, run: () => Promise<PipelineRunResult>): Promise<RunRequests> {
  await world.ic.resetRequests();
  const result = await run();
  const requests = await world.ic.requests();
  const puts = requests.filter((request) => request.method === 'PUT').length;
  if (puts !== result.icAttempts.puts) throw new Error(`IC saw ${puts} PUTs, the client sent ${result.icAttempts.puts}`);
  return {
    planned: result.summary.counts.planned,
    unchanged: result.summary.counts.unchanged,
    puts,
    reads: requests.filter((request) => request.method === 'GET').length,
    icRequests: requests.length,
    wallMs: result.wallMs,
  };
}

export function incrementalRows(report: IncrementalReport): ResultRow[] {
  const { full, scheduled } = report;
  const putShare = scheduled.puts / full.puts;
  const share = `${(report.changedFraction * 100).toFixed(0)}%`;
  return [
    {
      area: 'incremental',
      measure: `PUTs of a scheduled run after ${share} of grades changed / full run`,
      // Each grade changes with probability `changedFraction`: the target is the share that did.
      target: `<= ${(report.changedRows / full.puts).toFixed(4)} (${report.changedRows} grades changed)`,
      measured: `${putShare.toFixed(4)} (${scheduled.puts} / ${full.puts}; ${scheduled.unchanged} unchanged)`,
      pass: scheduled.puts <= report.changedRows,
    },
    {
      area: 'incremental',
      measure: 'all IC requests, scheduled / full run (reads included)',
      target: `${report.changedFraction.toFixed(2)} plus reads`,
      measured: `${(scheduled.icRequests / full.icRequests).toFixed(4)} (${scheduled.icRequests} / ${full.icRequests}; reads ${scheduled.reads} / ${full.reads})`,
      pass: null,
    },
    {
      area: 'incremental',
      measure: 'wall time, scheduled / full run',
      target: 'info',
      measured: `${(scheduled.wallMs / full.wallMs).toFixed(2)} (${fmt.seconds(scheduled.wallMs)} / ${fmt.seconds(full.wallMs)})`,
      pass: null,
    },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, changed: { type: 'string', default: '0.02' } } });
  const report = await benchIncremental({
    rows: Number(values.rows),
    changedFraction: Number(values.changed),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const machine = describeMachine();
  process.stdout.write(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n\n${markdownTable(incrementalRows(report))}\n`);
}

if (isMainModule(import.meta.url)) await main();
