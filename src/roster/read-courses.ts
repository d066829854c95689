/** Courses (`GET /courses`): a Schoology course is made for each one with a provisioned class. */
import { IcCourse } from '../load/ic-schemas.ts';
import { statusOf, textOrNull } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterCourse } from './roster-types.ts';

export const coursesCollection: RosterCollection<IcCourse, RosterCourse> = {
  name: 'courses',
  path: '/courses',
  envelopeKey: 'courses',
  schema: IcCourse,
  record: RosterCourse,
  delta: true,
  toRecord: (c) => ({
    sourcedId: c.sourcedId,
    status: statusOf(c.status),
    title: c.title,
    courseCode: textOrNull(c.courseCode),
    orgSourcedId: c.org?.sourcedId ?? null,
  }),
};
