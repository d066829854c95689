/**
 * The reads the status page needs beyond the other repositories: one teacher's sections with their
 * terms and class sizes, names for student IDs, opt-in states, and counts and facets of a run's row
 * outcomes for filters and paging. Each is one targeted query, not a read of the whole roster.
 */
import { z } from 'zod';
import { OptInRow, RosterClassRow, RosterSchoolRow, RosterTermRow, RosterUserRow } from './tables.ts';
import type { Store } from './open-store.ts';
import type { RowOutcomeFilter } from './row-outcomes.ts';

export interface TeacherSection {
  sectionSchoolCode: string;
  title: string;
  classCode: string | null;
  courseTitle: string | null;
  schoolSourcedId: string;
  termSourcedIds: string[];
  students: number;
}

const termIdList = z.array(z.string());

/** The classes a teacher (by email, case-insensitive) teaches, with their number of students. */
export async function readTeacherSections(store: Store, email: string): Promise<TeacherSection[]> {
  const classes = await store.db
    .selectFrom('roster_classes as c')
    .innerJoin('roster_enrollments as e', 'e.class_sourced_id', 'c.sourced_id')
    .innerJoin('roster_users as u', 'u.sourced_id', 'e.user_sourced_id')
    .selectAll('c')
    .where('e.role', '=', 'teacher')
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email.trim().toLowerCase()))
    .execute();
  const rows = [...new Map(classes.map((c) => [c.sourced_id, RosterClassRow.parse(c)])).values()];
  if (rows.length === 0) return [];
  const counts = await store.db
    .selectFrom('roster_enrollments')
    .select(['class_sourced_id', (eb) => eb.fn.countAll().as('n')])
    .where('role', '=', 'student')
    .where(
      'class_sourced_id',
      'in',
      rows.map((r) => r.sourced_id),
    )
    .groupBy('class_sourced_id')
    .execute();
  const studentsByClass = new Map(counts.map((c) => [c.class_sourced_id, Number(c.n)]));
  return rows
    .map((row) => ({
      sectionSchoolCode: row.sourced_id,
      title: row.title,
      classCode: row.class_code,
      courseTitle: row.course_title,
      schoolSourcedId: row.school_sourced_id,
      termSourcedIds: termIdList.parse(JSON.parse(row.term_sourced_ids)),
      students: studentsByClass.get(row.sourced_id) ?? 0,
    }))
    .sort((a, b) => (a.courseTitle ?? a.title).localeCompare(b.courseTitle ?? b.title) || a.sectionSchoolCode.localeCompare(b.sectionSchoolCode));
}

export async function readTerms(store: Store, sourcedIds: readonly string[]): Promise<RosterTermRow[]> {
  if (sourcedIds.length === 0) return [];
  const rows = await store.db.selectFrom('roster_terms').selectAll().where('sourced_id', 'in', [...sourcedIds]).execute();
  return rows.map((r) => RosterTermRow.parse(r));
}

export async function readSchools(store: Store): Promise<RosterSchoolRow[]> {
  const rows = await store.db.selectFrom('roster_schools').selectAll().orderBy('name').execute();
  return rows.map((r) => RosterSchoolRow.parse(r));
}

/** Roster users whose uid (the Schoology unique ID the export carries) is among `uids`. */
export async function readUsersByUid(store: Store, uids: readonly string[]): Promise<Map<string, RosterUserRow>> {
  const found = new Map<string, RosterUserRow>();
  const unique = [...new Set(uids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await store.db.selectFrom('roster_users').selectAll().where('uid', 'in', unique.slice(i, i + 500)).execute();
    for (const row of rows) {
      const user = RosterUserRow.parse(row);
      found.set(user.uid, user);
    }
  }
  return found;
}

/** Email addresses of every rostered teacher, for the admin's "view as teacher" list. */
export async function listTeacherEmails(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('roster_users as u')
    .innerJoin('roster_enrollments as e', 'e.user_sourced_id', 'u.sourced_id')
    .select('u.email')
    .distinct()
    .where('e.role', '=', 'teacher')
    .where('u.email', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.email ? [r.email] : [])).sort((a, b) => a.localeCompare(b));
}

/** Each section's recorded opt-in, for the sections asked about. */
export async function readOptIns(store: Store, sections: readonly string[]): Promise<Map<string, OptInRow>> {
  if (sections.length === 0) return new Map();
  const rows = await store.db.selectFrom('opt_ins').selectAll().where('section_school_code', 'in', [...sections]).execute();
  return new Map(rows.map((r) => [r.section_school_code, OptInRow.parse(r)]));
}

/** How many row outcomes of a run match the filter (paging ignored). */
export async function countRowOutcomes(store: Store, runId: string, filter: RowOutcomeFilter = {}): Promise<number> {
  let query = store.db
    .selectFrom('row_outcomes')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('run_id', '=', runId);
  if (filter.school) query = query.where('school', '=', filter.school);
  if (filter.section) query = query.where('section', '=', filter.section);
  if (filter.sections) query = query.where('section', 'in', filter.sections.length ? [...filter.sections] : ['']);
  if (filter.syncType) query = query.where('sync_type', '=', filter.syncType);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface OutcomeFacets {
  outcomes: Map<string, number>;
  schools: Map<string, number>;
  syncTypes: Map<string, number>;
}

/** The distinct outcomes, schools and sync types of a run's rows with their counts, for filter choices. */
export async function readRowOutcomeFacets(store: Store, runId: string): Promise<OutcomeFacets> {
  const facet = async (column: 'outcome' | 'school' | 'sync_type') => {
    const rows = await store.db
      .selectFrom('row_outcomes')
      .select([column, (eb) => eb.fn.countAll().as('n')])
      .where('run_id', '=', runId)
      .where(column, 'is not', null)
      .groupBy(column)
      .orderBy(column)
      .execute();
    return new Map(rows.map((r) => [String(r[column]), Number(r.n)]));
  };
  return { outcomes: await facet('outcome'), schools: await facet('school'), syncTypes: await facet('sync_type') };
}
