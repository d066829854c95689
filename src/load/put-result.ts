/**
 * PUT one final grade (README "Grade passback pipeline" step 7). A refused grade is an outcome of
 * its row, not an error: any 2xx is `posted`; a 4xx mentioning the grading window is
 * `window-closed`; any other 4xx, or retries exhausted, is `failed` with IC's message. Only
 * rejected credentials (401 twice, 403) throw, because they stop the whole run.
 */
import type { PlannedResult } from '../types.ts';
import type { IcConnection } from './ic-connection.ts';
import { icMessage, mentionsGradingWindow } from './ic-errors.ts';
import { icPath } from './ic-urls.ts';
import { buildResultBody } from './result-body.ts';

export type PutResultOutcome =
  | { kind: 'posted'; status: number }
  | { kind: 'window-closed'; status: number; message: string }
  /** `status` 0: IC never answered (network errors on every attempt). */
  | { kind: 'failed'; status: number; message: string };

export interface PutResultOptions {
  letterGrades: boolean;
  /** YYYY-MM-DD */
  scoreDate: string;
  now: Date;
}

export async function putResult(connection: IcConnection, result: PlannedResult, options: PutResultOptions): Promise<PutResultOutcome> {
  const answer = await connection.call({
    service: 'gradebook',
    method: 'PUT',
    path: icPath`/results/${result.resultSourcedId}`,
    body: buildResultBody(result, { mode: connection.mode, ...options }),
  });
  if (answer.kind === 'exhausted') {
    if (answer.status !== undefined) {
      const detail = answer.text ? `; last answer: ${icMessage(answer.status, answer.text, connection.scrub)}` : '';
      return { kind: 'failed', status: answer.status, message: `IC answered ${answer.status} on all ${answer.attempts} attempts${detail}` };
    }
    return { kind: 'failed', status: 0, message: `IC could not be reached on all ${answer.attempts} attempts (${answer.errorCode})` };
  }
  if (answer.status >= 200 && answer.status < 300) return { kind: 'posted', status: answer.status };
  const message = icMessage(answer.status, answer.text, connection.scrub);
  if (answer.status >= 400 && answer.status < 500 && mentionsGradingWindow(message)) {
    return { kind: 'window-closed', status: answer.status, message };
  }
  return { kind: 'failed', status: answer.status, message };
}
