/**
 * Runs the real `gradebridge` bin in a child process, asynchronously (the sandboxes it talks to run
 * inside the test process, so a blocking spawn would starve them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export const gradebridgeBin = path.resolve(import.meta.dirname, '../../bin/gradebridge.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export function startCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): CliRun {
  const child = spawn(process.execPath, [gradebridgeBin, ...args], {
    cwd: options.cwd ?? os.tmpdir(),
    env: { PATH: process.env['PATH'] ?? '', HOME: os.tmpdir(), GRADEBRIDGE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The `--json` summary a run printed on stdout (its last line). */
export function jsonSummary(result: CliResult): Record<string, unknown> & { counts: Record<string, unknown> } {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  if (!last) throw new Error(`no JSON summary on stdout; stderr:\n${result.stderr}`);
  return JSON.parse(last) as Record<string, unknown> & { counts: Record<string, unknown> };
}
