/**
 * The roster mappings the roster pipeline stores and grade passback and the status page read:
 * schools, terms (with their Schoology grading periods), classes, users and enrollments.
 */
import type { Insertable, Kysely } from 'kysely';
import type { z } from 'zod';
import {
  RosterClassRow,
  RosterEnrollmentRow,
  RosterSchoolRow,
  RosterTermRow,
  RosterUserRow,
  type Database,
} from './tables.ts';
import type { Store } from './open-store.ts';

export interface RosterSnapshot {
  schools: RosterSchoolRow[];
  terms: RosterTermRow[];
  classes: RosterClassRow[];
  users: RosterUserRow[];
  enrollments: RosterEnrollmentRow[];
}

const chunkSize = 500;

async function insertChunked<T extends keyof Database>(db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    // Kysely cannot narrow a generic table's insert type; the rows are typed by the caller's T.
    await db.insertInto(table).values(rows.slice(i, i + chunkSize) as never).execute();
  }
}

/** Replaces the stored roster with a complete new snapshot, in one transaction. */
export async function replaceRosterSnapshot(store: Store, snapshot: RosterSnapshot): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    for (const table of ['roster_schools', 'roster_terms', 'roster_classes', 'roster_users', 'roster_enrollments'] as const) {
      await trx.deleteFrom(table).execute();
    }
    await insertChunked(trx, 'roster_schools', snapshot.schools);
    await insertChunked(trx, 'roster_terms', snapshot.terms);
    await insertChunked(trx, 'roster_classes', snapshot.classes);
    await insertChunked(trx, 'roster_users', snapshot.users);
    await insertChunked(trx, 'roster_enrollments', snapshot.enrollments);
  });
}

export async function readRosterSnapshot(store: Store): Promise<RosterSnapshot> {
  const [schools, terms, classes, users, enrollments] = await Promise.all([
    store.db.selectFrom('roster_schools').selectAll().execute(),
    store.db.selectFrom('roster_terms').selectAll().execute(),
    store.db.selectFrom('roster_classes').selectAll().execute(),
    store.db.selectFrom('roster_users').selectAll().execute(),
    store.db.selectFrom('roster_enrollments').selectAll().execute(),
  ]);
  return {
    schools: schools.map((r) => RosterSchoolRow.parse(r)),
    terms: terms.map((r) => RosterTermRow.parse(r)),
    classes: classes.map((r) => RosterClassRow.parse(r)),
    users: users.map((r) => RosterUserRow.parse(r)),
    enrollments: enrollments.map((r) => RosterEnrollmentRow.parse(r)),
  };
}

const MappingClassRow = RosterClassRow.pick({ sourced_id: true, school_sourced_id: true });
const MappingUserRow = RosterUserRow.pick({ sourced_id: true, uid: true });
const MappingEnrollmentRow = RosterEnrollmentRow.pick({ class_sourced_id: true, user_sourced_id: true });
const MappingTermRow = RosterTermRow.pick({ sourced_id: true, school_sourced_id: true, grading_period_id: true, grading_period_title: true });
const MappingSchoolRow = RosterSchoolRow.pick({ sourced_id: true, identifier: true });

export interface RosterMappingRows {
  schools: z.infer<typeof MappingSchoolRow>[];
  terms: z.infer<typeof MappingTermRow>[];
  classes: z.infer<typeof MappingClassRow>[];
  users: z.infer<typeof MappingUserRow>[];
  /** Class sourcedId -> its students' user sourcedIds. */
  studentsByClass: Map<string, Set<string>>;
}

/** Enrollments read per page: a large district's quarter-million never sit in memory as rows at once. */
const defaultEnrollmentPage = 10_000;

/**
 * Only what grade passback maps with: the columns it reads and the students' enrollments. A large
 * district's full snapshot (names, emails, teachers' enrollments) is several times the size.
 */
export async function readRosterMappingRows(store: Store, options: { enrollmentPage?: number } = {}): Promise<RosterMappingRows> {
  const [schools, terms, classes, users, studentsByClass] = await Promise.all([
    store.db.selectFrom('roster_schools').select(['sourced_id', 'identifier']).execute(),
    store.db.selectFrom('roster_terms').select(['sourced_id', 'school_sourced_id', 'grading_period_id', 'grading_period_title']).execute(),
    store.db.selectFrom('roster_classes').select(['sourced_id', 'school_sourced_id']).execute(),
    store.db.selectFrom('roster_users').select(['sourced_id', 'uid']).execute(),
    readStudentsByClass(store, options.enrollmentPage ?? defaultEnrollmentPage),
  ]);
  return {
    schools: schools.map((r) => MappingSchoolRow.parse(r)),
    terms: terms.map((r) => MappingTermRow.parse(r)),
    classes: classes.map((r) => MappingClassRow.parse(r)),
    users: users.map((r) => MappingUserRow.parse(r)),
    studentsByClass,
  };
}

/**
 * Student enrollments page by page, in primary key order (keyset pagination), into the lookup. Each
 * student's ID is kept once, however many classes list it: a district's quarter-million enrollments
 * would otherwise hold a string per row (7 MiB at 250,000).
 */
async function readStudentsByClass(store: Store, enrollmentPage: number): Promise<Map<string, Set<string>>> {
  const byClass = new Map<string, Set<string>>();
  const studentIds = new Map<string, string>();
  const once = (id: string): string => {
    const kept = studentIds.get(id);
    if (kept !== undefined) return kept;
    studentIds.set(id, id);
    return id;
  };
  const students = store.db
    .selectFrom('roster_enrollments')
    .select(['class_sourced_id', 'user_sourced_id'])
    .where('role', '=', 'student')
    .orderBy('class_sourced_id')
    .orderBy('user_sourced_id')
    .limit(enrollmentPage);
  for (let after: z.infer<typeof MappingEnrollmentRow> | undefined; ; ) {
    const from = after;
    const page = await (from
      ? students.where((eb) =>
          eb.or([
            eb('class_sourced_id', '>', from.class_sourced_id),
            eb.and([eb('class_sourced_id', '=', from.class_sourced_id), eb('user_sourced_id', '>', from.user_sourced_id)]),
          ]),
        )
      : students
    ).execute();
    for (const raw of page) {
      const row = MappingEnrollmentRow.parse(raw);
      const student = once(row.user_sourced_id);
      const inClass = byClass.get(row.class_sourced_id);
      if (inClass) inClass.add(student);
      else byClass.set(row.class_sourced_id, new Set([student]));
      after = row;
    }
    if (page.length < enrollmentPage) return byClass;
  }
}

/** Section school codes (IC class sourcedIds) a teacher, known by email, teaches. */
export async function sectionsOfTeacher(store: Store, email: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('roster_enrollments as e')
    .innerJoin('roster_users as u', 'u.sourced_id', 'e.user_sourced_id')
    .select('e.class_sourced_id')
    .where('e.role', '=', 'teacher')
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email.toLowerCase()))
    .execute();
  return rows.map((r) => r.class_sourced_id).sort();
}

export async function isKnownTeacherEmail(store: Store, email: string): Promise<boolean> {
  return (await sectionsOfTeacher(store, email)).length > 0;
}
