/**
 * The Schoology REST API v1 payloads gradebridge reads and writes, as zod schemas (design
 * `schoology.md`, "Schoology REST API v1"). What comes back is normalised for comparison with IC's
 * values: IDs are strings (Schoology sends numbers or strings), optional text fields that are empty
 * become absent, and ID lists (sent as arrays or comma-separated strings) become string arrays.
 */
import { z } from 'zod';

/** Most items one bulk call may carry, and most keys one `?school_uids=` / `?section_school_codes=` lookup may carry. */
export const BULK_LIMIT = 50;
export const LOOKUP_LIMIT = 50;
/** The largest page Schoology is known to serve. */
export const PAGE_LIMIT = 200;

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** `""`, `null` and absent all mean "not set". */
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === '' ? undefined : String(value)));

/** `[1, "2"]`, `"1,2"`, `""` or absent, as `["1", "2"]` / `[]`. */
const idList = z
  .union([z.array(z.union([z.string(), z.number()])), z.string(), z.number()])
  .nullish()
  .transform((value) => {
    if (value === null || value === undefined) return [];
    const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
    return parts.map((part) => part.trim()).filter((part) => part !== '');
  });

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** `links.next` is absent (or empty) on the last page. */
export const ListLinks = z.object({ self: z.string().nullish(), next: z.string().nullish() });

/** Lifts the array Schoology sends under a kind-specific key (`user`, `section`, ...) to `items`. */
function liftItems(key: string) {
  return (body: unknown) => (body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, items: (body as Record<string, unknown>)[key] } : body);
}

/** Every list answer: one array under `key` (as `items`), plus `total` and `links`. */
export function listPage<T extends z.ZodType>(key: string, item: T) {
  return z.preprocess(
    liftItems(key),
    z.object({
      items: z.array(item).nullish().transform((items) => items ?? []),
      total: z.union([z.number(), z.string()]).transform(Number).optional(),
      links: ListLinks.optional(),
    }),
  );
}

export const School = z.object({ id, title: z.string() });
export type School = z.infer<typeof School>;

export const Building = z.object({ id, title: z.string(), building_code: optionalText });
export type Building = z.infer<typeof Building>;
export const NewBuilding = z.strictObject({ title: z.string().min(1), building_code: z.string().min(1) });
export type NewBuilding = z.infer<typeof NewBuilding>;

export const GradingPeriod = z.object({ id, title: z.string(), start: ymd, end: ymd });
export type GradingPeriod = z.infer<typeof GradingPeriod>;
export const NewGradingPeriod = z.strictObject({ title: z.string().min(1), start: ymd, end: ymd });
export type NewGradingPeriod = z.infer<typeof NewGradingPeriod>;

export const Role = z.object({ id, title: z.string() });
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id,
  school_uid: z.union([z.string(), z.number()]).transform(String),
  name_first: z.string(),
  name_last: z.string(),
  name_first_preferred: optionalText,
  username: optionalText,
  primary_email: optionalText,
  role_id: id,
  building_id: optionalText,
  additional_buildings: idList,
});
export type User = z.infer<typeof User>;

/** A user as gradebridge sends it (bulk upsert by `school_uid`). */
export const NewUser = z.strictObject({
  school_uid: z.string().min(1),
  name_first: z.string().min(1),
  name_last: z.string().min(1),
  name_first_preferred: z.string().optional(),
  username: z.string().optional(),
  primary_email: z.string().optional(),
  role_id: z.string().min(1),
  building_id: z.string().min(1).optional(),
  additional_buildings: z.array(z.string().min(1)).optional(),
});
export type NewUser = z.infer<typeof NewUser>;

export const Course = z.object({ id, title: z.string(), course_code: optionalText, building_id: optionalText });
export type Course = z.infer<typeof Course>;
/** A course as gradebridge sends it (bulk upsert by `course_code`). */
export const NewCourse = z.strictObject({ title: z.string().min(1), course_code: z.string().min(1), building_id: z.string().min(1) });
export type NewCourse = z.infer<typeof NewCourse>;

export const Section = z.object({
  id,
  course_id: id,
  title: z.string(),
  section_code: optionalText,
  section_school_code: optionalText,
  grading_periods: idList,
});
export type Section = z.infer<typeof Section>;
/** A section as gradebridge sends it (created in bulk under its course, updated one by one by ID). */
export const NewSection = z.strictObject({
  title: z.string().min(1),
  section_code: z.string().min(1),
  section_school_code: z.string().min(1),
  grading_periods: z.array(z.string().min(1)).min(1),
});
export type NewSection = z.infer<typeof NewSection>;

/** One member of a section (`GET /sections/{id}/enrollments`); `admin` 1 is a section admin (a teacher). */
export const Enrollment = z.object({
  uid: id,
  school_uid: optionalText,
  admin: z.union([z.number(), z.string(), z.boolean()]).transform((value): 0 | 1 => (Number(value) === 1 ? 1 : 0)),
});
export type Enrollment = z.infer<typeof Enrollment>;

export const EnrollmentImport = z.strictObject({
  section_school_code: z.string().min(1),
  school_uid: z.string().min(1),
  admin: z.union([z.literal(0), z.literal(1)]),
  delete: z.literal(1).optional(),
});
export type EnrollmentImport = z.infer<typeof EnrollmentImport>;

/** [assumed] field names: both are `school_uid`s. */
export const ParentLinkImport = z.strictObject({
  parent_uid: z.string().min(1),
  student_uid: z.string().min(1),
  delete: z.literal(1).optional(),
});
export type ParentLinkImport = z.infer<typeof ParentLinkImport>;

/** One entry of a bulk answer, in the order the items were sent. */
export const BulkItemAnswer = z.object({
  response_code: z.union([z.number(), z.string()]).transform(Number),
  id: id.optional(),
  message: z.string().optional(),
});
export type BulkItemAnswer = z.infer<typeof BulkItemAnswer>;

/** A bulk answer: the per-item entries under the kind's singular key (`user`, `course`, ...), as `items`. */
export function bulkAnswer(key: string) {
  return z.preprocess(liftItems(key), z.looseObject({ items: z.array(BulkItemAnswer) }));
}

/** The result of one item of a bulk write; `index` is its position in the caller's array (across chunks). */
export interface BulkItemResult {
  index: number;
  ok: boolean;
  /** Schoology's `response_code` for the item. */
  code: number;
  /** The object's Schoology ID, when created or updated. */
  id?: string;
  message?: string;
}

/** The user `GET /users/me` leads to. */
export const Me = z.object({
  id,
  name_display: optionalText,
  name_first: z.string().optional(),
  name_last: z.string().optional(),
  school_id: optionalText,
  role_id: optionalText,
});
