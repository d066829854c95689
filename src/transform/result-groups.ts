/**
 * One planned result per (line item, student) (design step 6). Rows reaching the same result with
 * the same score (and letter, when letter grades are on) post it once: each such row's outcome is
 * `planned` and points to the one result. Different values post nothing: every such outcome is
 * `duplicate-conflict`. On a scheduled run a result equal to what the ledger says was last posted
 * is `unchanged` (for every row pointing to it) and not planned; a full run plans it anyway.
 */
import type { PlannedResult } from '../types.ts';
import type { RowOutcome } from './plan-grade-passback.ts';

/** An outcome on its way to a result: line item, student and value are set. */
export interface ReachingOutcome extends RowOutcome {
  lineItemSourcedId: string;
  classSourcedId: string;
  studentSourcedId: string;
  resultSourcedId: string;
  score: number;
}

/** Rows reaching one result; a result reached by one row without a comment is kept as that row's outcome alone. */
class ResultGroup {
  others: ReachingOutcome[] | null = null;
  conflict = false;

  constructor(
    readonly first: ReachingOutcome,
    readonly comment: string | null,
  ) {}
}

export interface LedgerLookup {
  ledgerFor(resultSourcedId: string): { score: number; letter: string | null } | undefined;
  letterGrades: boolean;
  full: boolean;
}

export class ResultGroups {
  // Most results are reached by one row: those are stored as the outcome itself, which saves an
  // object per result on a million-row export.
  private readonly groups = new Map<string, ReachingOutcome | ResultGroup>();

  /** Adds an outcome that would post; `comment` is kept from the first row only. */
  add(outcome: ReachingOutcome, comment: string | null): void {
    const found = this.groups.get(outcome.resultSourcedId);
    if (found === undefined) {
      this.groups.set(outcome.resultSourcedId, comment === null ? outcome : new ResultGroup(outcome, comment));
      return;
    }
    let group = found;
    if (!(group instanceof ResultGroup)) {
      group = new ResultGroup(group, null);
      this.groups.set(outcome.resultSourcedId, group);
    }
    (group.others ??= []).push(outcome);
    if (outcome.score !== group.first.score || outcome.letter !== group.first.letter) group.conflict = true;
  }

  /** Decides every group: sets the outcomes and returns the results to send, in first-seen order. */
  decide(ledger: LedgerLookup): PlannedResult[] {
    const planned: PlannedResult[] = [];
    for (const entry of this.groups.values()) {
      const group = entry instanceof ResultGroup ? entry : null;
      const first = entry instanceof ResultGroup ? entry.first : entry;
      if (group?.conflict) {
        const members = [group.first, ...(group.others ?? [])];
        const message = `different grades for the same line item and student: ${listValues(members)}`;
        for (const member of members) setOutcome(member, 'duplicate-conflict', message);
        continue;
      }
      const unchanged = !ledger.full && equalsLedger(first, ledger);
      setOutcome(first, unchanged ? 'unchanged' : 'planned', unchanged ? 'equal to what was last posted' : null);
      for (const other of group?.others ?? []) {
        const note = `same grade as line ${first.line}`;
        setOutcome(other, unchanged ? 'unchanged' : 'planned', unchanged ? `${note}; equal to what was last posted` : `${note}; posted once`);
      }
      if (!unchanged) planned.push(toPlannedResult(first, group?.comment ?? null));
    }
    return planned;
  }
}

function equalsLedger(outcome: ReachingOutcome, ledger: LedgerLookup): boolean {
  const last = ledger.ledgerFor(outcome.resultSourcedId);
  if (!last) return false;
  return last.score === outcome.score && (!ledger.letterGrades || last.letter === outcome.letter);
}

function toPlannedResult(outcome: ReachingOutcome, comment: string | null): PlannedResult {
  return {
    resultSourcedId: outcome.resultSourcedId,
    lineItemSourcedId: outcome.lineItemSourcedId,
    classSourcedId: outcome.classSourcedId,
    studentSourcedId: outcome.studentSourcedId,
    score: outcome.score,
    letter: outcome.letter,
    comment,
  };
}

function setOutcome(outcome: RowOutcome, value: RowOutcome['outcome'], message: string | null): void {
  outcome.outcome = value;
  outcome.message = message;
}

const listedLines = 5;

function listValues(members: readonly ReachingOutcome[]): string {
  const shown = members
    .slice(0, listedLines)
    .map((m) => `line ${m.line} (${m.letter === null ? m.score : `${m.score} / ${m.letter}`})`);
  const more = members.length - listedLines;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
