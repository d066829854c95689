/**
 * Extract + read + transform (design "Performance"): throughput against csv-parse alone on the same
 * file, and peak RSS, at several export sizes. Three measurements per round, each in a fresh process:
 * - csv-parse alone on the export file (the yardstick), first and last in the round, the faster run
 *   counting;
 * - read + transform only: the pipeline's reader and plan, inputs at hand;
 * - SFTP download + read + transform only: the same, the bytes coming from the export server
 *   (OpenSSH; see bench-world.ts) through the pipeline's streamExport as they download (the issue's
 *   measure, in a process of its own);
 * - the real pipeline, `--dry-run`, through runPipeline: roster mappings, SFTP download and read
 *   together (rows are screened as the file arrives), IC line-item reads, plan, outcomes stored;
 *   a term's first run, so the ledger holds nothing;
 * - the same dry run again once the ledger holds every result it planned (a scheduled run's steady
 *   state): the plan reads a ledger entry per result, and must find every result unchanged.
 * Ratios are taken within a round (same machine load), then the median over rounds.
 *
 *   node --import tsx bench/extract-transform.ts [--rows 100000,1000000] [--runs 3]
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { between, recordPlannedAsPosted, runPipelineInChild, startBenchWorld, type PipelineRunResult } from './bench-world.ts';
import { runInChild } from './child.ts';
import { sizeForRows } from './generate-district.ts';
import { writePlanInputs } from './plan-inputs.ts';
import { describeMachine, fmt, isMainModule, markdownTable, median, rowsLabel, type ResultRow } from './stats.ts';

const CsvParseResult = z.strictObject({ rows: z.number(), wallMs: z.number(), cpuMs: z.number(), peakRssMiB: z.number() });
const ReadTransformResult = CsvParseResult.extend({ outcomes: z.number(), planned: z.number() });
type CsvParseResult = z.infer<typeof CsvParseResult>;
type ReadTransformResult = z.infer<typeof ReadTransformResult>;

export interface ExtractTransformRound {
  csvParse: CsvParseResult;
  readTransform: ReadTransformResult;
  sftpReadTransform: ReadTransformResult;
  dryRun: PipelineRunResult;
  /** The dry run with every result of the first in the ledger. */
  steadyDryRun: PipelineRunResult;
}

export interface ExtractTransformSize {
  rows: number;
  fileMiB: number;
  /** The server the SFTP measurements download from. */
  sftpServer: string;
  rounds: ExtractTransformRound[];
}

export interface ExtractTransformOptions {
  rows: readonly number[];
  runs: number;
  /** Time allowed for the rounds of one size; rounds stop early (at least one) rather than overrun it. */
  budgetMsPerSize?: number;
  log?: (line: string) => void;
}

/**
 * Rounds for a size: an export of 100k rows is read in under a second, where a burst of other work
 * on the machine moves a round's ratio by 0.1 or more, so sizes under half a million rows get twice
 * the rounds plus one (7 for 3); they take about 12 s a round.
 */
function roundsFor(rows: number, runs: number): number {
  return rows < 500_000 ? runs * 2 + 1 : runs;
}

export const throughputTarget = 0.5;
export const rssTargetMiB = 300;

