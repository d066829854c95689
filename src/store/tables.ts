/**
 * The database tables, as zod schemas of their rows (the boundary check for what we read back) and the
 * Kysely `Database` interface inferred from them. SQL stays portable between SQLite and PostgreSQL:
 * booleans are 0/1 integers, timestamps ISO-8601 text, structured values JSON text.
 */
import type { Generated } from 'kysely';
import { z } from 'zod';

const bool = z.union([z.literal(0), z.literal(1)]);
const num = z.coerce.number();
const optNum = z.coerce.number().nullable();

export const RunRow = z.object({
  id: z.string(),
  pipeline: z.string(),
  status: z.string(),
  trigger: z.string(),
  dry_run: bool,
  full: bool,
  scope: z.string().nullable(),
  source_file: z.string().nullable(),
  source_size: optNum,
  source_mtime: z.string().nullable(),
  source_sha256: z.string().nullable(),
  rows: num,
  counts: z.string(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  notice: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: optNum,
});
export type RunRow = z.infer<typeof RunRow>;

export const RowOutcomeRow = z.object({
  id: num,
  run_id: z.string(),
  line: optNum,
  sync_type: z.string().nullable(),
  school: z.string().nullable(),
  section: z.string().nullable(),
  student: z.string().nullable(),
  grading_period: z.string().nullable(),
  class_sourced_id: z.string().nullable(),
  student_sourced_id: z.string().nullable(),
  term_sourced_id: z.string().nullable(),
  line_item_sourced_id: z.string().nullable(),
  task_id: optNum,
  result_sourced_id: z.string().nullable(),
  object_key: z.string().nullable(),
  score: optNum,
  letter: z.string().nullable(),
  outcome: z.string(),
  message: z.string().nullable(),
});
export type RowOutcomeRow = z.infer<typeof RowOutcomeRow>;

export const LedgerRow = z.object({
  result_sourced_id: z.string(),
  line_item_sourced_id: z.string(),
  student_sourced_id: z.string(),
  class_sourced_id: z.string(),
  score: num,
  letter: z.string().nullable(),
  posted_at: z.string(),
  run_id: z.string(),
});
export type LedgerRow = z.infer<typeof LedgerRow>;

export const OptInRow = z.object({
  section_school_code: z.string(),
  opted_in: bool,
  changed_by: z.string().nullable(),
  changed_at: z.string(),
});
export type OptInRow = z.infer<typeof OptInRow>;

export const RunLockRow = z.object({
  pipeline: z.string(),
  holder: z.string(),
  run_id: z.string().nullable(),
  acquired_at: z.string(),
  expires_at: z.string(),
});
export type RunLockRow = z.infer<typeof RunLockRow>;

export const RosterSchoolRow = z.object({
  sourced_id: z.string(),
  identifier: z.string().nullable(),
  name: z.string(),
  building_id: z.string().nullable(),
});
export type RosterSchoolRow = z.infer<typeof RosterSchoolRow>;

export const RosterTermRow = z.object({
  sourced_id: z.string(),
  title: z.string(),
  type: z.string(),
  school_year: z.string().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  school_sourced_id: z.string().nullable(),
  grading_period_id: z.string().nullable(),
  grading_period_title: z.string().nullable(),
});
export type RosterTermRow = z.infer<typeof RosterTermRow>;

export const RosterClassRow = z.object({
  sourced_id: z.string(),
  title: z.string(),
  class_code: z.string().nullable(),
  course_sourced_id: z.string().nullable(),
  course_title: z.string().nullable(),
  school_sourced_id: z.string(),
  term_sourced_ids: z.string(),
  section_id: z.string().nullable(),
});
export type RosterClassRow = z.infer<typeof RosterClassRow>;

export const RosterUserRow = z.object({
  sourced_id: z.string(),
  uid: z.string(),
  identifier: z.string().nullable(),
  role: z.string(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  email: z.string().nullable(),
  username: z.string().nullable(),
});
export type RosterUserRow = z.infer<typeof RosterUserRow>;

export const RosterEnrollmentRow = z.object({
  class_sourced_id: z.string(),
  user_sourced_id: z.string(),
  role: z.string(),
});
export type RosterEnrollmentRow = z.infer<typeof RosterEnrollmentRow>;

export const SchoologyEnrollmentRow = z.object({
  section_school_code: z.string(),
  school_uid: z.string(),
  admin: bool,
  adopted: bool,
  run_id: z.string(),
  made_at: z.string(),
});
export type SchoologyEnrollmentRow = z.infer<typeof SchoologyEnrollmentRow>;

export const SchoologyParentLinkRow = z.object({
  parent_uid: z.string(),
  student_uid: z.string(),
  run_id: z.string(),
  made_at: z.string(),
});
export type SchoologyParentLinkRow = z.infer<typeof SchoologyParentLinkRow>;

export const RosterSourceObjectRow = z.object({ kind: z.string(), sourced_id: z.string(), data: z.string() });
export type RosterSourceObjectRow = z.infer<typeof RosterSourceObjectRow>;

export const WebSessionRow = z.object({
  id_hash: z.string(),
  email: z.string().nullable(),
  csrf_token: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type WebSessionRow = z.infer<typeof WebSessionRow>;

export const SignInTokenRow = z.object({
  token_hash: z.string(),
  email: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  used_at: z.string().nullable(),
});
export type SignInTokenRow = z.infer<typeof SignInTokenRow>;

export const SignInRequestRow = z.object({ address_hash: z.string(), requested_at: z.string() });
export type SignInRequestRow = z.infer<typeof SignInRequestRow>;

export const KeyValueRow = z.object({ key: z.string(), value: z.string() });
export type KeyValueRow = z.infer<typeof KeyValueRow>;

export const RunRequestRow = z.object({
  id: z.string(),
  pipeline: z.string(),
  status: z.enum(['queued', 'running', 'done']),
  trigger: z.string(),
  dry_run: bool,
  full: bool,
  scope: z.string().nullable(),
  /** JSON array of who asked (admin emails, `schedule`), merged requests included. */
  requested_by: z.string(),
  /** How many later requests were merged into this one. */
  merged: num,
  requested_at: z.string(),
  claimed_by: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  run_id: z.string().nullable(),
  run_status: z.string().nullable(),
});
export type RunRequestRow = z.infer<typeof RunRequestRow>;

export const ScheduleSlotRow = z.object({
  pipeline: z.string(),
  /** The slot's GMT time, ISO-8601 (`2026-12-02T06:00:00.000Z`). */
  slot_at: z.string(),
  status: z.enum(['skipped', 'queued', 'running', 'done']),
  trigger: z.string(),
  /** How late the slot was taken: 0 on time, more for a catch-up. */
  late_ms: num,
  claimed_by: z.string(),
  claimed_at: z.string(),
  request_id: z.string().nullable(),
  run_id: z.string().nullable(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
});
export type ScheduleSlotRow = z.infer<typeof ScheduleSlotRow>;

export interface Database {
  runs: RunRow;
  row_outcomes: Omit<RowOutcomeRow, 'id'> & { id: Generated<number> };
  ledger: LedgerRow;
  opt_ins: OptInRow;
  run_locks: RunLockRow;
  roster_schools: RosterSchoolRow;
  roster_terms: RosterTermRow;
  roster_classes: RosterClassRow;
  roster_users: RosterUserRow;
  roster_enrollments: RosterEnrollmentRow;
  settings_state: KeyValueRow;
  web_sessions: WebSessionRow;
  sign_in_tokens: SignInTokenRow;
  sign_in_requests: SignInRequestRow;
  schoology_enrollments: SchoologyEnrollmentRow;
  schoology_parent_links: SchoologyParentLinkRow;
  roster_source_objects: RosterSourceObjectRow;
  run_requests: RunRequestRow;
  schedule_slots: ScheduleSlotRow;
}
