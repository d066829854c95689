import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createRun, finishRun, getRun, lastSuccessfulFileRun, listRuns, recordRunSource, failAbandonedRuns } from '../../src/store/runs.ts';
import { insertRowOutcomes, listRowOutcomes, updateResultOutcome } from '../../src/store/row-outcomes.ts';
import { listLedger, readLastPosted, recordPosted } from '../../src/store/ledger.ts';
import { readOptedInSections, setOptIn } from '../../src/store/opt-ins.ts';
import { readRunLock, releaseRunLock, renewRunLock, tryAcquireRunLock, lockTtlMs } from '../../src/store/run-lock.ts';
import { readRosterMappingRows, readRosterSnapshot, replaceRosterSnapshot, sectionsOfTeacher } from '../../src/store/roster-mappings.ts';
import { openStore, maskUrlPassword, type Store } from '../../src/store/open-store.ts';
import { freshStoreUrl, openFreshStore, storeKinds } from '../helpers/stores.ts';

describe.each(storeKinds)('store on %s', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('records a run with its source file, counts and outcome', async () => {
    store = await openFreshStore(kind);
    const startedAt = new Date('2026-12-02T10:30:00Z');
    await createRun(store, { id: 'run-1', pipeline: 'grades', trigger: 'cli', dryRun: false, full: true, scope: { school: 'sch-1' }, startedAt });
    expect((await getRun(store, 'run-1'))?.status).toBe('running');
    await recordRunSource(store, 'run-1', { remotePath: '/export/a.csv', size: 120, mtime: new Date('2026-12-02T01:30:00Z'), sha256: 'ab'.repeat(32) });
    await finishRun(store, 'run-1', {
      status: 'partial',
      rows: 10,
      counts: { rows: 10, posted: 8, failed: 2 },
      error: null,
      finishedAt: new Date('2026-12-02T10:31:00Z'),
      durationMs: 60_000,
    });
    const run = await getRun(store, 'run-1');
    expect(run).toMatchObject({
      pipeline: 'grades',
      status: 'partial',
      full: true,
      dryRun: false,
      scope: { school: 'sch-1' },
      rows: 10,
      counts: { posted: 8, failed: 2 },
      durationMs: 60_000,
      sourceFile: { remotePath: '/export/a.csv', size: 120, sha256: 'ab'.repeat(32) },
    });
    expect((await lastSuccessfulFileRun(store, 'grades'))?.id).toBe('run-1');
    expect(await lastSuccessfulFileRun(store, 'roster')).toBeNull();
    expect((await listRuns(store, { limit: 5 })).map((r) => r.id)).toEqual(['run-1']);
  });

  it('marks runs abandoned by a dead process as failed', async () => {
    store = await openFreshStore(kind);
    await createRun(store, { id: 'run-x', pipeline: 'grades', trigger: 'cli', dryRun: false, full: false, scope: null, startedAt: new Date() });
    expect(await failAbandonedRuns(store, 'grades', new Date())).toBe(1);
    expect((await getRun(store, 'run-x'))?.error?.code).toBe('RUN_INTERRUPTED');
  });

  it('stores row outcomes in bulk, updates planned ones and filters them', async () => {
    store = await openFreshStore(kind);
    const base = { sync_type: null, grading_period: 'Q1', class_sourced_id: null, term_sourced_id: null, task_id: null, object_key: null, score: null, letter: null, message: null };
    // Rows 1203 and 1204 reach the same result as row 1 (same line item and student): one answer marks all three.
    const outcomes = Array.from({ length: 1205 }, (_, i) => ({
      ...base,
      line: i + 2,
      school: i % 2 ? 'sch-a' : 'sch-b',
      section: `sec-${i % 3}`,
      student: `stu-${i}`,
      student_sourced_id: i >= 1203 ? 'ic-stu-1' : `ic-stu-${i}`,
      line_item_sourced_id: i >= 1203 ? 'li-1' : `li-${i}`,
      result_sourced_id: i >= 1203 ? 'res-1' : `res-${i}`,
      outcome: i % 5 === 0 ? 'invalid-grade' : 'planned',
    }));
    await insertRowOutcomes(store, 'run-1', outcomes);
    await insertRowOutcomes(store, 'run-2', outcomes.slice(0, 3));
    const target = (i: number) => ({ lineItemSourcedId: `li-${i}`, studentSourcedId: `ic-stu-${i}` });
    expect(await updateResultOutcome(store, 'run-1', target(1), 'posted', null)).toBe(3);
    expect(await updateResultOutcome(store, 'run-1', target(2), 'failed', 'IC said no')).toBe(1);
    expect(await updateResultOutcome(store, 'run-1', target(0), 'posted', null)).toBe(0);
    expect(await listRowOutcomes(store, 'run-1')).toHaveLength(1205);
    expect((await listRowOutcomes(store, 'run-1', { outcome: 'posted' })).map((o) => o.student)).toEqual(['stu-1', 'stu-1203', 'stu-1204']);
    expect((await listRowOutcomes(store, 'run-2', { outcome: 'planned' })).map((o) => o.student)).toEqual(['stu-1', 'stu-2']);
    expect((await listRowOutcomes(store, 'run-1', { outcome: 'failed' }))[0]).toMatchObject({ line: 4, message: 'IC said no' });
    expect((await listRowOutcomes(store, 'run-1', { outcome: 'invalid-grade' })).length).toBe(241);
    expect((await listRowOutcomes(store, 'run-1', { school: 'sch-a', section: 'sec-1' })).length).toBe(201);
    expect((await listRowOutcomes(store, 'run-1', { sections: ['sec-0'], limit: 10, offset: 5 })).map((o) => o.line)[0]).toBe(17);
    expect(await listRowOutcomes(store, 'run-1', { sections: [] })).toEqual([]);
  });

  it('keeps one ledger entry per result, replaced by later posts', async () => {
    store = await openFreshStore(kind);
    const result = { resultSourcedId: 'r1', lineItemSourcedId: 'li1', classSourcedId: 'c1', studentSourcedId: 's1', score: 91.5, letter: 'A-', comment: null };
    await recordPosted(store, 'run-1', result, new Date('2026-12-01T00:00:00Z'));
    await recordPosted(store, 'run-2', { ...result, score: 88, letter: null }, new Date('2026-12-02T00:00:00Z'));
    expect(await listLedger(store)).toEqual([
      { result_sourced_id: 'r1', line_item_sourced_id: 'li1', student_sourced_id: 's1', class_sourced_id: 'c1', score: 88, letter: null, posted_at: '2026-12-02T00:00:00.000Z', run_id: 'run-2' },
    ]);
    await recordPosted(store, 'run-2', { ...result, resultSourcedId: 'r2', lineItemSourcedId: 'li2' }, new Date('2026-12-02T00:00:00Z'));
    expect(await readLastPosted(store, ['li1', 'li-never-posted'])).toEqual([{ lineItemSourcedId: 'li1', studentSourcedId: 's1', score: 88, letter: null }]);
    expect(await readLastPosted(store, [])).toEqual([]);
  });

  it('reads a line item\'s ledger entries with their types, and refuses a score that is not a number', async () => {
    store = await openFreshStore(kind);
    const result = { resultSourcedId: 'r1', lineItemSourcedId: 'li1', classSourcedId: 'c1', studentSourcedId: 's1', score: 7, letter: null, comment: null };
    await recordPosted(store, 'run-1', result, new Date('2026-12-01T00:00:00Z'));
    await recordPosted(store, 'run-1', { ...result, resultSourcedId: 'r2', studentSourcedId: 's2', score: 93.25, letter: 'A' }, new Date('2026-12-01T00:00:00Z'));
    const entries = await readLastPosted(store, ['li1']);
    expect(entries.sort((a, b) => a.studentSourcedId.localeCompare(b.studentSourcedId))).toEqual([
      { lineItemSourcedId: 'li1', studentSourcedId: 's1', score: 7, letter: null },
      { lineItemSourcedId: 'li1', studentSourcedId: 's2', score: 93.25, letter: 'A' },
    ]);
    if (kind !== 'sqlite') return;
    // SQLite keeps whatever a column is given; only a damaged database would hold this.
    await sql`update ledger set score = 'ninety' where result_sourced_id = 'r2'`.execute(store.db);
    await expect(readLastPosted(store, ['li1'])).rejects.toThrow(/number/i);
  });

  it('records opt-ins and outs', async () => {
    store = await openFreshStore(kind);
    await setOptIn(store, 'cls-1', true, 't@x.org', new Date());
    await setOptIn(store, 'cls-2', true, 't@x.org', new Date());
    await setOptIn(store, 'cls-1', false, 't@x.org', new Date());
    expect([...(await readOptedInSections(store))]).toEqual(['cls-2']);
  });

  it('lets one holder at a time take a pipeline lock, and takes over an expired one', async () => {
    store = await openFreshStore(kind);
    const now = new Date('2026-12-02T10:00:00Z');
    expect(await tryAcquireRunLock(store, 'grades', 'proc-a', 'run-a', now)).toBe(true);
    expect(await tryAcquireRunLock(store, 'grades', 'proc-b', 'run-b', now)).toBe(false);
    expect(await tryAcquireRunLock(store, 'roster', 'proc-b', 'run-c', now)).toBe(true);
    expect(await renewRunLock(store, 'grades', 'proc-b', now)).toBe(false);
    const later = new Date(now.getTime() + lockTtlMs + 1);
    expect(await tryAcquireRunLock(store, 'grades', 'proc-b', 'run-b', later)).toBe(true);
    expect((await readRunLock(store, 'grades'))?.run_id).toBe('run-b');
    await releaseRunLock(store, 'grades', 'proc-a');
    expect((await readRunLock(store, 'grades'))?.holder).toBe('proc-b');
    await releaseRunLock(store, 'grades', 'proc-b');
    expect(await readRunLock(store, 'grades')).toBeNull();
  });

  it('replaces the roster snapshot and finds a teacher\'s sections by email', async () => {
    store = await openFreshStore(kind);
    const snapshot = {
      schools: [{ sourced_id: 'sch-1', identifier: 'LIN', name: 'Lincoln', building_id: null }],
      terms: [{ sourced_id: 't1', title: 'Q1', type: 'gradingPeriod', school_year: '2027', start_date: '2026-08-20', end_date: '2026-10-20', school_sourced_id: 'sch-1', grading_period_id: null, grading_period_title: null }],
      classes: [
        { sourced_id: 'c1', title: 'Algebra', class_code: 'ALG-1', course_sourced_id: 'co1', course_title: 'Algebra I', school_sourced_id: 'sch-1', term_sourced_ids: '["t1"]', section_id: null },
        { sourced_id: 'c2', title: 'Geometry', class_code: null, course_sourced_id: null, course_title: null, school_sourced_id: 'sch-1', term_sourced_ids: '["t1"]', section_id: null },
      ],
      users: [
        { sourced_id: 'u1', uid: 'u1', identifier: null, role: 'teacher', given_name: 'Ann', family_name: 'Lee', email: 'Ann.Lee@x.org', username: 'alee' },
        { sourced_id: 's1', uid: '80001', identifier: null, role: 'student', given_name: 'Bo', family_name: 'Ng', email: null, username: null },
      ],
      enrollments: [
        { class_sourced_id: 'c2', user_sourced_id: 'u1', role: 'teacher' },
        { class_sourced_id: 'c1', user_sourced_id: 'u1', role: 'teacher' },
        { class_sourced_id: 'c1', user_sourced_id: 's1', role: 'student' },
        { class_sourced_id: 'c1', user_sourced_id: 's2', role: 'student' },
        { class_sourced_id: 'c2', user_sourced_id: 's1', role: 'student' },
        { class_sourced_id: 'c2', user_sourced_id: 's3', role: 'student' },
      ],
    };
    await replaceRosterSnapshot(store, snapshot);
    await replaceRosterSnapshot(store, snapshot);
    expect(await sectionsOfTeacher(store, 'ann.lee@X.org')).toEqual(['c1', 'c2']);
    expect((await readRosterSnapshot(store)).classes).toHaveLength(2);
    // What grade passback maps with: the columns it reads, and students' enrollments only.
    const mapping = await readRosterMappingRows(store);
    const studentsByClass = new Map([['c1', new Set(['s1', 's2'])], ['c2', new Set(['s1', 's3'])]]);
    expect(mapping.studentsByClass).toEqual(studentsByClass);
    // Read in pages of 1 and of 3 (a page boundary inside a class and across classes): the same lookup.
    expect((await readRosterMappingRows(store, { enrollmentPage: 1 })).studentsByClass).toEqual(studentsByClass);
    expect((await readRosterMappingRows(store, { enrollmentPage: 3 })).studentsByClass).toEqual(studentsByClass);
    expect(mapping.users.map((u) => u.uid).sort()).toEqual(['80001', 'u1']);
    expect(mapping.schools).toEqual([{ sourced_id: 'sch-1', identifier: 'LIN' }]);
    expect(mapping.terms[0]).toEqual({ sourced_id: 't1', school_sourced_id: 'sch-1', grading_period_id: null, grading_period_title: null });
  });

  it('survives reopening: migrations are applied once', async () => {
    const url = freshStoreUrl(kind);
    store = await openStore(url);
    await setOptIn(store, 'cls-9', true, 'x', new Date());
    await store.close();
    store = await openStore(url);
    expect([...(await readOptedInSections(store))]).toEqual(['cls-9']);
  });
});

describe('store URLs', () => {
  it('masks a password in a PostgreSQL URL', () => {
    expect(maskUrlPassword('postgres://gb:s3cret@db.example:5432/gb')).toBe('postgres://gb:••••••@db.example:5432/gb');
    expect(maskUrlPassword('sqlite:/x/y.db')).toBe('sqlite:/x/y.db');
  });

  it('refuses a PostgreSQL server that is not there with a clear error', async () => {
    await expect(openStore('postgres://nobody@127.0.0.1:1/none')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
