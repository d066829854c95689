/**
 * Load (design "Performance" and "Reliability"): posting keeps `concurrency` requests in flight, and
 * faults cost retries, never results. Real grade passback runs (runPipeline, fresh ledger, so every
 * planned result is sent) against the IC sandbox with a fixed latency L added to every result PUT:
 * - at concurrency 1, 2 and 5 (with `concurrency` times the results), achieved PUT throughput as a
 *   share of concurrency / L (the client's own request events time the span from the first PUT to
 *   the last answer);
 * - with 10% of PUTs answered 429 or 5xx (Retry-After 0): the extra requests, and what IC holds
 *   afterwards: every planned result exactly once, written once, nothing else.
 *
 *   node --import tsx bench/load.ts [--latency 50] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { runPipelineInChild, startBenchWorld, type PipelineRunResult } from './bench-world.ts';
import { sizeForRows } from './generate-district.ts';
import { describeMachine, fmt, isMainModule, markdownTable, median, type ResultRow } from './stats.ts';

export interface LoadOptions {
  latencyMs: number;
  concurrencies: readonly number[];
  runs: number;
  /**
   * About this many results per run at concurrency 1, and `concurrency` times as many above it: every
   * run then spans the same number of rounds of requests, so the last round's empty slots weigh the
   * same at every concurrency (200 results at concurrency 5 would lose one round in forty to it).
   */
  results: number;
  log?: (line: string) => void;
}

export interface ConcurrencyRound {
  results: number;
  putWindowMs: number;
  putMedianMs: number;
  /** Achieved throughput / (concurrency / latency). */
  efficiency: number;
}

export interface FaultRun {
  planned: number;
  posted: number;
  putAttempts: number;
  faultsAnswered: number;
  heldByIc: number;
  writtenOnce: number;
  putWindowMs: number;
}

export interface LoadReport {
  latencyMs: number;
  byConcurrency: { concurrency: number; rounds: ConcurrencyRound[] }[];
  faults: FaultRun;
}

export const efficiencyTarget = 0.9;
const faultShare = { rate429: 0.05, rate5xx: 0.05 };

export async function benchLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => undefined);
  const byConcurrency: LoadReport['byConcurrency'] = options.concurrencies.map((concurrency) => ({ concurrency, rounds: [] }));
  for (const entry of byConcurrency) {
    const world = await startBenchWorld({ size: sizeForRows(options.results * entry.concurrency), exportSeed: 1 });
    try {
      await world.ic.setFaults({ latencyMs: options.latencyMs, only: 'writes' });
      for (let round = 1; round <= options.runs; round++) {
        const run = await runPipelineInChild(await world.spec({ concurrency: entry.concurrency }), { dryRun: false, full: false, trigger: 'cli' });
        const results = run.summary.counts.posted;
        if (results !== run.summary.counts.planned || run.icAttempts.puts !== results) {
          throw new Error(`load run: planned ${run.summary.counts.planned}, posted ${results}, PUTs ${run.icAttempts.puts}`);
        }
        const ideal = entry.concurrency / options.latencyMs;
        const efficiency = results / run.icAttempts.putWindowMs / ideal;
        const putMedianMs = run.icAttempts.putMedianMs ?? Number.NaN;
        entry.rounds.push({ results, putWindowMs: run.icAttempts.putWindowMs, putMedianMs, efficiency });
        log(
          `  load round ${round}, concurrency ${entry.concurrency}: ${results} PUTs in ${fmt.seconds(run.icAttempts.putWindowMs)}, ` +
            `${fmt.ratio(efficiency)} of ideal; one PUT ${putMedianMs.toFixed(1)} ms (median)`,
        );
      }
    } finally {
      await world.close();
    }
  }
  return { latencyMs: options.latencyMs, byConcurrency, faults: await faultRun(options, log) };
}

/** A fresh IC sandbox, so what it holds afterwards is exactly what this run wrote. */
async function faultRun(options: LoadOptions, log: (line: string) => void): Promise<FaultRun> {
  const concurrency = Math.max(...options.concurrencies);
  const world = await startBenchWorld({ size: sizeForRows(options.results * 2), exportSeed: 1 });
  try {
    await world.ic.setFaults({ latencyMs: options.latencyMs, ...faultShare, retryAfterSeconds: 0, seed: 7, only: 'writes' });
    const run: PipelineRunResult = await runPipelineInChild(await world.spec({ concurrency }), { dryRun: false, full: false, trigger: 'cli' });
    const requests = await world.ic.requests();
    const held = await world.ic.results();
    const puts = requests.filter((request) => request.method === 'PUT');
    const report: FaultRun = {
      planned: run.summary.counts.planned,
      posted: run.summary.counts.posted,
      putAttempts: puts.length,
      faultsAnswered: puts.filter((request) => request.fault !== undefined).length,
      heldByIc: held.length,
      writtenOnce: held.filter((result) => result.writes === 1).length,
      putWindowMs: run.icAttempts.putWindowMs,
    };
    log(`  faults: ${report.planned} planned, ${report.putAttempts} PUTs (${report.faultsAnswered} faulted), IC holds ${report.heldByIc}, ${report.writtenOnce} written once`);
    return report;
  } finally {
    await world.close();
  }
}

export function loadRows(report: LoadReport): ResultRow[] {
  const rows: ResultRow[] = report.byConcurrency.map(({ concurrency, rounds }) => {
    const efficiency = median(rounds.map((r) => r.efficiency));
    const perSecond = median(rounds.map((r) => r.results / (r.putWindowMs / 1000)));
    const putMs = median(rounds.map((r) => r.putMedianMs));
    return {
      area: 'load',
      measure: `PUT throughput / (concurrency / L), concurrency ${concurrency}, L = ${report.latencyMs} ms`,
      target: `>= ${efficiencyTarget}`,
      measured: `${fmt.ratio(efficiency)} (${perSecond.toFixed(1)}/s of ${((concurrency * 1000) / report.latencyMs).toFixed(0)}/s; one PUT ${putMs.toFixed(1)} ms)`,
      pass: efficiency >= efficiencyTarget,
    };
  });
  const f = report.faults;
  const extra = f.putAttempts - f.planned;
  rows.push(
    {
      area: 'load',
      measure: `extra PUTs with ${Math.round((faultShare.rate429 + faultShare.rate5xx) * 100)}% 429/5xx (Retry-After 0)`,
      target: `about ${(((faultShare.rate429 + faultShare.rate5xx) / (1 - faultShare.rate429 - faultShare.rate5xx)) * 100).toFixed(0)}% (one retry per fault)`,
      measured: `${extra} of ${f.planned} (${((extra / f.planned) * 100).toFixed(1)}%; ${f.faultsAnswered} faults answered)`,
      pass: extra === f.faultsAnswered,
    },
    {
      area: 'load',
      measure: 'final state after faults: results in IC / planned, written once',
      target: 'all, once each, nothing else',
      measured: `${f.heldByIc} / ${f.planned} held, ${f.writtenOnce} written once, ${f.posted} posted`,
      pass: f.heldByIc === f.planned && f.writtenOnce === f.planned && f.posted === f.planned,
    },
  );
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { latency: { type: 'string', default: '50' }, runs: { type: 'string', default: '3' }, results: { type: 'string', default: '200' } },
  });
  const report = await benchLoad({
    latencyMs: Number(values.latency),
    concurrencies: [1, 2, 5],
    runs: Number(values.runs),
    results: Number(values.results),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const machine = describeMachine();
  process.stdout.write(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n\n${markdownTable(loadRows(report))}\n`);
}

if (isMainModule(import.meta.url)) await main();
