import { describe, expect, it } from 'vitest';
import { buildRosterSnapshot } from '../../src/roster/build-roster-snapshot.ts';
import { collectGradingTasks, gradingTasksCsv } from '../../src/roster/grading-tasks.ts';
import { RosterRunLog } from '../../src/roster/roster-run-log.ts';
import type { IcRoster } from '../../src/roster/roster-types.ts';

const roster: IcRoster = {
  schools: [
    { sourcedId: 'lhs', status: 'active', name: 'Lincoln', identifier: 'LHS' },
    { sourcedId: 'old', status: 'tobedeleted', name: 'Closed', identifier: null },
  ],
  sessions: [
    { sourcedId: 'q1', status: 'active', title: 'Q1', type: 'term', startDate: '2026-08-19', endDate: '2026-10-16', schoolYear: '2027', orgSourcedId: 'lhs' },
    { sourcedId: 'yr', status: 'active', title: '2026-2027', type: 'schoolYear', startDate: '2026-08-19', endDate: '2027-05-28', schoolYear: '2027', orgSourcedId: 'dist' },
    { sourcedId: 'past', status: 'active', title: 'Q1', type: 'term', startDate: '2025-08-19', endDate: '2025-10-16', schoolYear: '2026', orgSourcedId: 'lhs' },
  ],
  users: [
    { sourcedId: 't1', status: 'active', enabled: true, username: 'ecarter', givenName: 'Emily', familyName: 'Carter', preferredFirstName: null, email: 'ecarter@x.us', identifier: '2001', roles: [{ roleType: 'primary', role: 'teacher', orgSourcedId: 'lhs' }], agents: [] },
    { sourcedId: 's1', status: 'active', enabled: false, username: 's1', givenName: 'A', familyName: 'B', preferredFirstName: null, email: null, identifier: null, roles: [{ roleType: 'primary', role: 'student', orgSourcedId: 'lhs' }], agents: [] },
    { sourcedId: 'gone', status: 'tobedeleted', enabled: true, username: 'g', givenName: 'G', familyName: 'H', preferredFirstName: null, email: null, identifier: '9', roles: [], agents: [] },
  ],
  courses: [{ sourcedId: 'crs', status: 'active', title: 'Algebra I', courseCode: 'MA101', orgSourcedId: 'lhs' }],
  classes: [
    { sourcedId: 'k1', status: 'active', title: 'Algebra I - P1', classCode: 'MA101-1', courseSourcedId: 'crs', schoolSourcedId: 'lhs', termSourcedIds: ['yr', 'q1', 'past'] },
    { sourcedId: 'k0', status: 'active', title: 'Old', classCode: null, courseSourcedId: 'crs', schoolSourcedId: 'lhs', termSourcedIds: ['past'] },
  ],
  enrollments: [
    { sourcedId: 'e1', status: 'active', userSourcedId: 't1', classSourcedId: 'k1', role: 'teacher' },
    { sourcedId: 'e2', status: 'active', userSourcedId: 's1', classSourcedId: 'k1', role: 'student' },
    { sourcedId: 'e3', status: 'active', userSourcedId: 's1', classSourcedId: 'k1', role: 'student' },
    { sourcedId: 'e4', status: 'tobedeleted', userSourcedId: 't1', classSourcedId: 'k1', role: 'student' },
    { sourcedId: 'e5', status: 'active', userSourcedId: 'gone', classSourcedId: 'k1', role: 'student' },
    { sourcedId: 'e6', status: 'active', userSourcedId: 't1', classSourcedId: 'k0', role: 'teacher' },
  ],
};

