/** Counts of a plan's outcomes, the way a run summary reports them (one per outcome). */
import type { GradeOutcome, GradeSkipReason } from '../types.ts';

export interface OutcomeCounts {
  /** Outcomes of results that would be (dry run) or were attempted: `planned`, `posted`, `failed`. */
  planned: number;
  unchanged: number;
  /** Only the reasons that occurred. */
  skipped: Partial<Record<GradeSkipReason, number>>;
}

/** Posted and failed outcomes count as planned here; the load step counts them apart as well. */
export function countOutcomes(outcomes: Iterable<{ outcome: GradeOutcome }>): OutcomeCounts {
  const counts: OutcomeCounts = { planned: 0, unchanged: 0, skipped: {} };
  for (const { outcome } of outcomes) addOutcome(counts, outcome);
  return counts;
}

/** Counts one more outcome (for outcomes counted as they stream by). */
export function addOutcome(counts: OutcomeCounts, outcome: GradeOutcome, times = 1): void {
  if (outcome === 'planned' || outcome === 'posted' || outcome === 'failed') counts.planned += times;
  else if (outcome === 'unchanged') counts.unchanged += times;
  else counts.skipped[outcome] = (counts.skipped[outcome] ?? 0) + times;
}