export async function benchExtractTransform(options: ExtractTransformOptions): Promise<ExtractTransformSize[]> {
  const log = options.log ?? (() => undefined);
  const sizes: ExtractTransformSize[] = [];
  for (const rows of options.rows) {
    const size = sizeForRows(rows);
    log(`extract+transform ${rowsLabel(rows)}: preparing the district (${size.students} students, ${size.sections} sections)`);
    const world = await startBenchWorld({ size, exportSeed: 1, log });
    try {
      const inputsFile = path.join(world.dir, 'plan-inputs.json');
      await writePlanInputs(size, inputsFile);
      const file = world.firstExport.file;
      const result: ExtractTransformSize = { rows: world.firstExport.rows, fileMiB: world.firstExport.bytes / 2 ** 20, sftpServer: world.sftpServer, rounds: [] };
      const sizeStarted = performance.now();
      const rounds = roundsFor(rows, options.runs);
      for (let round = 1; round <= rounds; round++) {
        const roundStarted = performance.now();
        // The yardstick runs first and last, and the faster run counts: the machine slowing down
        // during one short csv-parse run would otherwise flatter the round's ratios.
        const csvBefore = await runInChild('processes/csv-parse-only.ts', { file }, CsvParseResult);
        const readTransform = await runInChild('processes/read-transform.ts', { source: { kind: 'file', file }, inputsFile }, ReadTransformResult);
        const spec = await world.spec();
        const sftpReadTransform = await runInChild('processes/read-transform.ts', { source: { kind: 'sftp', spec }, inputsFile }, ReadTransformResult);
        const dryRun = await runPipelineInChild(spec, { dryRun: true, full: false, trigger: 'cli' });
        const posted = await recordPlannedAsPosted(spec.storeUrl);
        const steadyDryRun = await runPipelineInChild(spec, { dryRun: true, full: false, trigger: 'cli' });
        if (posted !== dryRun.summary.counts.planned || steadyDryRun.summary.counts.planned !== 0) {
          throw new Error(`with ${posted} results in the ledger, the steady dry run planned ${steadyDryRun.summary.counts.planned} of the first run's ${dryRun.summary.counts.planned}`);
        }
        const csvAfter = await runInChild('processes/csv-parse-only.ts', { file }, CsvParseResult);
        const csvParse = csvAfter.wallMs < csvBefore.wallMs ? csvAfter : csvBefore;
        const counts = [csvParse.rows, readTransform.rows, sftpReadTransform.rows, dryRun.summary.counts.rows];
        if (counts.some((rows) => rows !== result.rows)) {
          throw new Error(`row counts differ: file ${result.rows}; csv-parse, read+transform, SFTP read+transform, dry run: ${counts.join(', ')}`);
        }
        result.rounds.push({ csvParse, readTransform, sftpReadTransform, dryRun, steadyDryRun });
        log(
          `  round ${round}: csv-parse ${fmt.seconds(csvBefore.wallMs)} / ${fmt.seconds(csvAfter.wallMs)}, read+transform ${fmt.seconds(readTransform.wallMs)} (${fmt.mib(readTransform.peakRssMiB)}), ` +
            `SFTP ${fmt.seconds(sftpReadTransform.wallMs)} (${fmt.mib(sftpReadTransform.peakRssMiB)}), ` +
            `dry run ${fmt.seconds(dryRun.wallMs)} (${fmt.mib(dryRun.peakRssMiB)}), steady ${fmt.seconds(steadyDryRun.wallMs)} (${fmt.mib(steadyDryRun.peakRssMiB)})`,
        );
        const roundMs = performance.now() - roundStarted;
        if (round < rounds && options.budgetMsPerSize !== undefined && performance.now() - sizeStarted + roundMs > options.budgetMsPerSize) {
          log(`  stopping after ${round} round(s): another would overrun the ${fmt.seconds(options.budgetMsPerSize)} budget of this size`);
          break;
        }
      }
      sizes.push(result);
    } finally {
      await world.close();
    }
  }
  return sizes;
}

/**
 * Download, read and plan: the dry run without the roster mappings read from the store before it,
 * the IC reads and the outcome writes. The rows are read as the file downloads, so from 'mappings
 * ready' to 'export rows read' is the SFTP connection, the download and the read together; from
 * 'line items read' to 'plan ready' is the rest of the transform and the plan's ledger reads.
 */
function extractReadTransformMs(run: PipelineRunResult): number {
  return between(run, 'mappings ready', 'export rows read') + between(run, 'line items read', 'plan ready');
}

function ledgerReadMs(run: PipelineRunResult): number {
  return between(run, 'plan resolved', 'plan ready');
}

