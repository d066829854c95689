/**
 * The `gradebridge` command (a contract: see the design's "Command line"). Exit codes: 0 succeeded,
 * 3 partial, 1 failed, 2 bad usage or bad config. stdout carries only the command's output; logs go
 * to stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, GradebridgeError, errorMessage } from './errors.ts';
import { clockFromEnv, processIo, writeLine, type CommandIo } from './commands/command-io.ts';
import type { RunCommandOptions } from './commands/run.ts';

// Commands load their modules when invoked, so `--help` and usage errors answer at once.
const commands = {
  run: () => import('./commands/run.ts'),
  runs: () => import('./commands/runs.ts'),
  serve: () => import('./commands/serve.ts'),
  check: () => import('./commands/check.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
  demo: () => import('./commands/demo.ts'),
};

export const exitCodes = { succeeded: 0, failed: 1, usage: 2, partial: 3 } as const;

function buildProgram(io: CommandIo, setExit: (code: number) => void): Command {
  const program = new Command('gradebridge')
    .description('Final grades from Schoology into Infinite Campus, rosters from Infinite Campus into Schoology.')
    .option('--config <path>', 'config file (default ./gradebridge.yaml, or GRADEBRIDGE_CONFIG)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const global = (cmd: Command) => cmd.optsWithGlobals<{ config?: string }>();

  const run = program.command('run').description('run a pipeline once now');
  run
    .command('grades')
    .description('grade passback: Schoology auto-export -> Infinite Campus')
    .option('--full', 'send every grade, not only those that changed since the last successful post')
    .option('--dry-run', 'plan only: read and map everything, send nothing')
    .option('--verify', 'read back every posted result from IC (default: a sample)')
    .option('--school <id>', 'full run for one school (IC school sourcedId)')
    .option('--section <code>', 'full run for one section (section school code)')
    .option('--teacher <email>', "full run for one teacher's sections")
    .option('--accept-shrink', 'full run: accept an export smaller than the shrink guard allows')
    .option('--json', 'print one JSON summary object')
    .action(async (options: RunCommandOptions, cmd: Command) => setExit(await (await commands.run()).runCommand('grades', { ...global(cmd), ...options }, io)));
  run
    .command('roster')
    .description('roster provisioning: Infinite Campus OneRoster -> Schoology (and the mappings grade passback uses)')
    .option('--dry-run', 'read IC and Schoology, write nothing, print the plan')
    .option('--json', 'print one JSON summary object')
    .action(async (options: RunCommandOptions, cmd: Command) => setExit(await (await commands.run()).runCommand('roster', { ...global(cmd), ...options }, io)));

  const runs = program
    .command('runs')
    .description('list recent runs')
    .addOption(new Option('--limit <n>', 'how many').default('20'))
    .option('--json', 'print JSON')
    .action(async (options: { limit?: string; json?: boolean }, cmd: Command) => setExit(await (await commands.runs()).listRunsCommand({ ...global(cmd), ...options }, io)));
  runs
    .command('show <runId>')
    .description('one run with its counts')
    .option('--json', 'print the JSON summary')
    .action(async (runId: string, options: { json?: boolean }, cmd: Command) => setExit(await (await commands.runs()).showRunCommand(runId, { ...global(cmd), ...options }, io)));

  program
    .command('serve')
    .description('the status page and the daily scheduler, until stopped')
    .action(async (_options: object, cmd: Command) => setExit(await (await commands.serve()).serveCommand(global(cmd), io)));
  program
    .command('check')
    .description('validate the config and test SFTP, Infinite Campus, Schoology and SMTP; show the credential expiry')
    .action(async (_options: object, cmd: Command) => setExit(await (await commands.check()).checkCommand(global(cmd), io)));
  program
    .command('sandbox')
    .description('only the stand-in servers (IC, Schoology, SFTP, SMTP) on the fixture district, for trying the real client')
    .option('--port <n>', 'first port: IC on N, Schoology N+1, SFTP N+2, SMTP N+3 (default: free ports)')
    .action(async (options: { port?: string }) => setExit(await (await commands.sandbox()).sandboxCommand(options, io)));
  program
    .command('demo')
    .description('sandboxes, both pipelines once and the status page, on the fixture district; no accounts needed')
    .option('--port <n>', 'status page port (default 8080)')
    .option('--once', 'run both pipelines, print, and exit with their combined exit code')
    .action(async (options: { port?: string; once?: boolean }) => setExit(await (await commands.demo()).demoCommand(options, io)));

  return program;
}

/** Runs the command line and returns the exit code (the bin sets process.exitCode from it). */
export async function main(argv: readonly string[], baseIo: CommandIo = processIo): Promise<number> {
  let exitCode = 0;
  try {
    const io = baseIo.env['GRADEBRIDGE_NOW'] ? { ...baseIo, now: clockFromEnv(baseIo.env) } : baseIo;
    const program = buildProgram(io, (code) => {
      exitCode = code;
    });
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : exitCodes.usage;
    }
    if (error instanceof ConfigError || (error instanceof GradebridgeError && error.code === 'USAGE')) {
      writeLine(baseIo.stderr, errorMessage(error));
      return exitCodes.usage;
    }
    writeLine(baseIo.stderr, `gradebridge: ${errorMessage(error)}`);
    return exitCodes.failed;
  }
}
