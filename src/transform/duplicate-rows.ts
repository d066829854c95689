/**
 * Rows for the same target: same section school code, student ID and grading period (the period
 * case-insensitive). When their grades differ (see `sameGrade`), every one of them is
 * `duplicate-conflict` and nothing is posted for them; when they agree they go on, and the
 * (line item, student) grouping posts their grade once.
 *
 * Only rows that passed scope, mapping and opt-in take part: a row skipped before has no grade to
 * compare. Memory: one map entry per row (keyed by the row's own strings, so no key is built per row),
 * and a group object only where a duplicate exists.
 */
import { describeGrade, sameGrade, type RowGrade } from './row-grade.ts';

export interface DuplicateCandidate {
  line: number;
  grade: RowGrade;
  /** Set once a second row for the same target appears. */
  duplicates: DuplicateGroup | null;
}

export class DuplicateGroup {
  readonly members: DuplicateCandidate[];
  conflict: boolean;

  constructor(first: DuplicateCandidate, second: DuplicateCandidate) {
    this.members = [first, second];
    this.conflict = !sameGrade(first.grade, second.grade);
  }

  add(member: DuplicateCandidate): void {
    this.members.push(member);
    if (!sameGrade(this.members[0]!.grade, member.grade)) this.conflict = true;
  }

  conflictMessage(): string {
    return `different grades for the same section, student and period: ${listLines(this.members)}`;
  }
}

type Entry = DuplicateCandidate | DuplicateGroup;

export class DuplicateRows {
  /** Section, then student, then the period in lower case. */
  private readonly bySection = new Map<string, Map<string, Map<string, Entry>>>();

  /** `periodKey` is the grading period in lower case, so "Q1" and "q1" are one target. */
  add(sectionSchoolCode: string, studentId: string, periodKey: string, candidate: DuplicateCandidate): void {
    let byStudent = this.bySection.get(sectionSchoolCode);
    if (!byStudent) {
      byStudent = new Map();
      this.bySection.set(sectionSchoolCode, byStudent);
    }
    let byPeriod = byStudent.get(studentId);
    if (!byPeriod) {
      byPeriod = new Map();
      byStudent.set(studentId, byPeriod);
    }
    const existing = byPeriod.get(periodKey);
    if (existing === undefined) {
      byPeriod.set(periodKey, candidate);
    } else if (existing instanceof DuplicateGroup) {
      existing.add(candidate);
      candidate.duplicates = existing;
    } else {
      const group = new DuplicateGroup(existing, candidate);
      existing.duplicates = group;
      candidate.duplicates = group;
      byPeriod.set(periodKey, group);
    }
  }
}

const listedLines = 5;

/** `line 3 (95), line 7 ("EX")`, at most a few lines then `and N more`. */
function listLines(members: readonly { line: number; grade: RowGrade }[]): string {
  const shown = members.slice(0, listedLines).map((m) => `line ${m.line} (${describeGrade(m.grade)})`);
  const more = members.length - listedLines;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