/** Medians of one size's rounds; ratios are per round first (same load), then the median. */
export function summariseSize(size: ExtractTransformSize) {
  const perSecond = (ms: number) => size.rows / (ms / 1000);
  const rounds = size.rounds;
  return {
    rows: size.rows,
    sftpServer: size.sftpServer,
    rounds: rounds.length,
    fileMiB: size.fileMiB,
    csvParsePerSecond: median(rounds.map((r) => perSecond(r.csvParse.wallMs))),
    readTransformPerSecond: median(rounds.map((r) => perSecond(r.readTransform.wallMs))),
    dryRunPerSecond: median(rounds.map((r) => perSecond(r.dryRun.wallMs))),
    readTransformRatio: overRounds(rounds.map((r) => r.csvParse.wallMs / r.readTransform.wallMs)),
    sftpReadTransformRatio: overRounds(rounds.map((r) => r.csvParse.wallMs / r.sftpReadTransform.wallMs)),
    sftpReadTransformPerSecond: median(rounds.map((r) => perSecond(r.sftpReadTransform.wallMs))),
    sftpReadTransformRssMiB: median(rounds.map((r) => r.sftpReadTransform.peakRssMiB)),
    dryRunRatio: median(rounds.map((r) => r.csvParse.wallMs / r.dryRun.wallMs)),
    readTransformCpuRatio: median(rounds.map((r) => r.csvParse.cpuMs / r.readTransform.cpuMs)),
    csvParseRssMiB: median(rounds.map((r) => r.csvParse.peakRssMiB)),
    readTransformRssMiB: median(rounds.map((r) => r.readTransform.peakRssMiB)),
    dryRunRssMiB: median(rounds.map((r) => r.dryRun.peakRssMiB)),
    /** Where the dry run's largest sampled RSS was, in the round with the highest peak. */
    dryRunPeakStep: [...rounds].sort((a, b) => b.dryRun.peakRssMiB - a.dryRun.peakRssMiB)[0]?.dryRun.peakSample.after ?? '',
    /** The dry run step by step, from the pipeline's own log lines. */
    dryRunPhasesMs: {
      mappings: median(rounds.map((r) => between(r.dryRun, 'run started', 'mappings ready'))),
      /** The download alone; the rows are read as it goes. */
      download: median(rounds.map((r) => between(r.dryRun, 'mappings ready', 'export file downloaded'))),
      downloadAndRead: median(rounds.map((r) => between(r.dryRun, 'mappings ready', 'export rows read'))),
      lineItemReads: median(rounds.map((r) => between(r.dryRun, 'export rows read', 'line items read'))),
      plan: median(rounds.map((r) => between(r.dryRun, 'line items read', 'plan resolved'))),
      ledger: median(rounds.map((r) => ledgerReadMs(r.dryRun))),
      storeOutcomes: median(rounds.map((r) => between(r.dryRun, 'plan ready', 'outcomes stored'))),
    },
    /** Extract + read + transform inside the dry run: download, read and screen, plan with its ledger reads (no IC reads, no outcome writes). */
    extractReadTransformRatio: overRounds(rounds.map((r) => r.csvParse.wallMs / extractReadTransformMs(r.dryRun))),
    steadyExtractReadTransformRatio: overRounds(rounds.map((r) => r.csvParse.wallMs / extractReadTransformMs(r.steadyDryRun))),
    steadyLedgerMs: median(rounds.map((r) => ledgerReadMs(r.steadyDryRun))),
    steadyRssMiB: median(rounds.map((r) => r.steadyDryRun.peakRssMiB)),
  };
}

/** A ratio taken in each round: its median, which the target is held to, and its range. */
interface RatioOverRounds {
  median: number;
  lowest: number;
  highest: number;
  rounds: number;
}

function overRounds(ratios: readonly number[]): RatioOverRounds {
  return { median: median(ratios), lowest: Math.min(...ratios), highest: Math.max(...ratios), rounds: ratios.length };
}

/** "0.53 (112,742/s; rounds 0.49-0.78)": the median, what goes with it, and the rounds' range when there are several. */
function ratioText(ratio: RatioOverRounds, ...details: string[]): string {
  const all = ratio.rounds > 1 ? [...details, `rounds ${fmt.ratio(ratio.lowest)}-${fmt.ratio(ratio.highest)}`] : details;
  return all.length === 0 ? fmt.ratio(ratio.median) : `${fmt.ratio(ratio.median)} (${all.join('; ')})`;
}

