/** `GET /gradingperiods`: every grading period of the district. */
import type { SchoologyHttp } from './http.ts';
import { listAll } from './paging.ts';
import { GradingPeriod } from './schemas.ts';

export function listGradingPeriods(api: SchoologyHttp): Promise<GradingPeriod[]> {
  return listAll(api, '/gradingperiods', {}, 'gradingperiods', GradingPeriod);
}
