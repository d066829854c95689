/**
 * The run's account of what happened to every object: counts per kind (the run summary) and one
 * row outcome per action, skip and failure, with its sync type and school so the admin can filter.
 * Objects found unchanged are counted, not logged one by one (a daily run would log the whole district).
 * Removals (enrollments and parent links gradebridge made and IC dropped) are logged as `removed`
 * and counted as `updated` of their kind, which is what the run summary offers.
 */
import type { RosterCounts, RosterKind, RosterKindCounts } from '../../pipelines/run-summary.ts';
import type { NewRowOutcome } from '../store/row-outcomes.ts';
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { syncTypeOf, type RosterWriteOutcome } from './roster-types.ts';

export const rosterKinds: readonly RosterKind[] = ['buildings', 'gradingPeriods', 'users', 'courses', 'sections', 'enrollments'];

export function emptyRosterCounts(): RosterCounts {
  const counts = {} as RosterCounts;
  for (const kind of rosterKinds) counts[kind] = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, skippedBy: {} };
  return counts;
}

export class RosterRunLog {
  readonly counts: RosterCounts = emptyRosterCounts();
  #rows: NewRowOutcome[] = [];

  unchanged(kind: RosterKind, n: number): void {
    this.counts[kind].unchanged += n;
  }

  skipped(kind: RosterKind, skips: readonly PlannedSkip[]): void {
    const counts = this.counts[kind];
    for (const s of skips) {
      counts.skipped += 1;
      counts.skippedBy[s.reason] = (counts.skippedBy[s.reason] ?? 0) + 1;
      this.#rows.push(this.#row(kind, s.key, s.school, s.section, s.reason, s.message));
    }
  }

  /** A write's outcome; `message` is Schoology's for a failure, or a note. */
  wrote(kind: RosterKind, write: PlannedWrite<unknown>, outcome: RosterWriteOutcome, message: string | null = null): void {
    const counts: RosterKindCounts = this.counts[kind];
    if (outcome === 'created') counts.created += 1;
    else if (outcome === 'updated' || outcome === 'removed') counts.updated += 1;
    else if (outcome === 'failed') counts.failed += 1;
    else counts.unchanged += 1;
    const note = message ?? (write.changes.length ? `changed: ${write.changes.join(', ')}` : null);
    this.#rows.push(this.#row(kind, write.key, write.school, write.section, outcome, note));
  }

  /** The rows logged since the last call (they are stored as the run goes). */
  takeRows(): NewRowOutcome[] {
    const rows = this.#rows;
    this.#rows = [];
    return rows;
  }

  get failed(): number {
    return rosterKinds.reduce((n, kind) => n + this.counts[kind].failed, 0);
  }

  #row(kind: RosterKind, key: string, school: string | null, section: string | null, outcome: string, message: string | null): NewRowOutcome {
    return { sync_type: syncTypeOf[kind], school, section, object_key: key, outcome, message };
  }
}
