import { afterEach, describe, expect, it } from 'vitest';
import { loadDistrictDataset, startIcSandbox, type IcSandbox } from '../../sandbox/ic/server.ts';
import { parseConfig } from '../../src/config/load.ts';
import { runStoppedError } from '../../src/errors.ts';
import { createIcClient } from '../../src/load/ic-client.ts';
import { postResults } from '../../src/load/post-results.ts';
import { resultSourcedId } from '../../src/transform/result-id.ts';
import type { PlannedResult } from '../../src/types.ts';

const now = new Date('2026-12-02T15:00:00Z');
const students = ['stu-1001', 'stu-1002', 'stu-1003', 'stu-1004', 'stu-1005', 'stu-1006', 'stu-1007', 'stu-1008', 'stu-1009', 'stu-1010'];
const lineItem = 'li-cls-alg1-p1-101-q2';
const planned: PlannedResult[] = students.map((student, i) => ({
  resultSourcedId: resultSourcedId(lineItem, student),
  lineItemSourcedId: lineItem,
  classSourcedId: 'cls-alg1-p1',
  studentSourcedId: student,
  score: 80 + i,
  letter: null,
  comment: null,
}));

describe('postResults', () => {
  let ic: IcSandbox;
  afterEach(async () => {
    await ic?.close();
  });

  function client(sandbox: IcSandbox) {
    const config = parseConfig(
      {
        infiniteCampus: {
          baseUrl: sandbox.baseUrl('oneroster-1.2'),
          tokenUrl: sandbox.tokenUrl,
          clientId: { env: 'ID' },
          clientSecret: { env: 'SECRET' },
          vendorKey: { env: 'VK' },
          vendorSecret: { env: 'VS' },
        },
      },
      { baseDir: '/', env: { ID: sandbox.credentials.clientId, SECRET: sandbox.credentials.clientSecret, VK: sandbox.credentials.vendorKey, VS: sandbox.credentials.vendorSecret } },
    ).infiniteCampus;
    return createIcClient({ config, concurrency: 3 });
  }

  it('on a stop, lets the results in flight finish and records each one IC holds', async () => {
    ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => now });
    ic.faults.set({ latencyMs: 80, only: 'writes' });
    const abort = new AbortController();
    const ledger: string[] = [];
    const icClient = client(ic);
    const run = postResults(icClient, planned, {
      letterGrades: false,
      now: () => now,
      concurrency: 3,
      signal: abort.signal,
      onPosted: async (result) => {
        ledger.push(result.resultSourcedId);
        if (ledger.length === 1) abort.abort(runStoppedError());
      },
      onRefused: async () => {},
    });
    await expect(run).rejects.toMatchObject({ code: 'RUN_STOPPED' });
    await icClient.close();
    const held = ic.results().map((r) => r.sourcedId).sort();
    // Every result IC holds is in the ledger (nothing posted behind its back), and the stop came early.
    expect(held).toEqual([...ledger].sort());
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held.length).toBeLessThanOrEqual(3);
  });

  it('posts each planned result exactly once', async () => {
    ic = await startIcSandbox({ dataset: loadDistrictDataset(), now: () => now });
    const icClient = client(ic);
    const posted: string[] = [];
    const report = await postResults(icClient, planned, {
      letterGrades: false,
      now: () => now,
      concurrency: 3,
      onPosted: async (result) => {
        posted.push(result.resultSourcedId);
      },
      onRefused: async () => {},
    });
    await icClient.close();
    expect(report.postedIds.sort()).toEqual(planned.map((p) => p.resultSourcedId).sort());
    expect(ic.results().every((r) => r.writes === 1)).toBe(true);
    expect(ic.results().map((r) => r.score)).toEqual(expect.arrayContaining([80, 89]));
  });
});
