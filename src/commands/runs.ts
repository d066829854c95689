/** `gradebridge runs` (recent runs) and `runs show RUN_ID` (one run with its outcome counts). */
import { openStore } from '../store/open-store.ts';
import { getRun, listRuns, type Run } from '../store/runs.ts';
import { GradebridgeError } from '../errors.ts';
import type { RunSummary } from '../../pipelines/run-summary.ts';
import { formatRunSummary } from './format-summary.ts';
import { loadCommandConfig, writeLine, type CommandIo, type GlobalOptions } from './command-io.ts';

export async function listRunsCommand(options: GlobalOptions & { limit?: string; json?: boolean }, io: CommandIo): Promise<number> {
  const { config } = loadCommandConfig(options, io);
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new GradebridgeError('USAGE', 'usage: --limit takes a whole number above 0');
  const store = await openStore(config.store);
  try {
    const runs = await listRuns(store, { limit });
    if (options.json) {
      writeLine(io.stdout, JSON.stringify(runs.map(runToSummary)));
      return 0;
    }
    if (runs.length === 0) writeLine(io.stdout, 'No runs yet.');
    for (const run of runs) {
      const when = run.startedAt.replace('T', ' ').slice(0, 19);
      writeLine(io.stdout, `${run.id}  ${when}Z  ${run.pipeline.padEnd(6)}  ${run.status.padEnd(9)}  ${run.trigger.padEnd(8)}${run.dryRun ? '  dry run' : ''}${run.full ? '  full' : ''}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function showRunCommand(runId: string, options: GlobalOptions & { json?: boolean }, io: CommandIo): Promise<number> {
  const { config } = loadCommandConfig(options, io);
  const store = await openStore(config.store);
  try {
    const run = await getRun(store, runId);
    if (!run) {
      writeLine(io.stderr, `No run ${runId}. \`gradebridge runs\` lists the recent ones.`);
      return 1;
    }
    const summary = runToSummary(run);
    writeLine(io.stdout, options.json ? JSON.stringify(summary) : formatRunSummary(summary));
    return 0;
  } finally {
    await store.close();
  }
}

export function runToSummary(run: Run): RunSummary {
  return {
    runId: run.id,
    pipeline: run.pipeline,
    status: run.status,
    dryRun: run.dryRun,
    full: run.full,
    sourceFile: run.sourceFile?.remotePath ?? null,
    counts: run.counts as RunSummary['counts'],
    durationMs: run.durationMs ?? 0,
    ...(run.error ? { error: run.error } : {}),
  };
}
