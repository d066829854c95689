/**
 * Academic sessions (`GET /academicSessions`): every term, semester and grading period, of every
 * school year IC serves; the plan keeps those of the active year.
 */
import type { z } from 'zod';
import { IcAcademicSession, IcRef } from '../load/ic-schemas.ts';
import { dateOnly, statusOf, textOrNull } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterSession } from './roster-types.ts';

/** OneRoster 1.2 adds the session's `org`; 1.1 has none. */
export const IcSessionWithOrg = IcAcademicSession.extend({ org: IcRef.nullish() });
type IcSessionWithOrg = z.infer<typeof IcSessionWithOrg>;

export const sessionsCollection: RosterCollection<IcSessionWithOrg, RosterSession> = {
  name: 'academicSessions',
  path: '/academicSessions',
  envelopeKey: 'academicSessions',
  schema: IcSessionWithOrg,
  record: RosterSession,
  delta: false,
  toRecord: (s) => ({
    sourcedId: s.sourcedId,
    status: statusOf(s.status),
    title: s.title,
    type: s.type,
    startDate: dateOnly(s.startDate),
    endDate: dateOnly(s.endDate),
    schoolYear: textOrNull(s.schoolYear),
    orgSourcedId: s.org?.sourcedId ?? null,
  }),
};
