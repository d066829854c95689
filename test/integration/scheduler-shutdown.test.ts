/**
 * SIGTERM to `gradebridge serve` in the middle of a grade load: serve stops the run at a safe point
 * and exits 0; the ledger holds only results IC holds; the next run completes the load with no
 * duplicate in IC, and IC ends exactly as the fixture scenario expects.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../sandbox/ic/server.ts';
import { requestRun } from '../../src/schedule/run-queue.ts';
import { listLedger } from '../../src/store/ledger.ts';
import { setOptIn } from '../../src/store/opt-ins.ts';
import { listRunRequests } from '../../src/store/run-requests.ts';
import { listRuns } from '../../src/store/runs.ts';
import { jsonSummary } from '../helpers/cli.ts';
import { scenarioNow, startGradeWorld, type GradeWorld } from '../helpers/grade-world.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const optedIn = ['cls-alg1-p1', 'cls-bio-p3', 'cls-eng9-p4', 'cls-gov-s1', 'cls-econ-s2', 'cls-sci7-p1', 'cls-math7-p2', 'cls-art-s1', 'cls-ela7-p4', 'cls-rhs-bio-p1', 'cls-rhs-hist-p2'];

interface Result {
  lineItemSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
}
const byKey = (a: Result, b: Result) => `${a.lineItemSourcedId}/${a.studentSourcedId}`.localeCompare(`${b.lineItemSourcedId}/${b.studentSourcedId}`);
const expectedResults = (JSON.parse(readFileSync(path.join(fixturesDir, 'expected-results.json'), 'utf8')) as Result[]).sort(byKey);

function finalState(world: GradeWorld): Result[] {
  return world.ic
    .results()
    .map((r) => ({ lineItemSourcedId: r.lineItemSourcedId, studentSourcedId: r.studentSourcedId, score: r.score ?? NaN, letter: r.textScore ?? null }))
    .sort(byKey);
}

function waitForOutput(stream: Readable, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (pattern.test(seen)) done(null);
    };
    function done(error: Error | null): void {
      clearTimeout(timer);
      stream.off('data', onData);
      if (error) reject(error);
      else resolve(seen);
    }
    stream.on('data', onData);
  });
}

/** Polls the sandbox (bounded): the load is observable only there. */
async function waitForPostedResults(world: GradeWorld, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const count = world.ic.results().length;
    if (count >= atLeast) return count;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${atLeast} results were posted within ${timeoutMs} ms`);
}

describe('stopping serve during a grade load', () => {
  let world: GradeWorld | undefined;
  let smtp: TestSmtp | undefined;
  afterEach(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('exits 0 at a safe point; the next run completes the load without duplicates', async () => {
    smtp = await startTestSmtp();
    world = await startGradeWorld({ gradePassbackYaml: 'notify: [registrar@maplevalley.org]' });
    appendFileSync(world.configPath, `smtp: { url: "${smtp.url}", from: gradebridge@maplevalley.org }\nweb: { port: 0 }\n`);
    const store = await world.openStore();
    try {
      for (const section of optedIn) await setOptIn(store, section, true, 'teacher@maplevalley.org', scenarioNow);
      // Each result write takes a while, so the stop lands in the middle of the load.
      world.ic.faults.set({ latencyMs: 250, only: 'writes' });

      const serve = world.start(['serve']);
      const stdout = serve.child.stdout;
      if (!stdout) throw new Error('no stdout');
      await waitForOutput(stdout, /status page at http:\/\/127\.0\.0\.1:\d+/, 60_000);
      const asked = await requestRun(store, { pipeline: 'grades', full: false, dryRun: false, scope: null, requestedBy: 'it@maplevalley.org', now: scenarioNow });
      expect(asked.merged).toBe(false);

      await waitForPostedResults(world, 4, 60_000);
      serve.child.kill('SIGTERM');
      const stopped = await serve.done;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('SIGTERM received, stopping after the current step');
      expect(stopped.stdout).toContain('gradebridge serve: stopped');

      const atStop = finalState(world);
      expect(atStop.length).toBeGreaterThanOrEqual(4);
      expect(atStop.length).toBeLessThan(expectedResults.length);
      // The ledger holds only what IC holds, with the same score.
      const ledger = await listLedger(store);
      expect(ledger.length).toBeGreaterThan(0);
      const held = new Map(world.ic.results().map((r) => [r.sourcedId, r]));
      for (const entry of ledger) expect(held.get(entry.result_sourced_id)?.score).toBe(entry.score);
      const [interrupted] = await listRuns(store, { limit: 1 });
      expect(interrupted).toMatchObject({ status: 'failed', error: { code: 'RUN_STOPPED' }, notice: null });
      expect(smtp.messages()).toEqual([]);
      expect((await listRunRequests(store, { limit: 1 }))[0]).toMatchObject({ id: asked.id, status: 'done', runId: interrupted?.id });

      world.ic.faults.clear();
      const again = await world.run(['run', 'grades', '--json']);
      const summary = jsonSummary(again);
      expect(again.code).toBe(3);
      expect(summary.counts['failed']).toBe(1);
      expect(finalState(world)).toEqual(expectedResults);
      // No duplicates: one result per (line item, student), each under its deterministic ID.
      expect(new Set(world.ic.results().map((r) => r.sourcedId)).size).toBe(expectedResults.length);
      expect((await listLedger(store)).length).toBe(expectedResults.length);
    } finally {
      await store.close();
    }
  });

  it('refuses to start without web or smtp in the config (exit 2)', async () => {
    world = await startGradeWorld();
    const noWeb = await world.run(['serve']);
    expect(noWeb.code).toBe(2);
    expect(noWeb.stderr).toContain('config error: web: required for serve');
    appendFileSync(world.configPath, 'web: { port: 0 }\n');
    const noSmtp = await world.run(['serve']);
    expect(noSmtp.code).toBe(2);
    expect(noSmtp.stderr).toContain('config error: smtp: required for serve');
  });
});
