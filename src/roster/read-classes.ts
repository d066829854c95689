/** Classes (`GET /classes`): each becomes a Schoology section whose section school code is its sourcedId. */
import { IcClass } from '../load/ic-schemas.ts';
import { statusOf, textOrNull } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterClass } from './roster-types.ts';

export const classesCollection: RosterCollection<IcClass, RosterClass> = {
  name: 'classes',
  path: '/classes',
  envelopeKey: 'classes',
  schema: IcClass,
  record: RosterClass,
  delta: true,
  toRecord: (c) => ({
    sourcedId: c.sourcedId,
    status: statusOf(c.status),
    title: c.title,
    classCode: textOrNull(c.classCode),
    courseSourcedId: c.course?.sourcedId ?? null,
    schoolSourcedId: c.school.sourcedId,
    termSourcedIds: c.terms.map((t) => t.sourcedId),
  }),
};
