/**
 * What gradebridge itself made in Schoology: enrollments (section school code + school_uid, with the
 * admin flag sent) and parent links. The roster removes only what is recorded here; anything
 * enrolled by hand in Schoology is never touched. An enrollment Schoology already had when
 * gradebridge imported it (IC lists what someone enrolled by hand) is recorded as `adopted`, so a
 * re-flagged admin is still compared, but it is never removed.
 */
import { chunk } from '../chunk.ts';
import { SchoologyEnrollmentRow, SchoologyParentLinkRow } from './tables.ts';
import type { Store } from './open-store.ts';

export interface MadeEnrollment {
  sectionSchoolCode: string;
  schoolUid: string;
  admin: boolean;
  adopted: boolean;
}

export interface MadeParentLink {
  parentUid: string;
  studentUid: string;
}

const insertChunk = 500;
const deleteChunk = 250;

export async function readMadeEnrollments(store: Store): Promise<MadeEnrollment[]> {
  const rows = await store.db.selectFrom('schoology_enrollments').selectAll().execute();
  return rows.map((raw) => {
    const row = SchoologyEnrollmentRow.parse(raw);
    return { sectionSchoolCode: row.section_school_code, schoolUid: row.school_uid, admin: row.admin === 1, adopted: row.adopted === 1 };
  });
}

/** Records enrollments Schoology accepted (a re-import replaces the admin flag; whether it was adopted stays as first recorded). */
export async function recordMadeEnrollments(store: Store, runId: string, made: readonly MadeEnrollment[], at: Date): Promise<void> {
  for (const part of chunk(made, insertChunk)) {
    await store.db
      .insertInto('schoology_enrollments')
      .values(
        part.map((e) => ({
          section_school_code: e.sectionSchoolCode,
          school_uid: e.schoolUid,
          admin: e.admin ? (1 as const) : (0 as const),
          adopted: e.adopted ? (1 as const) : (0 as const),
          run_id: runId,
          made_at: at.toISOString(),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['section_school_code', 'school_uid']).doUpdateSet((eb) => ({
          admin: eb.ref('excluded.admin'),
          run_id: eb.ref('excluded.run_id'),
          made_at: eb.ref('excluded.made_at'),
        })),
      )
      .execute();
  }
}

/** Forgets enrollments removed from Schoology (or found already gone). */
export async function forgetMadeEnrollments(store: Store, removed: readonly Pick<MadeEnrollment, 'sectionSchoolCode' | 'schoolUid'>[]): Promise<void> {
  for (const part of chunk(removed, deleteChunk)) {
    await store.db
      .deleteFrom('schoology_enrollments')
      .where((eb) => eb.or(part.map((e) => eb.and([eb('section_school_code', '=', e.sectionSchoolCode), eb('school_uid', '=', e.schoolUid)]))))
      .execute();
  }
}

export async function readMadeParentLinks(store: Store): Promise<MadeParentLink[]> {
  const rows = await store.db.selectFrom('schoology_parent_links').selectAll().execute();
  return rows.map((raw) => {
    const row = SchoologyParentLinkRow.parse(raw);
    return { parentUid: row.parent_uid, studentUid: row.student_uid };
  });
}

export async function recordMadeParentLinks(store: Store, runId: string, made: readonly MadeParentLink[], at: Date): Promise<void> {
  for (const part of chunk(made, insertChunk)) {
    await store.db
      .insertInto('schoology_parent_links')
      .values(part.map((l) => ({ parent_uid: l.parentUid, student_uid: l.studentUid, run_id: runId, made_at: at.toISOString() })))
      .onConflict((oc) =>
        oc.columns(['parent_uid', 'student_uid']).doUpdateSet((eb) => ({ run_id: eb.ref('excluded.run_id'), made_at: eb.ref('excluded.made_at') })),
      )
      .execute();
  }
}

export async function forgetMadeParentLinks(store: Store, removed: readonly MadeParentLink[]): Promise<void> {
  for (const part of chunk(removed, deleteChunk)) {
    await store.db
      .deleteFrom('schoology_parent_links')
      .where((eb) => eb.or(part.map((l) => eb.and([eb('parent_uid', '=', l.parentUid), eb('student_uid', '=', l.studentUid)]))))
      .execute();
  }
}
