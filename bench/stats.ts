/** Medians, the machine a run was measured on, and the results table every benchmark adds rows to. */
import os from 'node:os';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews wall times. */
  loadAverage: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

/** One line of the results table. `pass` is null for figures without a target. */
export interface ResultRow {
  area: string;
  measure: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

export function markdownTable(rows: readonly ResultRow[]): string {
  const lines = ['| area | measure | target | measured (median) | result |', '|---|---|---|---|---|'];
  for (const row of rows) {
    const verdict = row.pass === null ? '' : row.pass ? 'pass' : '**FAIL**';
    lines.push(`| ${row.area} | ${row.measure} | ${row.target} | ${row.measured} | ${verdict} |`);
  }
  return lines.join('\n');
}

export const fmt = {
  ratio: (n: number): string => n.toFixed(2),
  mib: (n: number): string => `${Math.round(n)} MiB`,
  perSecond: (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`,
  seconds: (ms: number): string => `${(ms / 1000).toFixed(1)} s`,
};

/** "1M", "100k": row counts as people say them. */
export function rowsLabel(rows: number): string {
  if (rows >= 1_000_000 && rows % 1_000_000 === 0) return `${rows / 1_000_000}M`;
  if (rows >= 1000 && rows % 1000 === 0) return `${rows / 1000}k`;
  return String(rows);
}

/** Runs `main` when the module is the script node was started with (each bench can run alone). */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && new URL(moduleUrl).pathname === script;
}
