/**
 * The summary every run ends with: stored on the run, printed by `--json` (a contract, see the design's
 * "Command line"), used by notices and the status page.
 */
import type { PipelineName, RunStatus } from '../src/types.ts';

export interface GradeCounts {
  rows: number;
  planned: number;
  posted: number;
  unchanged: number;
  failed: number;
  skipped: Record<string, number>;
}

export interface RosterKindCounts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  skippedBy: Record<string, number>;
}

export type RosterKind = 'buildings' | 'gradingPeriods' | 'users' | 'courses' | 'sections' | 'enrollments';
export type RosterCounts = Record<RosterKind, RosterKindCounts>;

export interface RunSummary {
  runId: string;
  pipeline: PipelineName;
  status: RunStatus;
  dryRun: boolean;
  full: boolean;
  sourceFile: string | null;
  counts: GradeCounts | RosterCounts | Record<string, never>;
  durationMs: number;
  error?: { code: string; message: string };
  /** Grades: posted results read back from IC (a sample, or all with --verify) and how many differ. */
  verification?: { checked: number; mismatched: number };
}

/** Exit codes (a contract): 0 succeeded, 3 partial, 1 failed; 2 is for usage/config errors before a run. */
export function exitCodeFor(status: RunStatus): number {
  if (status === 'succeeded') return 0;
  if (status === 'partial') return 3;
  return 1;
}
