/** Teachers' opt-ins: which sections pass final grades to IC when teachers must opt in. */
import type { Store } from './open-store.ts';

export async function setOptIn(store: Store, sectionSchoolCode: string, optedIn: boolean, changedBy: string, now: Date): Promise<void> {
  const values = { section_school_code: sectionSchoolCode, opted_in: optedIn ? 1 : 0, changed_by: changedBy, changed_at: now.toISOString() } as const;
  await store.db
    .insertInto('opt_ins')
    .values(values)
    .onConflict((oc) => oc.column('section_school_code').doUpdateSet({ opted_in: values.opted_in, changed_by: changedBy, changed_at: values.changed_at }))
    .execute();
}

/** The section school codes currently opted in. */
export async function readOptedInSections(store: Store): Promise<Set<string>> {
  const rows = await store.db.selectFrom('opt_ins').select('section_school_code').where('opted_in', '=', 1).execute();
  return new Set(rows.map((row) => row.section_school_code));
}
