/**
 * Rows for the same target: same section school code, student ID and grading period (the period
 * case-insensitive). When their grades differ (see `sameGrade`), every one of them is
 * `duplicate-conflict` and nothing is posted for them; when they agree they go on, and the
 * (line item, student) grouping posts their grade once.
 *
 * Only rows that passed scope, mapping and opt-in take part: a row skipped before has no grade to
 * compare. Memory: one small-integer-keyed map entry per row while the export is read (dropped after),
 * and a group only where a duplicate exists.
 */
import { IndexTripleMap } from './compact-columns.ts';
import { listedRows, listRows } from './list-rows.ts';
import { describeGrade, sameGrade, type RowGrade } from './row-grade.ts';

export class DuplicateGroup {
  /** The first few members, for the message. */
  readonly listed: DuplicateMember[];
  count = 2;
  conflict: boolean;

  constructor(first: DuplicateMember, second: DuplicateMember) {
    this.listed = [first, second];
    this.conflict = !sameGrade(first.grade, second.grade);
  }

  add(member: DuplicateMember): void {
    this.count += 1;
    if (this.listed.length < listedRows) this.listed.push(member);
    if (!sameGrade(this.listed[0]!.grade, member.grade)) this.conflict = true;
  }

  conflictMessage(): string {
    const shown = this.listed.map((m) => `line ${m.line} (${describeGrade(m.grade)})`);
    return `different grades for the same section, student and period: ${listRows(shown, this.count)}`;
  }
}

/** A row as duplicate detection sees it: where it is and what it says. */
export interface DuplicateMember {
  line: number;
  grade: RowGrade;
}

export class DuplicateRows {
  /** (section, period key, student) -> the first row, or -(group + 1) once a duplicate appeared. */
  readonly #targets = new IndexTripleMap();
  readonly groups: DuplicateGroup[] = [];

  /** `memberAt(row)`: a row already in the plan, as the group's message shows it. */
  constructor(private readonly memberAt: (row: number) => DuplicateMember) {}

  /**
   * `section`, `student` and `periodKey` are indices of the section code, the student ID and the
   * grading period in lower case. Returns the group the row joined, and the row that was first for
   * the target when this row made the group (so it is put in the group too); null for a first row.
   */
  /** Done adding: the table of targets (32 MB at a million rows) is given back; the groups stay. */
  release(): void {
    this.#targets.release();
  }

  add(section: number, student: number, periodKey: number, row: number): { group: number; firstRow: number | null } | null {
    const existing = this.#targets.getOrAdd(section, periodKey, student, row);
    if (existing === undefined) return null;
    if (existing < 0) {
      const group = -existing - 1;
      this.groups[group]?.add(this.memberAt(row));
      return { group, firstRow: null };
    }
    const group = this.groups.length;
    this.groups.push(new DuplicateGroup(this.memberAt(existing), this.memberAt(row)));
    this.#targets.set(section, periodKey, student, -group - 1);
    return { group, firstRow: existing };
  }
}
