/**
 * Enrollments (`GET /enrollments`). Always read in full: removing the enrollments IC no longer has
 * is the one thing the roster deletes, and an enrollment IC drops without a `tobedeleted` mark would
 * never show up in a delta read. An enrollment IC still lists counts whatever its end date: a
 * semester's sections keep their students until IC drops them, so final grades can still be exported.
 */
import { IcEnrollment } from '../load/ic-schemas.ts';
import { statusOf } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterEnrollment } from './roster-types.ts';

export const enrollmentsCollection: RosterCollection<IcEnrollment, RosterEnrollment> = {
  name: 'enrollments',
  path: '/enrollments',
  envelopeKey: 'enrollments',
  schema: IcEnrollment,
  record: RosterEnrollment,
  delta: false,
  toRecord: (e) => ({
    sourcedId: e.sourcedId,
    status: statusOf(e.status),
    userSourcedId: e.user.sourcedId,
    classSourcedId: e.class.sourcedId,
    role: e.role.trim(),
  }),
};
