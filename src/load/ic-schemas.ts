/**
 * The shapes of what Infinite Campus answers (OneRoster 1.1 and 1.2, infinite-campus-api.md).
 * Objects are loose: IC adds fields and we keep them (line items are read through configurable
 * paths), but every field we use is checked. User sourcedIds reach these schemas already in the
 * 1.2 form (no `s+` role prefix; see user-ids.ts).
 */
import { z } from 'zod';

const status = z.enum(['active', 'tobedeleted', 'inactive']);

/** A reference to another object: `{"sourcedId","type","href"}`. */
export const IcRef = z.looseObject({
  sourcedId: z.string().min(1),
  type: z.string().optional(),
  href: z.string().optional(),
});
export type IcRef = z.infer<typeof IcRef>;

const base = {
  sourcedId: z.string().min(1),
  status: status.optional(),
  dateLastModified: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
};

export const IcOrg = z.looseObject({
  ...base,
  name: z.string(),
  type: z.string(),
  identifier: z.string().nullish(),
  parent: IcRef.nullish(),
});
export type IcOrg = z.infer<typeof IcOrg>;

export const IcAcademicSession = z.looseObject({
  ...base,
  title: z.string(),
  type: z.string(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  parent: IcRef.nullish(),
  schoolYear: z.union([z.string(), z.number()]).transform(String).nullish(),
});
export type IcAcademicSession = z.infer<typeof IcAcademicSession>;

export const IcRole = z.looseObject({
  roleType: z.string().optional(),
  role: z.string(),
  org: IcRef.nullish(),
});

/** 1.2 users carry `roles[]`; 1.1 users a single `role`. */
export const IcUser = z.looseObject({
  ...base,
  username: z.string().nullish(),
  givenName: z.string().nullish(),
  familyName: z.string().nullish(),
  preferredFirstName: z.string().nullish(),
  role: z.string().nullish(),
  roles: z.array(IcRole).nullish(),
  identifier: z.string().nullish(),
  email: z.string().nullish(),
  enabledUser: z.union([z.boolean(), z.string()]).nullish(),
  orgs: z.array(IcRef).nullish(),
});
export type IcUser = z.infer<typeof IcUser>;

export const IcCourse = z.looseObject({
  ...base,
  title: z.string(),
  courseCode: z.string().nullish(),
  org: IcRef.nullish(),
  schoolYear: IcRef.nullish(),
});
export type IcCourse = z.infer<typeof IcCourse>;

export const IcClass = z.looseObject({
  ...base,
  title: z.string(),
  classCode: z.string().nullish(),
  classType: z.string().nullish(),
  course: IcRef.nullish(),
  school: IcRef,
  terms: z.array(IcRef).default([]),
});
export type IcClass = z.infer<typeof IcClass>;

export const IcEnrollment = z.looseObject({
  ...base,
  user: IcRef,
  class: IcRef,
  school: IcRef.nullish(),
  role: z.string(),
  primary: z.union([z.boolean(), z.string()]).nullish(),
  beginDate: z.string().nullish(),
  endDate: z.string().nullish(),
});
export type IcEnrollment = z.infer<typeof IcEnrollment>;

/** A gradebook line item; the task ID, term and window flag are read through configured paths. */
export const IcLineItem = z.looseObject({
  ...base,
  title: z.string(),
  class: IcRef.nullish(),
  gradingPeriod: IcRef.nullish(),
  academicSession: IcRef.nullish(),
});
export type IcLineItem = z.infer<typeof IcLineItem>;

export const IcResult = z.looseObject({
  ...base,
  lineItem: IcRef,
  student: IcRef,
  score: z.number().nullish(),
  textScore: z.string().nullish(),
  scoreStatus: z.string().nullish(),
  scoreDate: z.string().nullish(),
  comment: z.string().nullish(),
});
export type IcResult = z.infer<typeof IcResult>;

/** 1EdTech error body; IC may not follow it, so every part is optional and parsing never throws. */
export const IcErrorBody = z.looseObject({
  imsx_codeMajor: z.string().optional(),
  imsx_severity: z.string().optional(),
  imsx_description: z.string().optional(),
  imsx_CodeMinor: z
    .looseObject({
      imsx_codeMinorField: z
        .array(z.looseObject({ imsx_codeMinorFieldName: z.string().optional(), imsx_codeMinorFieldValue: z.string().optional() }))
        .optional(),
    })
    .optional(),
});
export type IcErrorBody = z.infer<typeof IcErrorBody>;

/** OAuth 2 token endpoint answer. `expires_in` is seconds; some servers send it as a string. */
export const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

/** OAuth 2 error answer (RFC 6749 5.2). */
export const TokenErrorAnswer = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});
