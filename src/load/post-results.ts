/**
 * Posts planned results to IC with at most `concurrency` in flight. The caller's `onPosted` writes
 * the ledger after each success, so a crash loses nothing and a re-run sends only what is missing.
 * Credentials rejected (thrown by the client) stops everything: no further result is sent. A stop
 * (SIGTERM) lets the results in flight finish and their ledger entries be written first.
 */
import type { PlannedResult } from '../types.ts';
import type { IcClient, PutResultOutcome } from './ic-client.ts';

export interface PostResultsOptions {
  letterGrades: boolean;
  now: () => Date;
  concurrency: number;
  onPosted: (result: PlannedResult) => Promise<void>;
  onRefused: (result: PlannedResult, outcome: Exclude<PutResultOutcome, { kind: 'posted' }>) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
  /** Once aborted, no further result is sent; those in flight finish, then its reason is thrown. */
  signal?: AbortSignal;
}

export interface PostResultsReport {
  answers: Map<string, 'posted' | 'failed' | 'window-closed'>;
  postedIds: string[];
}

export async function postResults(ic: IcClient, results: readonly PlannedResult[], options: PostResultsOptions): Promise<PostResultsReport> {
  const answers = new Map<string, 'posted' | 'failed' | 'window-closed'>();
  const postedIds: string[] = [];
  let next = 0;
  let done = 0;
  let stopped: unknown = null;

  const worker = async (): Promise<void> => {
    while (stopped === null && !options.signal?.aborted && next < results.length) {
      const result = results[next++];
      if (!result) break;
      try {
        const now = options.now();
        const outcome = await ic.putResult(result, { letterGrades: options.letterGrades, scoreDate: now.toISOString().slice(0, 10), now });
        if (outcome.kind === 'posted') {
          await options.onPosted(result);
          postedIds.push(result.resultSourcedId);
        } else {
          await options.onRefused(result, outcome);
        }
        answers.set(result.resultSourcedId, outcome.kind);
      } catch (error) {
        stopped ??= error;
        return;
      }
      options.onProgress?.(++done, results.length);
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, results.length)) }, worker);
  await Promise.all(workers);
  if (stopped !== null) throw stopped;
  options.signal?.throwIfAborted();
  return { answers, postedIds };
}
