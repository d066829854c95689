/** The district's schools (`GET /schools`): the orgs that can become Schoology buildings. */
import { IcOrg } from '../load/ic-schemas.ts';
import { statusOf, textOrNull } from './ic-values.ts';
import type { RosterCollection } from './read-collection.ts';
import { RosterSchool } from './roster-types.ts';

export const schoolsCollection: RosterCollection<IcOrg, RosterSchool> = {
  name: 'schools',
  path: '/schools',
  envelopeKey: 'orgs',
  schema: IcOrg,
  record: RosterSchool,
  delta: false,
  toRecord: (org) =>
    org.type !== 'school'
      ? null
      : { sourcedId: org.sourcedId, status: statusOf(org.status), name: org.name, identifier: textOrNull(org.identifier) },
};
