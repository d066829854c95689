/**
 * The grade a row carries: its parsed number (or why there is none) and, when letter grades are on,
 * its letter. A letter is never derived from the number; an empty letter sends the number alone.
 */
import { parseGrade, type GradeFormat } from './parse-grade.ts';

export interface RowGrade {
  kind: 'score' | 'empty' | 'invalid';
  /** The rounded score, for kind `score`. */
  score: number | null;
  /** The trimmed letter when letter grades are on and the cell is not empty; otherwise null. */
  letter: string | null;
  /** The trimmed grade cell, as the admin typed it (for messages and for comparing non-numbers). */
  text: string;
  /** Why the grade is invalid, for kind `invalid`. */
  message: string | null;
}

export interface RowGradeOptions extends GradeFormat {
  letterGrades: boolean;
}

export function readRowGrade(grade: string, letterGrade: string | undefined, options: RowGradeOptions): RowGrade {
  const letter = options.letterGrades ? letterGrade?.trim() || null : null;
  const text = grade.trim();
  const parsed = parseGrade(grade, options);
  switch (parsed.kind) {
    case 'score':
      return { kind: 'score', score: parsed.score, letter, text, message: null };
    case 'empty':
      return { kind: 'empty', score: null, letter, text, message: null };
    case 'invalid':
      return { kind: 'invalid', score: null, letter, text, message: parsed.message };
  }
}

/**
 * Whether two rows for one target say the same thing: numbers compare by their rounded value (the
 * value that would be posted, so "95" equals "95.00" and "95 %"), anything else by its text; the
 * letters too (letter is null when letter grades are off, so they then never differ).
 */
export function sameGrade(a: RowGrade, b: RowGrade): boolean {
  if (a.kind !== b.kind || a.letter !== b.letter) return false;
  return a.kind === 'score' ? a.score === b.score : a.text === b.text;
}

/** The grade as shown in a message: `92.5`, `92.5 / A-`, `"EX"`, `empty`. */
export function describeGrade(grade: RowGrade): string {
  const value = grade.kind === 'score' ? String(grade.score) : grade.kind === 'empty' ? 'empty' : `"${grade.text}"`;
  return grade.letter === null ? value : `${value} / ${grade.letter}`;
}