describe('buildRosterSnapshot', () => {
  it('stores every active-year class with its active members and terms, and nothing provisioned in mappings-only mode', () => {
    const snapshot = buildRosterSnapshot(roster, { activeYear: '2026-2027', userUid: 'sourcedId' }, null);
    expect(snapshot.schools).toEqual([{ sourced_id: 'lhs', identifier: 'LHS', name: 'Lincoln', building_id: null }]);
    expect(snapshot.terms.map((t) => [t.sourced_id, t.school_sourced_id, t.grading_period_id])).toEqual([
      ['q1', 'lhs', null],
      ['yr', null, null],
    ]);
    expect(snapshot.classes).toEqual([
      { sourced_id: 'k1', title: 'Algebra I - P1', class_code: 'MA101-1', course_sourced_id: 'crs', course_title: 'Algebra I', school_sourced_id: 'lhs', term_sourced_ids: '["yr","q1"]', section_id: null },
    ]);
    expect(snapshot.users.map((u) => [u.sourced_id, u.uid, u.role])).toEqual([
      ['t1', 't1', 'teacher'],
      ['s1', 's1', 'student'],
    ]);
    expect(snapshot.enrollments).toEqual([
      { class_sourced_id: 'k1', user_sourced_id: 't1', role: 'teacher' },
      { class_sourced_id: 'k1', user_sourced_id: 's1', role: 'student' },
    ]);
  });

  it('adds the Schoology IDs of what was provisioned, and the identifier as uid when configured', () => {
    const snapshot = buildRosterSnapshot(roster, { activeYear: '2026-2027', userUid: 'identifier' }, {
      buildingOf: (s) => (s === 'lhs' ? '10' : null),
      periodOf: (t) => (t === 'q1' ? { id: '71', title: 'Q1' } : null),
      sectionOf: (c) => (c === 'k1' ? '900' : null),
    });
    expect(snapshot.schools[0]?.building_id).toBe('10');
    expect(snapshot.terms[0]).toMatchObject({ grading_period_id: '71', grading_period_title: 'Q1' });
    expect(snapshot.classes[0]?.section_id).toBe('900');
    // A user without an identifier keeps its sourcedId as uid: Schoology does not know it (skipped `no-identifier`).
    expect(snapshot.users.map((u) => u.uid)).toEqual(['2001', 's1']);
  });
});

describe('grading tasks', () => {
  it('lists each task once with its names, courses and terms, as CSV', () => {
    const item = (taskId: number | null, title: string, classSourcedId: string, term: string | null) => ({ sourcedId: `${classSourcedId}-${taskId}-${term}`, classSourcedId, title, taskId, termSourcedId: term, windowOpenFlag: null });
    const tasks = collectGradingTasks({
      lineItems: [item(201, 'Final Grade', 'k1', 'yr'), item(101, 'Quarter Grade', 'k1', 'q1'), item(101, 'Quarter Grade', 'k2', 'q2'), item(null, 'Homework', 'k1', 'q1')],
      courseOfClass: (c) => (c === 'k1' ? { sourcedId: 'crs', title: 'Algebra I' } : { sourcedId: 'bio', title: 'Biology, Honors' }),
      termTitle: (t) => ({ q1: 'Q1', yr: '2026-2027' })[t] ?? null,
    });
    expect(tasks).toEqual([
      { taskId: 101, names: ['Quarter Grade'], courses: ['Algebra I (crs)', 'Biology, Honors (bio)'], terms: ['Q1 (q1)', 'q2 (q2)'] },
      { taskId: 201, names: ['Final Grade'], courses: ['Algebra I (crs)'], terms: ['2026-2027 (yr)'] },
    ]);
    expect(gradingTasksCsv(tasks)).toBe(
      'Task ID,Task Name,Courses,Terms\n101,Quarter Grade,"Algebra I (crs); Biology, Honors (bio)",Q1 (q1); q2 (q2)\n201,Final Grade,Algebra I (crs),2026-2027 (yr)\n',
    );
  });
});

describe('RosterRunLog', () => {
  it('counts per kind, logs actions and skips with sync type and school, and counts removals as updates', () => {
    const log = new RosterRunLog();
    const write = { action: 'remove' as const, key: 'k1/s1', existingId: null, fields: {}, school: 'lhs', section: 'k1', changes: [] };
    log.wrote('enrollments', write, 'removed');
    log.wrote('users', { ...write, action: 'update', key: 's1', section: null, changes: ['name_first'] }, 'updated');
    log.wrote('users', { ...write, action: 'create', key: 's2', section: null }, 'failed', 'Email already in use');
    log.skipped('buildings', [{ key: 'RHS', reason: 'unmapped-school', school: 'rhs', section: null, message: 'not mapped' }]);
    log.unchanged('sections', 3);
    expect(log.counts.enrollments).toMatchObject({ updated: 1 });
    expect(log.counts.users).toMatchObject({ updated: 1, failed: 1 });
    expect(log.counts.buildings).toMatchObject({ skipped: 1, skippedBy: { 'unmapped-school': 1 } });
    expect(log.counts.sections.unchanged).toBe(3);
    expect(log.failed).toBe(1);
    expect(log.takeRows()).toEqual([
      { sync_type: 'enrollments', school: 'lhs', section: 'k1', object_key: 'k1/s1', outcome: 'removed', message: null },
      { sync_type: 'users', school: 'lhs', section: null, object_key: 's1', outcome: 'updated', message: 'changed: name_first' },
      { sync_type: 'users', school: 'lhs', section: null, object_key: 's2', outcome: 'failed', message: 'Email already in use' },
      { sync_type: 'schools', school: 'rhs', section: null, object_key: 'RHS', outcome: 'unmapped-school', message: 'not mapped' },
    ]);
    expect(log.takeRows()).toEqual([]);
  });
});
