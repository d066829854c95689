/** `gradebridge run grades|roster`: one run now, its summary on stdout (`--json`: one JSON object). */
import { SingleBar, Presets } from 'cli-progress';
import { openStore } from '../store/open-store.ts';
import { runPipeline, type PipelineBody } from '../../pipelines/run-pipeline.ts';
import { gradePassback } from '../../pipelines/grade-passback.ts';
import { rosterProvisioning } from '../../pipelines/roster-provisioning.ts';
import { exitCodeFor, type RunSummary } from '../../pipelines/run-summary.ts';
import type { PipelineContext, RunRequest } from '../../pipelines/context.ts';
import { ConfigError, runStoppedError } from '../errors.ts';
import { sendRunNotice } from '../notify/send-run-notice.ts';
import type { PipelineName } from '../types.ts';
import { formatRunSummary } from './format-summary.ts';
import { commandLogger, loadCommandConfig, writeLine, type CommandIo, type GlobalOptions } from './command-io.ts';

export interface RunCommandOptions extends GlobalOptions {
  full?: boolean;
  dryRun?: boolean;
  verify?: boolean;
  school?: string;
  section?: string;
  teacher?: string;
  acceptShrink?: boolean;
  json?: boolean;
}

export const pipelineBodies: Record<PipelineName, PipelineBody> = {
  grades: gradePassback,
  roster: rosterProvisioning,
};

/** How long a CLI run waits for a run of the same pipeline (e.g. by `serve`) to finish. */
const lockWait = { timeoutMs: 60 * 60_000, pollMs: 2_000 };

export async function runCommand(pipeline: PipelineName, options: RunCommandOptions, io: CommandIo): Promise<number> {
  const scopes = [options.school, options.section, options.teacher].filter((s) => s !== undefined);
  if (scopes.length > 1) throw new ConfigError('usage: give at most one of --school, --section, --teacher', { code: 'USAGE' });
  if (scopes.length === 1 && !options.full) throw new ConfigError('usage: --school, --section and --teacher scope a full run: add --full', { code: 'USAGE' });
  if (options.acceptShrink && !options.full) throw new ConfigError('usage: --accept-shrink is for full runs: add --full', { code: 'USAGE' });
  const { config } = loadCommandConfig(options, io);
  const section = pipeline === 'grades' ? config.gradePassback : config.rosterProvisioning;
  if (!section) throw new ConfigError(`config error: ${pipeline === 'grades' ? 'gradePassback' : 'rosterProvisioning'}: required`);

  const logger = commandLogger(io);
  const store = await openStore(config.store);
  const abort = new AbortController();
  const stop = () => abort.abort(runStoppedError());
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const progress = io.stderr.isTTY && io.stdout.isTTY ? new SingleBar({ format: ' {stage} [{bar}] {value}/{total}', stream: io.stderr }, Presets.shades_classic) : null;
  let progressStage = '';
  try {
    const ctx: PipelineContext = {
      config,
      store,
      logger,
      now: io.now,
      signal: abort.signal,
      ...(progress
        ? {
            onProgress: ({ stage, done, total }) => {
              if (stage !== progressStage) {
                progress.stop();
                progress.start(total, done, { stage });
                progressStage = stage;
              } else progress.update(done);
            },
          }
        : {}),
    };
    const request: RunRequest = {
      trigger: 'cli',
      dryRun: options.dryRun === true,
      full: pipeline === 'roster' ? true : options.full === true,
      scope: scopes.length ? { ...(options.school ? { school: options.school } : {}), ...(options.section ? { section: options.section } : {}), ...(options.teacher ? { teacher: options.teacher } : {}) } : null,
      acceptShrink: options.acceptShrink === true,
      verify: options.verify === true,
    };
    const summary = await runPipeline(ctx, pipeline, pipelineBodies[pipeline], request, { waitForLock: lockWait });
    progress?.stop();
    printSummary(summary, options.json === true, io);
    await sendRunNotice(config, summary, { store, logger, now: io.now });
    return exitCodeFor(summary.status);
  } finally {
    progress?.stop();
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await store.close();
  }
}

function printSummary(summary: RunSummary, json: boolean, io: CommandIo): void {
  if (json) writeLine(io.stdout, JSON.stringify(summary));
  else writeLine(io.stdout, formatRunSummary(summary));
}
