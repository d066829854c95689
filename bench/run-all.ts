/**
 * `npm run bench`: every benchmark against the design's targets, each measurement in a fresh child
 * process, medians over rounds, ratios within a round. Prints a markdown table and writes it, with the
 * machine it ran on, to bench/results.md (not on --quick, unless --out names a file). Meant to finish
 * within 10 minutes on a 2-core machine.
 *
 *   npm run bench                 # 100k and 1M rows, 3 rounds (7 at 100k: see roundsFor)
 *   npm run bench -- --quick      # 10k and 100k rows, 1 round: a smoke run of a minute or two
 *   npm run bench -- --runs 5 --rows 100000,500000,1000000
 *   npm run bench -- --roster-scale 1   # the roster bench's full district (long)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchDir } from './child.ts';
import { benchExtractTransform, extractTransformRows } from './extract-transform.ts';
import { benchIncremental, incrementalRows } from './incremental.ts';
import { benchLoad, loadRows } from './load.ts';
import { describeMachine, markdownTable, rowsLabel, type ResultRow } from './stats.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    rows: { type: 'string' },
    latency: { type: 'string', default: '50' },
    // The roster bench's full district (50,000 users) takes far longer than the 10 minutes on its own.
    'roster-scale': { type: 'string' },
    // A quick smoke run does not overwrite the recorded results unless asked to.
    out: { type: 'string' },
  },
});

const runs = Number(values.runs ?? (values.quick ? 1 : 3));
const rosterScale = values['roster-scale'] ?? (values.quick ? '50' : '10');
const rows = (values.rows ?? (values.quick ? '10000,100000' : '100000,1000000')).split(',').map(Number);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const machine = describeMachine();
log(`gradebridge benchmarks on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, load average ${machine.loadAverage.toFixed(1)}`);

const table: ResultRow[] = [];
log(`extract + read + transform: ${rows.join(', ')} rows, ${runs} round(s)`);
// The largest size gets most of the 10 minutes; smaller ones are quick whatever the rounds.
const extractTransform = await benchExtractTransform({ rows, runs, budgetMsPerSize: 330_000, log });
table.push(...extractTransformRows(extractTransform));
log(`[${elapsed()}] load: L = ${values.latency} ms, concurrency 1, 2, 5, ${runs} round(s)`);
table.push(...loadRows(await benchLoad({ latencyMs: Number(values.latency), concurrencies: [1, 2, 5], runs, results: 200, log })));
log(`[${elapsed()}] incremental run after 2% of grades changed`);
table.push(...incrementalRows(await benchIncremental({ rows: values.quick ? 2000 : 10000, changedFraction: 0.02, log })));
const roster = await rosterSection();
log(`[${elapsed()}] done`);

const totalSeconds = (performance.now() - started) / 1000;
const failed = table.filter((row) => row.pass === false).length;
const report = [
  '# gradebridge benchmark results',
  '',
  `- when: ${new Date().toISOString()}, ${Math.round(totalSeconds)} s in all`,
  `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}; load average ${machine.loadAverage.toFixed(1)} at start`,
  `- SFTP server the export is downloaded from: ${extractTransform[0]?.sftpServer ?? 'none'}, on 127.0.0.1`,
  `- Node ${machine.node}; ${runs} round(s) per figure (extract+transform: ${extractTransform.map((size) => `${size.rounds.length} at ${rowsLabel(Math.round(size.rows / 1000) * 1000)}`).join(', ')}), medians; ratios are taken within a round, then the median`,
  `- re-run: \`npm run bench\` (\`-- --quick\` for a smoke run); each bench also runs alone, e.g. \`node --import tsx bench/load.ts\``,
  '',
  markdownTable(table),
  '',
  `${failed === 0 ? 'Every target met.' : `${failed} target(s) not met.`}`,
  ...(roster ? ['', `## Roster provisioning (bench/roster.ts --scale ${rosterScale})`, '', roster] : []),
  '',
].join('\n');
process.stdout.write(report);
const out = values.out ?? (values.quick ? undefined : path.join(benchDir, 'results.md'));
if (out) {
  await writeFile(out, report);
  log(`written to ${out}`);
}

/** The roster benchmark is its own script (bench/roster.ts, by the roster engineer): its output is shown as it prints it. */
async function rosterSection(): Promise<string | null> {
  const script = path.join(benchDir, 'roster.ts');
  if (!existsSync(script)) return null;
  log(`[${elapsed()}] roster provisioning (bench/roster.ts --scale ${rosterScale})`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--scale', rosterScale], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return code === 0 ? output.trim() : `bench/roster.ts failed (exit ${code}):\n\n${output.trim()}`;
}
