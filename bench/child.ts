/**
 * Each measurement runs in a fresh Node process, so its peak RSS is its own and no JIT state or
 * garbage carries over. The parent sends one input message; the child answers one result and exits.
 * Long-lived helpers (the sandboxes) answer once when ready and stay until told to close.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { bundle } from '../bin/build.ts';

const Answer = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.string() }),
]);

export const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** Extra Node flags for every measurement child, e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
const extraNodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== '');

/**
 * The child scripts, bundled as the CLI is (bin/build.ts): measured through tsx, every process would
 * carry its loader thread and compiled sources, about 30 MiB that gradebridge as installed does not.
 * Built once per bench process, into a folder of its own.
 */
let bundled: Promise<string> | undefined;

function bundleChildren(): Promise<string> {
  bundled ??= (async () => {
    const outdir = fileURLToPath(new URL(`../dist/bench-${process.pid}/`, import.meta.url));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    const processes = path.join(benchDir, 'processes');
    const scripts = readdirSync(processes).filter((name) => name.endsWith('.ts') && name !== 'heap-as-cli.ts');
    await bundle(scripts.map((name) => path.join(processes, name)), outdir, benchDir);
    return outdir;
  })();
  return bundled;
}

async function start(script: string, input: unknown): Promise<ChildProcess> {
  const outdir = await bundleChildren();
  const child = fork(path.join(outdir, script.replace(/\.ts$/, '.js')), [], {
    execArgv: extraNodeArgs,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  child.send(input as object);
  return child;
}

async function firstAnswer<T>(child: ChildProcess, schema: z.ZodType<T>, script: string, timeoutMs: number): Promise<T> {
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const answered = once(child, 'message').then(([message]: unknown[]) => Answer.parse(message));
    const exited = once(child, 'exit').then(
      ([code, signal]: unknown[]) => ({ ok: false as const, error: `exited (${String(signal ?? code)}) before answering${signal === 'SIGKILL' ? `: over ${timeoutMs} ms` : ''}` }),
    );
    const answer = await Promise.race([answered, exited]);
    if (!answer.ok) throw new Error(`${script}: ${answer.error}`);
    return schema.parse(answer.value);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `script` (relative to bench/) in a fresh process with `input`; its answer is checked by `schema`. */
export async function runInChild<T>(script: string, input: unknown, schema: z.ZodType<T>, timeoutMs = 300_000): Promise<T> {
  const child = await start(script, input);
  try {
    return await firstAnswer(child, schema, script, timeoutMs);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    }
  }
}

export interface ChildService<T> {
  value: T;
  close(): Promise<void>;
}

/** Starts a long-lived child (`serveUntilClosed` on its side) and waits for what it reports when ready. */
export async function startChildService<T>(script: string, input: unknown, schema: z.ZodType<T>, timeoutMs = 300_000): Promise<ChildService<T>> {
  const child = await start(script, input);
  const value = await firstAnswer(child, schema, script, timeoutMs);
  return {
    value,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

function reply(message: z.input<typeof Answer>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('a bench child must be started by runInChild'));
      return;
    }
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The child side of runInChild: parses the input, answers the handler's result, exits. */
export function answerOnce<I, O>(inputSchema: z.ZodType<I>, handler: (input: I) => Promise<O>): void {
  process.once('message', (message: unknown) => {
    void (async () => {
      try {
        await reply({ ok: true, value: await handler(inputSchema.parse(message)) });
        process.exit(0);
      } catch (error) {
        await reply({ ok: false, error: describe(error) }).catch(() => undefined);
        process.exit(1);
      }
    })();
  });
}

/** The child side of startChildService: answers once ready, closes when the parent disconnects. */
export function serveUntilClosed<I, O>(inputSchema: z.ZodType<I>, handler: (input: I) => Promise<{ value: O; close(): Promise<void> }>): void {
  process.once('message', (message: unknown) => {
    void (async () => {
      try {
        const service = await handler(inputSchema.parse(message));
        process.once('disconnect', () => {
          void service.close().finally(() => process.exit(0));
        });
        await reply({ ok: true, value: service.value });
      } catch (error) {
        await reply({ ok: false, error: describe(error) }).catch(() => undefined);
        process.exit(1);
      }
    })();
  });
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
