import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  emptyGradeEvery,
  exportRowCount,
  generateDistrict,
  notOptedInEvery,
  sizeForRows,
  writeExport,
  type BenchDistrictSize,
  type WriteExportOptions,
} from '../../bench/generate-district.ts';
import { IcDataset } from '../../sandbox/ic/dataset.ts';
import { readExportRows, type ExportRecord } from '../../src/extract/read-export-rows.ts';
import { makeGradeMappings } from '../../src/transform/grade-mappings.ts';
import { groupStudentsByClass } from '../helpers/grade-mappings.ts';
import { planGradePassback } from '../../src/transform/plan-grade-passback.ts';
import type { ExportRow, LineItem } from '../../src/types.ts';

const size: BenchDistrictSize = { students: 200, sections: 60, schools: 2, sectionsPerStudent: 3, terms: 2, overall: true };

/** The export as bytes, written through the same streaming path as the benchmark's file. */
async function exportBytes(options: WriteExportOptions): Promise<{ bytes: Buffer; written: Awaited<ReturnType<typeof writeExport>> }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const written = await writeExport(size, out, options);
  out.end();
  return { bytes: Buffer.concat(chunks), written };
}

async function readRecords(bytes: Buffer): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  for await (const record of readExportRows(Readable.from([bytes]))) records.push(record);
  return records;
}

function rowsOf(records: readonly ExportRecord[]): ExportRow[] {
  return records.flatMap((r) => (r.kind === 'row' ? [r.row] : []));
}