export function extractTransformRows(sizes: readonly ExtractTransformSize[]): ResultRow[] {
  const rows: ResultRow[] = [];
  const summaries = sizes.map(summariseSize);
  for (const s of summaries) {
    const label = rowsLabel(Math.round(s.rows / 1000) * 1000);
    rows.push(
      { area: 'extract+transform', measure: `csv-parse alone, ${label} rows (${s.fileMiB.toFixed(0)} MiB; ${s.rounds} round${s.rounds === 1 ? '' : 's'})`, target: 'yardstick', measured: `${fmt.perSecond(s.csvParsePerSecond)}, ${fmt.mib(s.csvParseRssMiB)}`, pass: null },
      { area: 'extract+transform', measure: `read+transform / csv-parse, ${label}`, target: `>= ${throughputTarget}`, measured: ratioText(s.readTransformRatio, fmt.perSecond(s.readTransformPerSecond)), pass: s.readTransformRatio.median >= throughputTarget },
      {
        area: 'extract+transform',
        measure: `SFTP download+read+transform / csv-parse, ${label} (its own process, timed as read+transform is: modules loaded before the clock, then the lookups built, streamExport from ${s.sftpServer} into the reader and the plan, then every outcome and planned result derived)`,
        target: `>= ${throughputTarget}`,
        measured: ratioText(s.sftpReadTransformRatio, fmt.perSecond(s.sftpReadTransformPerSecond)),
        pass: s.sftpReadTransformRatio.median >= throughputTarget,
      },
      {
        area: 'extract+transform',
        measure: `pipeline extract+read+transform / csv-parse, ${label}, a term's first run (dry run: SFTP download and read together, then the plan with its ledger reads, which find nothing yet; no IC reads, no outcome writes)`,
        target: `>= ${throughputTarget}`,
        measured: ratioText(s.extractReadTransformRatio),
        pass: s.extractReadTransformRatio.median >= throughputTarget,
      },
      {
        area: 'extract+transform',
        measure: `the same, a scheduled run's steady state (every result of the first run in the ledger, each read and found unchanged), ${label}`,
        target: `>= ${throughputTarget}`,
        measured: ratioText(
          s.steadyExtractReadTransformRatio,
          `ledger reads ${fmt.seconds(s.steadyLedgerMs)} against ${fmt.seconds(s.dryRunPhasesMs.ledger)}`,
          `peak RSS ${fmt.mib(s.steadyRssMiB)}`,
        ),
        pass: s.steadyExtractReadTransformRatio.median >= throughputTarget,
      },
      {
        area: 'extract+transform',
        measure: `whole pipeline dry run / csv-parse, ${label}`,
        target: 'info',
        measured:
          `${fmt.ratio(s.dryRunRatio)} (${fmt.perSecond(s.dryRunPerSecond)}: roster mappings ${fmt.seconds(s.dryRunPhasesMs.mappings)}, ` +
          `download and read ${fmt.seconds(s.dryRunPhasesMs.downloadAndRead)} (the download alone ${fmt.seconds(s.dryRunPhasesMs.download)}), IC line items ${fmt.seconds(s.dryRunPhasesMs.lineItemReads)}, ` +
          `plan ${fmt.seconds(s.dryRunPhasesMs.plan)}, ledger ${fmt.seconds(s.dryRunPhasesMs.ledger)}, store ${fmt.seconds(s.dryRunPhasesMs.storeOutcomes)})`,
        pass: null,
      },
      { area: 'extract+transform', measure: `peak RSS, read+transform, ${label}`, target: `< ${rssTargetMiB} MiB`, measured: fmt.mib(s.readTransformRssMiB), pass: s.readTransformRssMiB < rssTargetMiB },
      { area: 'extract+transform', measure: `peak RSS, SFTP download+read+transform, ${label}`, target: `< ${rssTargetMiB} MiB`, measured: fmt.mib(s.sftpReadTransformRssMiB), pass: s.sftpReadTransformRssMiB < rssTargetMiB },
      {
        area: 'extract+transform',
        measure: `peak RSS, pipeline dry run, ${label}`,
        target: `< ${rssTargetMiB} MiB`,
        measured: `${fmt.mib(s.dryRunRssMiB)} (largest sample after "${s.dryRunPeakStep}")`,
        pass: s.dryRunRssMiB < rssTargetMiB,
      },
    );
  }
  const smallest = summaries[0];
  const largest = summaries[summaries.length - 1];
  if (smallest && largest && largest !== smallest) {
    const growth = largest.dryRunRssMiB / smallest.dryRunRssMiB;
    rows.push({
      area: 'extract+transform',
      measure: `dry run peak RSS growth, ${rowsLabel(Math.round(smallest.rows / 1000) * 1000)} -> ${rowsLabel(Math.round(largest.rows / 1000) * 1000)} rows`,
      target: 'flat',
      measured: `x${growth.toFixed(2)} (+${fmt.mib(largest.dryRunRssMiB - smallest.dryRunRssMiB)})`,
      pass: null,
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000,1000000' }, runs: { type: 'string', default: '3' } } });
  const sizes = await benchExtractTransform({
    rows: values.rows.split(',').map(Number),
    runs: Number(values.runs),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const machine = describeMachine();
  process.stdout.write(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n\n${markdownTable(extractTransformRows(sizes))}\n`);
}

if (isMainModule(import.meta.url)) await main();
