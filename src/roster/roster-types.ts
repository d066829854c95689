/**
 * The roster as the provisioning pipeline works with it: compact records of what IC holds, read once
 * and kept small (a district has hundreds of thousands of enrollments), and the vocabulary of
 * outcomes. The records are zod schemas because they are also stored between runs (delta reads).
 *
 * - **IC roster**: the complete snapshot of one district's OneRoster objects, after a full or delta read.
 * - **kind**: a Schoology object type the run provisions (buildings ... enrollments); counts are per kind.
 * - **sync type**: the kind as the run log names it (schools, terms, users, courses, sections, enrollments).
 */
import { z } from 'zod';
import type { RosterKind } from '../../pipelines/run-summary.ts';

const status = z.enum(['active', 'tobedeleted']);

export const RosterSchool = z.object({
  sourcedId: z.string(),
  status,
  name: z.string(),
  identifier: z.string().nullable(),
});
export type RosterSchool = z.infer<typeof RosterSchool>;

export const RosterSession = z.object({
  sourcedId: z.string(),
  status,
  title: z.string(),
  type: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  schoolYear: z.string().nullable(),
  /** The org whose calendar it is (OneRoster 1.2 `org`); null when IC does not say (1.1). */
  orgSourcedId: z.string().nullable(),
});
export type RosterSession = z.infer<typeof RosterSession>;

export const RosterUserRole = z.object({ roleType: z.string().nullable(), role: z.string(), orgSourcedId: z.string().nullable() });
export type RosterUserRole = z.infer<typeof RosterUserRole>;

export const RosterUser = z.object({
  sourcedId: z.string(),
  status,
  enabled: z.boolean(),
  username: z.string().nullable(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  preferredFirstName: z.string().nullable(),
  email: z.string().nullable(),
  identifier: z.string().nullable(),
  /** Primary role first. OneRoster 1.1's single `role` becomes one role per org. */
  roles: z.array(RosterUserRole),
  /** OneRoster `agents`: a guardian's children, a student's guardians. */
  agents: z.array(z.string()),
});
export type RosterUser = z.infer<typeof RosterUser>;

export const RosterCourse = z.object({
  sourcedId: z.string(),
  status,
  title: z.string(),
  courseCode: z.string().nullable(),
  orgSourcedId: z.string().nullable(),
});
export type RosterCourse = z.infer<typeof RosterCourse>;

export const RosterClass = z.object({
  sourcedId: z.string(),
  status,
  title: z.string(),
  classCode: z.string().nullable(),
  courseSourcedId: z.string().nullable(),
  schoolSourcedId: z.string(),
  termSourcedIds: z.array(z.string()),
});
export type RosterClass = z.infer<typeof RosterClass>;

export const RosterEnrollment = z.object({
  sourcedId: z.string(),
  status,
  userSourcedId: z.string(),
  classSourcedId: z.string(),
  role: z.string(),
});
export type RosterEnrollment = z.infer<typeof RosterEnrollment>;

/** Everything IC holds for the district, as read by one run (tobedeleted objects included). */
export interface IcRoster {
  schools: RosterSchool[];
  sessions: RosterSession[];
  users: RosterUser[];
  courses: RosterCourse[];
  classes: RosterClass[];
  enrollments: RosterEnrollment[];
}

/** Reasons an IC object is not provisioned (README "Roster rules in detail"), plus the few the spec left to us. */
export const rosterSkipReasons = [
  'unmapped-school',
  'unmapped-term',
  'other-year',
  'role-not-synced',
  'username-has-space',
  'disabled-user',
  /** `userUid: identifier` and the user has none. */
  'no-identifier',
  /** A course none of whose classes is provisioned. */
  'no-class-provisioned',
  /** Two created grading periods would need the same title (every school suffix is taken). */
  'grading-period-title-taken',
  /** A reference to an object IC did not list (an enrollment of an unknown class or user). */
  'unknown-reference',
  /** Something it depends on failed to be written in this run (the failure is reported on that object). */
  'dependency-failed',
] as const;
export type RosterSkipReason = (typeof rosterSkipReasons)[number];

export type RosterWriteOutcome = 'created' | 'updated' | 'unchanged' | 'failed' | 'removed';
export type RosterOutcome = RosterWriteOutcome | RosterSkipReason;

export type SyncType = 'schools' | 'terms' | 'users' | 'courses' | 'sections' | 'enrollments';

export const syncTypeOf: Record<RosterKind, SyncType> = {
  buildings: 'schools',
  gradingPeriods: 'terms',
  users: 'users',
  courses: 'courses',
  sections: 'sections',
  enrollments: 'enrollments',
};

/** A reference to a Schoology object: one that exists (its ID) or one this run plans to create (its key). */
export type SchoologyRef = { id: string } | { planned: string };

export function refKey(ref: SchoologyRef): string {
  return 'id' in ref ? `id:${ref.id}` : `planned:${ref.planned}`;
}