describe('bench district generator', () => {
  it('builds the same data set for the same size, and the IC sandbox schema accepts it', () => {
    const district = generateDistrict(size);
    expect(generateDistrict(size)).toEqual(district);
    const parsed = IcDataset.safeParse(district.dataset);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);

    const dataset = IcDataset.parse(district.dataset);
    const teachers = Math.ceil(size.sections / 6);
    expect(dataset.orgs.filter((o) => o.type === 'school')).toHaveLength(size.schools);
    expect(dataset.classes).toHaveLength(size.sections);
    expect(dataset.users).toHaveLength(size.students + teachers);
    expect(dataset.enrollments).toHaveLength(size.students * size.sectionsPerStudent + size.sections);
    expect(dataset.lineItems).toHaveLength(size.sections * (size.terms + 1));
    expect(dataset.lineItems.every((item) => item.windowOpen === true)).toBe(true);
    expect(district.roster.enrollments).toHaveLength(dataset.enrollments.length);
    expect(district.optedInSections).toHaveLength(size.sections - Math.floor(size.sections / notOptedInEvery));
  });

  it('keeps class sizes even and never seats a student twice in one section', () => {
    const dataset = IcDataset.parse(generateDistrict(size).dataset);
    const perClass = new Map<string, Set<string>>();
    for (const e of dataset.enrollments.filter((e) => e.role === 'student')) {
      const seats = perClass.get(e.class) ?? new Set();
      expect(seats.has(e.user)).toBe(false);
      seats.add(e.user);
      perClass.set(e.class, seats);
    }
    const sizes = [...perClass.values()].map((s) => s.size);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('writes an export with one row per enrollment and period, byte for byte the same for a seed', async () => {
    const first = await exportBytes({ seed: 7 });
    const again = await exportBytes({ seed: 7 });
    const other = await exportBytes({ seed: 8 });
    expect(first.bytes.equals(again.bytes)).toBe(true);
    expect(first.bytes.equals(other.bytes)).toBe(false);
    expect(first.written.rows).toBe(exportRowCount(size));
    expect(first.written.rows).toBe(size.students * size.sectionsPerStudent * (size.terms + 1));
    expect(first.written.bytes).toBe(first.bytes.length);
    expect(first.bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');

    const records = await readRecords(first.bytes);
    expect(records).toHaveLength(first.written.rows);
    expect(records.every((r) => r.kind === 'row')).toBe(true);
    const rows = rowsOf(records);
    expect(rows.filter((r) => r.grade === '')).toHaveLength(Math.floor(first.written.rows / emptyGradeEvery));
    expect(new Set(rows.map((r) => r.gradingPeriod))).toEqual(new Set(['Q1 2026-2027', 'Q2 2026-2027', 'Final']));
  });

  it('changes about the asked share of grades, and nothing else', async () => {
    const base = rowsOf(await readRecords((await exportBytes({ seed: 3 })).bytes));
    const { bytes, written } = await exportBytes({ seed: 3, changed: { fraction: 0.1, seed: 11 } });
    const changed = rowsOf(await readRecords(bytes));
    expect(changed).toHaveLength(base.length);
    let differing = 0;
    changed.forEach((row, i) => {
      const before = base[i];
      expect({ ...row, grade: '', letterGrade: '' }).toEqual({ ...before, grade: '', letterGrade: '' });
      if (row.grade !== before?.grade) differing++;
    });
    expect(differing).toBe(written.changedRows);
    expect(differing / base.length).toBeGreaterThan(0.05);
    expect(differing / base.length).toBeLessThan(0.15);
  });

  it('matches its own roster: every row plans a result except the sections not opted in and the empty grades', async () => {
    const district = generateDistrict(size);
    const dataset = IcDataset.parse(district.dataset);
    const { bytes, written } = await exportBytes({ seed: 5 });
    const roster = district.roster;
    const mappings = makeGradeMappings({
      mappingFile: null,
      roster: {
        classes: roster.classes.map((c) => ({ sourcedId: c.sourced_id, schoolSourcedId: c.school_sourced_id })),
        users: roster.users.map((u) => ({ uid: u.uid, sourcedId: u.sourced_id })),
        studentsByClass: groupStudentsByClass(
          roster.enrollments.filter((e) => e.role === 'student').map((e) => ({ classSourcedId: e.class_sourced_id, userSourcedId: e.user_sourced_id })),
        ),
        terms: roster.terms.map((t) => ({ sourcedId: t.sourced_id, schoolSourcedId: t.school_sourced_id, gradingPeriodId: t.grading_period_id, gradingPeriodTitle: t.grading_period_title })),
      },
      identity: null,
      schoolIdentifiers: new Map(),
    });
    const lineItems = new Map<string, LineItem[]>();
    for (const item of dataset.lineItems) {
      const list = lineItems.get(item.class) ?? [];
      list.push({ sourcedId: item.sourcedId, classSourcedId: item.class, title: item.title, taskId: Number(item.taskId), termSourcedId: item.gradingPeriod, windowOpenFlag: true });
      lineItems.set(item.class, list);
    }
    const optedIn = new Set(district.optedInSections);
    const plan = planGradePassback({
      records: await readRecords(bytes),
      mappings,
      isOptedIn: (section) => optedIn.has(section),
      lineItemsFor: (c) => lineItems.get(c) ?? [],
      isWindowOpen: () => true,
      lastPosted: () => [],
      options: {
        termTaskIds: district.gradePassback.termTaskIds,
        overallTaskIds: district.gradePassback.overallTaskIds,
        letterGrades: true,
        overallPeriodValues: ['Final'],
        scoreDecimals: 2,
        maxScore: 100,
        decimalSeparator: '.',
        teachersMustOptIn: true,
        postComments: false,
        full: false,
      },
    });
    const counts: Record<string, number> = {};
    for (const o of plan.outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['no-grade', 'not-opted-in', 'planned']);
    expect(plan.outcomes).toHaveLength(written.rows);
    expect(plan.planned).toHaveLength(counts['planned'] ?? 0);
    expect(counts['no-grade']).toBeGreaterThan(0);
    expect(counts['not-opted-in']).toBeGreaterThan(0);
  });

  it('sizes a district for a row count', () => {
    for (const rows of [10_000, 100_000, 1_000_000]) {
      const shaped = sizeForRows(rows);
      expect(Math.abs(exportRowCount(shaped) - rows) / rows).toBeLessThan(0.01);
      expect(shaped.students * shaped.sectionsPerStudent / shaped.sections).toBeCloseTo(30, 0);
    }
    expect(IcDataset.safeParse(generateDistrict(sizeForRows(10_000)).dataset).success).toBe(true);
  });
});
