/**
 * The Schoology client's public contract: what roster provisioning calls. Each method is one
 * Schoology operation (one file each in this folder); lists follow `links.next` to the end, bulk
 * writes go out in chunks of at most 50 and report every item, lookups go out in chunks of 50 keys.
 *
 * Errors (SchoologyError codes): SCHOOLOGY_CREDENTIALS_REJECTED (401/403), SCHOOLOGY_PLAINTEXT_INSECURE
 * (PLAINTEXT over http to a non-loopback host, refused before sending), SCHOOLOGY_UNAVAILABLE (429,
 * 5xx, timeouts or resets on every attempt), SCHOOLOGY_REQUEST_REJECTED (any other 4xx for a whole
 * call, with Schoology's message and `status`), SCHOOLOGY_UNEXPECTED_RESPONSE (an answer that does not
 * fit its schema). A bulk item Schoology refused is not an error: it is a BulkItemResult with `ok: false`.
 */
import type { Logger } from 'pino';
import type { SchoologyConfig } from '../../config/schema.ts';
import type {
  Building,
  BulkItemResult,
  Course,
  Enrollment,
  EnrollmentImport,
  GradingPeriod,
  NewBuilding,
  NewCourse,
  NewGradingPeriod,
  NewSection,
  NewUser,
  ParentLinkImport,
  Role,
  School,
  Section,
  User,
} from './schemas.ts';

export type {
  Building,
  BulkItemResult,
  Course,
  Enrollment,
  EnrollmentImport,
  GradingPeriod,
  NewBuilding,
  NewCourse,
  NewGradingPeriod,
  NewSection,
  NewUser,
  ParentLinkImport,
  Role,
  School,
  Section,
  User,
};

/** One HTTP exchange, reported for metrics and tests (never carries headers or bodies). */
export interface SchoologyRequestEvent {
  method: string;
  /** Path below the base URL's host, no query: `/v1/users`. */
  path: string;
  status?: number;
  durationMs: number;
  /** 1 for the first try of a call, 2.. for retries. */
  attempt: number;
  /** Network error code when no answer came. */
  error?: string;
}

export interface SchoologyClientOptions {
  config: SchoologyConfig;
  logger?: Logger;
  /** Waits for the rate limiter and between retries; tests pass one that advances a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch, for the rate limiter, `Retry-After` dates and OAuth timestamps. */
  now?: () => number;
  /** Jitter source for backoff without `Retry-After`. */
  random?: () => number;
  onRequest?: (event: SchoologyRequestEvent) => void;
  signal?: AbortSignal;
}

export interface SchoologyRequestCount {
  /** GET requests sent (redirects and retries included). */
  reads: number;
  /** POST/PUT requests sent (retries included). */
  writes: number;
  /** Bulk write calls made (one per chunk of at most 50, retries not counted twice). */
  bulkCalls: number;
}

export interface SchoologyClient {
  /** The API user (`GET /users/me`, its 303 followed with a freshly signed request). */
  me(): Promise<{ id: string; name: string }>;
  /** The district's schools (`GET /schools`); the first is the one buildings live under. */
  listSchools(): Promise<School[]>;
  listBuildings(): Promise<Building[]>;
  /** Not retried after an answer that may mean it was created (5xx, timeout); 4xx -> SCHOOLOGY_REQUEST_REJECTED. */
  createBuilding(building: NewBuilding): Promise<Building>;
  listGradingPeriods(): Promise<GradingPeriod[]>;
  /** Titles are unique across the district: a taken title is SCHOOLOGY_REQUEST_REJECTED (status 400/409). */
  createGradingPeriod(period: NewGradingPeriod): Promise<GradingPeriod>;
  listRoles(): Promise<Role[]>;
  /** Users with these `school_uid`s; unknown ones are simply absent. */
  findUsersBySchoolUid(uids: readonly string[]): Promise<User[]>;
  /** Bulk upsert by `school_uid` (`update_existing=1`). */
  upsertUsers(users: readonly NewUser[]): Promise<BulkItemResult[]>;
  /** Every course, or those of one building. */
  listCourses(buildingId?: string): Promise<Course[]>;
  /** Bulk upsert by `course_code` (`update_existing=1`). */
  upsertCourses(courses: readonly NewCourse[]): Promise<BulkItemResult[]>;
  findSectionsBySchoolCode(codes: readonly string[]): Promise<Section[]>;
  listCourseSections(courseId: string): Promise<Section[]>;
  /** Bulk create under one course. Not retried after an answer that may mean they were created. */
  createSections(courseId: string, sections: readonly NewSection[]): Promise<BulkItemResult[]>;
  /** `PUT /sections/{id}`: bulk `update_existing` matches on section code + grading periods, so updates go by ID. */
  updateSection(sectionId: string, changes: Partial<NewSection>): Promise<void>;
  listSectionEnrollments(sectionId: string): Promise<Enrollment[]>;
  /** Adds, re-flags or (`delete: 1`) removes enrollments; removing one already gone counts as done (`ok: true`). */
  importEnrollments(items: readonly EnrollmentImport[]): Promise<BulkItemResult[]>;
  /** Links guardians to students by `school_uid`; removing a link already gone counts as done. */
  importParentLinks(items: readonly ParentLinkImport[]): Promise<BulkItemResult[]>;
  requestCount(): SchoologyRequestCount;
  /** Closes the client's connections. */
  close(): Promise<void>;
}
