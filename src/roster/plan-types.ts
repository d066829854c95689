/**
 * The shape every provisioning plan has, per kind: the writes to make, what is already right, and
 * what is skipped with its reason. References to objects created earlier in the same run are
 * symbolic (`{ planned: key }`) so the plan stays pure and a dry run counts exactly what a real
 * run would write; apply resolves them to Schoology IDs as it goes.
 */
import type { RosterSkipReason, SchoologyRef } from './roster-types.ts';

export type WriteAction = 'create' | 'update' | 'remove';

export interface PlannedWrite<T> {
  action: WriteAction;
  /** The object's key in the run log: building code, period title, school_uid, course code, section school code... */
  key: string;
  /** The Schoology ID of the object an update changes. */
  existingId: string | null;
  fields: T;
  /** IC school sourcedId, for the log's school filter. */
  school: string | null;
  /** Section school code, when the object belongs to one. */
  section: string | null;
  /** What differs from Schoology (updates), for the log. */
  changes: string[];
}

export interface PlannedSkip {
  key: string;
  reason: RosterSkipReason;
  school: string | null;
  section: string | null;
  message: string | null;
}

export interface KindPlan<T> {
  writes: PlannedWrite<T>[];
  /** Objects equal to what Schoology holds: counted, not sent. */
  unchanged: number;
  skipped: PlannedSkip[];
}

export function emptyKindPlan<T>(): KindPlan<T> {
  return { writes: [], unchanged: 0, skipped: [] };
}

/** True when `ref` points at the existing Schoology object `id`. */
export function refIs(ref: SchoologyRef | null, id: string | null): boolean {
  return ref !== null && id !== null && 'id' in ref && ref.id === id;
}

export function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** Compares strings in code-unit order, for a plan that is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
