/** Reads back one posted result, for reconciliation; null when IC has none under that ID. */
import type { IcConnection } from './ic-connection.ts';
import { readObject } from './ic-read.ts';
import { IcResult } from './ic-schemas.ts';
import { icPath } from './ic-urls.ts';

export interface PostedResult {
  score?: number;
  /** `textScore`, else IC's `metadata.ext_infiniteCampus_scoreGrade`. */
  textScore?: string;
}

export async function readResult(connection: IcConnection, resultSourcedId: string): Promise<PostedResult | null> {
  const result = await readObject(connection, 'gradebook', icPath`/results/${resultSourcedId}`, 'result', IcResult);
  if (!result) return null;
  const grade = result.metadata?.['ext_infiniteCampus_scoreGrade'];
  const textScore = result.textScore ?? (typeof grade === 'string' ? grade : undefined);
  return {
    ...(typeof result.score === 'number' ? { score: result.score } : {}),
    ...(textScore ? { textScore } : {}),
  };
}
