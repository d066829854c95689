/**
 * `POST /gradingperiods`: one grading period. Titles are unique across the district, so a taken
 * title is refused (SCHOOLOGY_REQUEST_REJECTED); not repeated after a 5xx or timeout.
 */
import type { SchoologyHttp } from './http.ts';
import { GradingPeriod, NewGradingPeriod } from './schemas.ts';

export function createGradingPeriod(api: SchoologyHttp, period: NewGradingPeriod): Promise<GradingPeriod> {
  return api.json({ method: 'POST', url: api.url('/gradingperiods'), body: NewGradingPeriod.parse(period), idempotent: false }, GradingPeriod);
}
