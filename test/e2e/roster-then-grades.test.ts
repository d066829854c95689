/**
 * The two pipelines together, through the CLI: `run roster` provisions Schoology and stores the
 * mappings; `run grades` then maps sections, students and grading periods through those stored
 * mappings alone (no mapping file, identity mapping off) and leaves IC exactly as the manual
 * mapping file does (fixtures/district/expected-results.json), though the SFTP connection drops
 * while the export is read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../sandbox/ic/server.ts';
import { startSchoologySandbox, type SchoologySandbox } from '../../sandbox/schoology/server.ts';
import { setOptIn } from '../../src/store/opt-ins.ts';
import { jsonSummary } from '../helpers/cli.ts';
import { scenarioNow, startGradeWorld, type GradeWorld } from '../helpers/grade-world.ts';

const expectedResults = JSON.parse(readFileSync(path.join(fixturesDir, 'expected-results.json'), 'utf8')) as {
  lineItemSourcedId: string;
  studentSourcedId: string;
  score: number;
  letter: string | null;
}[];
const key = (r: { lineItemSourcedId: string; studentSourcedId: string }) => `${r.lineItemSourcedId}/${r.studentSourcedId}`;

describe('run roster, then run grades through the stored mappings', () => {
  let world: GradeWorld;
  let schoology: SchoologySandbox;
  afterEach(async () => {
    await world?.close();
    await schoology?.close();
  });

  it('produces the same IC final state as the manual mapping file', async () => {
    schoology = await startSchoologySandbox();
    world = await startGradeWorld({
      mappings: 'roster',
      extraYaml: `rosterProvisioning:
  activeYear: 2026-2027
  schoology:
    baseUrl: ${schoology.url}
    consumerKey: { env: SGY_KEY }
    consumerSecret: { env: SGY_SECRET }
  # Roosevelt is left out, as the mapping file leaves it out.
  schools: { LHS: create, WMS: create, RHS: skip }
  terms: { "*": create }
  roles: { student: Student, teacher: Teacher, administrator: School Admin, guardian: skip }
`,
    });
    const env = { SGY_KEY: schoology.consumerKey, SGY_SECRET: schoology.consumerSecret };

    const roster = await world.run(['run', 'roster', '--json'], env);
    const rosterSummary = jsonSummary(roster);
    expect(roster.code, roster.stderr).toBe(0);
    expect(rosterSummary).toMatchObject({ pipeline: 'roster', status: 'succeeded', dryRun: false });
    expect(rosterSummary.counts).toMatchObject({ sections: { failed: 0 }, users: { failed: 0 } });
    expect(schoology.state().sections.length).toBeGreaterThan(0);

    const store = await world.openStore();
    for (const section of ['cls-alg1-p1', 'cls-bio-p3', 'cls-eng9-p4', 'cls-gov-s1', 'cls-econ-s2', 'cls-sci7-p1', 'cls-math7-p2', 'cls-art-s1', 'cls-ela7-p4']) {
      await setOptIn(store, section, true, 'teacher@maple.k12', scenarioNow);
    }
    await store.close();

    // The grades are read as the export downloads; the connection drops 1,000 bytes in, mid-record,
    // and the download resumes there: the reader sees every byte once.
    world.sftp.setFaults({ dropAfterBytes: 1_000, dropTimes: 1 });
    const grades = await world.run(['run', 'grades', '--json'], env);
    const summary = jsonSummary(grades);
    expect(summary).toMatchObject({ status: 'partial', counts: { rows: 52, posted: 26, failed: 1 } });
    expect(grades.stderr).toContain('export download interrupted');
    expect(world.sftp.reads()).toBe(2);
    const held = world.ic
      .results()
      .map((r) => ({ lineItemSourcedId: r.lineItemSourcedId, studentSourcedId: r.studentSourcedId, score: r.score, letter: r.textScore ?? null }))
      .sort((a, b) => key(a).localeCompare(key(b)));
    expect(held).toEqual([...expectedResults].sort((a, b) => key(a).localeCompare(key(b))));
  });
});
