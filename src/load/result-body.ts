/**
 * The body of `PUT results/{sourcedId}` per connection mode (infinite-campus-api.md "Writing a
 * final grade"). Pure: same input, same body.
 *
 * - 1.2 sends `scoreStatus: "fully graded"`; 1.1 and legacy omit it for final grades.
 * - With letter grades on and a letter present, the letter goes in `textScore` and in
 *   `metadata.ext_infiniteCampus_scoreGrade`; the percent always goes in `score`.
 * - 1.1 and legacy want the student's role-prefixed ID (`s+123456`).
 */
import type { PlannedResult } from '../types.ts';
import type { IcApiMode } from './ic-urls.ts';
import { toIcStudentId } from './user-ids.ts';

export interface ResultBodyOptions {
  mode: IcApiMode;
  letterGrades: boolean;
  /** YYYY-MM-DD */
  scoreDate: string;
  now: Date;
}

export interface ResultBody {
  result: {
    sourcedId: string;
    status: 'active';
    dateLastModified: string;
    lineItem: { sourcedId: string; type: 'lineItem' };
    student: { sourcedId: string; type: 'user' };
    class: { sourcedId: string; type: 'class' };
    scoreStatus?: 'fully graded';
    score: number;
    scoreDate: string;
    textScore?: string;
    comment?: string;
    metadata?: { ext_infiniteCampus_scoreGrade: string };
  };
}

export function buildResultBody(result: PlannedResult, options: ResultBodyOptions): ResultBody {
  const letter = options.letterGrades && result.letter ? result.letter : undefined;
  return {
    result: {
      sourcedId: result.resultSourcedId,
      status: 'active',
      dateLastModified: options.now.toISOString(),
      lineItem: { sourcedId: result.lineItemSourcedId, type: 'lineItem' },
      student: { sourcedId: toIcStudentId(result.studentSourcedId, options.mode), type: 'user' },
      class: { sourcedId: result.classSourcedId, type: 'class' },
      ...(options.mode === 'oneroster-1.2' ? { scoreStatus: 'fully graded' as const } : {}),
      score: result.score,
      scoreDate: options.scoreDate,
      ...(letter !== undefined ? { textScore: letter, metadata: { ext_infiniteCampus_scoreGrade: letter } } : {}),
      ...(result.comment ? { comment: result.comment } : {}),
    },
  };
}
