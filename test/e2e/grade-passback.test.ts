/**
 * `gradebridge run grades` end to end, as a district would run it: the real CLI in a child process,
 * the IC and SFTP sandboxes serving the fixture district (fixtures/district/scenario.md), a real store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../sandbox/ic/server.ts';
import { setOptIn } from '../../src/store/opt-ins.ts';
import { listRowOutcomes } from '../../src/store/row-outcomes.ts';
import { jsonSummary } from '../helpers/cli.ts';
import { scenarioNow, startGradeWorld, type GradeWorld } from '../helpers/grade-world.ts';
import { storeKinds } from '../helpers/stores.ts';

interface ExpectedResult {
  lineItemSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
}
const expectedResults = JSON.parse(readFileSync(path.join(fixturesDir, 'expected-results.json'), 'utf8')) as ExpectedResult[];
const expectedOutcomes = JSON.parse(readFileSync(path.join(fixturesDir, 'expected-outcomes.json'), 'utf8')) as {
  counts: Record<string, unknown>;
  byLine: { line: number; outcome: string; lineItemSourcedId?: string; studentSourcedId?: string }[];
};
const optedIn = ['cls-alg1-p1', 'cls-bio-p3', 'cls-eng9-p4', 'cls-gov-s1', 'cls-econ-s2', 'cls-sci7-p1', 'cls-math7-p2', 'cls-art-s1', 'cls-ela7-p4', 'cls-rhs-bio-p1', 'cls-rhs-hist-p2'];

async function optInScenarioSections(world: GradeWorld): Promise<void> {
  const store = await world.openStore();
  for (const section of optedIn) await setOptIn(store, section, true, 'teacher@maple.k12', scenarioNow);
  await store.close();
}

function finalState(world: GradeWorld): ExpectedResult[] {
  return world.ic
    .results()
    .map((r) => ({ lineItemSourcedId: r.lineItemSourcedId, studentSourcedId: r.studentSourcedId, score: r.score ?? NaN, letter: r.textScore ?? null }))
    .sort((a, b) => `${a.lineItemSourcedId}/${a.studentSourcedId}`.localeCompare(`${b.lineItemSourcedId}/${b.studentSourcedId}`));
}

const sortedExpected = [...expectedResults].sort((a, b) =>
  `${a.lineItemSourcedId}/${a.studentSourcedId}`.localeCompare(`${b.lineItemSourcedId}/${b.studentSourcedId}`),
);
const puts = (world: GradeWorld) => world.ic.requests().filter((r) => r.method === 'PUT');

describe('gradebridge run grades on the fixture district', () => {
  let world: GradeWorld;
  afterEach(async () => {
    await world?.close();
  });

  it('posts exactly the expected results and records every row\'s outcome', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    const result = await world.run(['run', 'grades', '--json']);
    expect(result.stderr).not.toContain(world.ic.credentials.clientSecret);
    const summary = jsonSummary(result);
    expect(result.code).toBe(3);
    expect(summary).toMatchObject({ pipeline: 'grades', status: 'partial', dryRun: false, full: false, sourceFile: '/export/Final Grades_20261201_013000.csv' });
    expect(summary.counts).toEqual(expectedOutcomes.counts);
    expect(finalState(world)).toEqual(sortedExpected);

    const store = await world.openStore();
    const stored = await listRowOutcomes(store, String(summary['runId']));
    await store.close();
    const got = stored
      .map((o) => ({ line: o.line, outcome: o.outcome, ...(o.line_item_sourced_id ? { lineItemSourcedId: o.line_item_sourced_id, studentSourcedId: o.student_sourced_id } : {}) }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || String(a.lineItemSourcedId).localeCompare(String(b.lineItemSourcedId)));
    const want = [...expectedOutcomes.byLine].sort((a, b) => a.line - b.line || String(a.lineItemSourcedId).localeCompare(String(b.lineItemSourcedId)));
    expect(got).toEqual(want);
    const refused = stored.find((o) => o.outcome === 'failed');
    expect(refused?.message).toMatch(/B\+/);
  });

  // On both stores: a scheduled run's ledger read has its own path for each.
  it.each(storeKinds)('sends nothing for unchanged grades on the next scheduled run, and --full resends all without duplicates (%s)', async (storeKind) => {
    world = await startGradeWorld({ storeKind });
    await optInScenarioSections(world);
    const first = jsonSummary(await world.run(['run', 'grades', '--json']));
    const firstPuts = puts(world).length;
    expect(firstPuts).toBe(first.counts['planned']);

    world.ic.resetRequestLog();
    const second = await world.run(['run', 'grades', '--json']);
    const secondSummary = jsonSummary(second);
    // Only the result IC refused last time (not in the ledger) is sent again.
    expect(puts(world)).toHaveLength(1);
    expect(secondSummary.counts).toMatchObject({ posted: 0, failed: 1, unchanged: 26, planned: 1 });
    expect(finalState(world)).toEqual(sortedExpected);

    world.ic.resetRequestLog();
    const full = jsonSummary(await world.run(['run', 'grades', '--full', '--json']));
    expect(full).toMatchObject({ full: true, status: 'partial' });
    expect(puts(world)).toHaveLength(26);
    expect(finalState(world)).toEqual(sortedExpected);
    expect(world.ic.results().every((r) => r.writes === 2)).toBe(true);
  });

  it('--dry-run plans everything and sends nothing', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    const result = await world.run(['run', 'grades', '--dry-run', '--json']);
    const summary = jsonSummary(result);
    expect(result.code).toBe(0);
    expect(summary).toMatchObject({ dryRun: true, status: 'succeeded' });
    expect(summary.counts).toMatchObject({ planned: 26, posted: 0, failed: 0 });
    expect(puts(world)).toHaveLength(0);
    expect(world.ic.results()).toEqual([]);
  });

  it('reaches the same final state through 15% injected 429/503 answers and a token expiring mid-run', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    world.ic.faults.set({ rate429: 0.08, rate5xx: 0.07, retryAfterSeconds: 0, seed: 7 });
    world.ic.faults.at(30, 'expire-token');
    const result = await world.run(['run', 'grades', '--json'], {});
    expect(jsonSummary(result).counts).toEqual(expectedOutcomes.counts);
    expect(finalState(world)).toEqual(sortedExpected);
    const statuses = world.ic.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 429 || s === 503 || s === 500).length).toBeGreaterThan(0);
    expect(world.ic.requests().filter((r) => r.service === 'token').length).toBeGreaterThanOrEqual(2);
  });

  it('stops with exit 1, posts nothing and says to renew the key when IC rejects the credentials', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    world.ic.revokeCredentials();
    const result = await world.run(['run', 'grades', '--json']);
    const summary = jsonSummary(result);
    expect(result.code).toBe(1);
    expect(summary).toMatchObject({ status: 'failed', error: { code: 'IC_CREDENTIALS_REJECTED' } });
    expect(String((summary['error'] as { message: string }).message)).toMatch(/[Rr]enew the key and secret in Infinite Campus/);
    expect(world.ic.results()).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(world.ic.credentials.clientSecret);
  });

  it('stops before posting anything when the export lacks a required column', async () => {
    const original = readFileSync(path.join(fixturesDir, 'export', 'Final Grades_20261201_013000.csv'), 'utf8');
    world = await startGradeWorld({ exportFiles: { 'Final Grades_20261203_013000.csv': original.replace('Unique User ID', 'Nickname') } });
    await optInScenarioSections(world);
    const result = await world.run(['run', 'grades', '--json']);
    const summary = jsonSummary(result);
    expect(result.code).toBe(1);
    expect(summary).toMatchObject({ status: 'failed', error: { code: 'EXPORT_MISSING_COLUMN' } });
    expect(String((summary['error'] as { message: string }).message)).toMatch(/Unique User ID/);
    expect(puts(world)).toHaveLength(0);
  });

  it('killed mid-load, the next run completes the same final state with no duplicates', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    world.ic.faults.set({ latencyMs: 150, only: 'writes' });
    const running = world.start(['run', 'grades', '--json']);
    for (let i = 0; i < 400 && world.ic.results().length < 5; i++) await new Promise((r) => setTimeout(r, 25));
    expect(world.ic.results().length).toBeGreaterThanOrEqual(5);
    running.child.kill('SIGKILL');
    await running.done;
    expect(world.ic.results().length).toBeLessThan(sortedExpected.length);

    world.ic.faults.clear();
    const again = await world.run(['run', 'grades', '--json']);
    expect(again.code).toBe(3);
    expect(finalState(world)).toEqual(sortedExpected);
    // Each result stored once; at most the one in flight at the kill was written twice.
    expect(world.ic.results().filter((r) => r.writes > 1).length).toBeLessThanOrEqual(1);
  });
});

describe('gradebridge run grades: modes, scopes and guards', () => {
  let world: GradeWorld;
  afterEach(async () => {
    await world?.close();
  });

  it.each(['oneroster-1.1', 'legacy-learningdata'] as const)('reaches the same final state over %s', async (icApi) => {
    world = await startGradeWorld({ icApi });
    await optInScenarioSections(world);
    const result = await world.run(['run', 'grades', '--json']);
    expect(jsonSummary(result).counts).toEqual(expectedOutcomes.counts);
    expect(finalState(world)).toEqual(sortedExpected);
  });

  it('a scoped full run sends only that section, and --verify reads every posted result back', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    const result = await world.run(['run', 'grades', '--full', '--section', 'cls-gov-s1', '--verify', '--json']);
    const summary = jsonSummary(result);
    expect(result.code).toBe(0);
    expect(summary.counts).toMatchObject({ planned: 3, posted: 3, failed: 0 });
    expect((summary.counts['skipped'] as Record<string, number>)['out-of-scope']).toBeGreaterThan(40);
    expect(summary['verification']).toEqual({ checked: 3, mismatched: 0 });
    expect(new Set(world.ic.results().map((r) => r.lineItemSourcedId))).toEqual(new Set(['li-cls-gov-s1-102-s1']));
  });

  it('stops when the export shrank below the guard, unless a full run accepts it', async () => {
    const original = readFileSync(path.join(fixturesDir, 'export', 'Final Grades_20261201_013000.csv'), 'utf8');
    world = await startGradeWorld();
    await optInScenarioSections(world);
    expect((await world.run(['run', 'grades', '--json'])).code).toBe(3);
    // The header and the first 11 records (records end in CRLF; the first holds a bare LF in a quoted comment).
    const shrunk = original.split('\r\n').slice(0, 12).join('\r\n');
    const { writeFileSync, utimesSync } = await import('node:fs');
    const newer = path.join(world.exportDir, 'Final Grades_20261203_013000.csv');
    writeFileSync(newer, shrunk);
    utimesSync(newer, new Date(scenarioNow.getTime() - 600_000), new Date(scenarioNow.getTime() - 600_000));
    world.ic.resetRequestLog();

    const stopped = await world.run(['run', 'grades', '--json']);
    expect(stopped.code).toBe(1);
    expect(jsonSummary(stopped)).toMatchObject({ status: 'failed', error: { code: 'EXPORT_SHRUNK' }, sourceFile: '/export/Final Grades_20261203_013000.csv' });
    expect(puts(world)).toHaveLength(0);

    const accepted = await world.run(['run', 'grades', '--full', '--accept-shrink', '--json']);
    expect(accepted.code).toBe(0);
    expect(jsonSummary(accepted).counts).toMatchObject({ rows: 11 });
  });

  it('lists runs and shows one with the same summary it printed', async () => {
    world = await startGradeWorld();
    await optInScenarioSections(world);
    const summary = jsonSummary(await world.run(['run', 'grades', '--dry-run', '--json']));
    const listed = await world.run(['runs']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(String(summary['runId']));
    expect(listed.stdout).toMatch(/grades\s+succeeded\s+cli\s+dry run/);
    const shown = await world.run(['runs', 'show', String(summary['runId']), '--json']);
    expect(JSON.parse(shown.stdout)).toEqual({ ...summary, verification: undefined, durationMs: expect.any(Number) });
    expect((await world.run(['runs', 'show', 'no-such-run'])).code).toBe(1);
  });
});
