/**
 * The data set the Infinite Campus sandbox serves: a district's OneRoster objects in a compact form
 * (references are plain sourcedIds; the server renders them as OneRoster references per mode), plus
 * the grading-task line items, score scales and grading-window dates that IC keeps behind them.
 * User sourcedIds are in the 1.2 form (no role prefix); the 1.1 modes add the prefix when serving.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectFile } from '../../src/project-files.ts';

/** The fixture district (`fixtures/district/`): the data set, export files, mapping and calendar. */
export const fixturesDir = projectFile('fixtures/district');

const sourcedId = z.string().min(1);
const status = z.enum(['active', 'tobedeleted']);
const base = {
  sourcedId,
  status: status.default('active'),
  dateLastModified: z.iso.datetime({ offset: true }),
};

export const IcDatasetOrg = z.strictObject({
  ...base,
  name: z.string().min(1),
  type: z.enum(['national', 'state', 'local', 'district', 'school', 'department']),
  identifier: z.string().optional(),
  parent: sourcedId.optional(),
});

export const IcDatasetAcademicSession = z.strictObject({
  ...base,
  title: z.string().min(1),
  type: z.enum(['schoolYear', 'semester', 'term', 'gradingPeriod']),
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  parent: sourcedId.optional(),
  /** The year the school year ends: "2027" for 2026-2027. */
  schoolYear: z.string().regex(/^\d{4}$/),
  /** The school (or district) whose calendar this session belongs to. */
  org: sourcedId,
});

export const IcDatasetCourse = z.strictObject({
  ...base,
  title: z.string().min(1),
  courseCode: z.string().min(1),
  org: sourcedId,
  /** The schoolYear academic session. */
  schoolYear: sourcedId,
});

export const IcDatasetClass = z.strictObject({
  ...base,
  title: z.string().min(1),
  classCode: z.string().min(1),
  classType: z.enum(['homeroom', 'scheduled']),
  course: sourcedId,
  school: sourcedId,
  terms: z.array(sourcedId).min(1),
  periods: z.array(z.string()).default([]),
});

export const userRoles = ['student', 'teacher', 'administrator', 'aide', 'guardian', 'parent', 'relative', 'proctor'] as const;

export const IcDatasetUser = z.strictObject({
  ...base,
  username: z.string().min(1),
  givenName: z.string().min(1),
  familyName: z.string().min(1),
  middleName: z.string().optional(),
  preferredFirstName: z.string().optional(),
  identifier: z.string().min(1),
  email: z.string().optional(),
  enabledUser: z.boolean(),
  roles: z
    .array(z.strictObject({ roleType: z.enum(['primary', 'secondary']), role: z.enum(userRoles), org: sourcedId }))
    .min(1),
  /** Guardians: their children; students: their guardians (OneRoster `agents`). */
  agents: z.array(sourcedId).default([]),
  grades: z.array(z.string()).default([]),
});

export const IcDatasetEnrollment = z.strictObject({
  ...base,
  user: sourcedId,
  class: sourcedId,
  role: z.enum(['student', 'teacher', 'administrator', 'aide', 'guardian', 'proctor']),
  primary: z.boolean().default(false),
  beginDate: z.iso.date().optional(),
  endDate: z.iso.date().optional(),
});

export const IcDatasetScoreScale = z.strictObject({
  ...base,
  title: z.string().min(1),
  type: z.string().min(1),
  /** Allowed letters are the `itemValueLHS` values (OneRoster 1.2 scoreScaleValue). */
  scoreScaleValue: z.array(z.strictObject({ itemValueLHS: z.string().min(1), itemValueRHS: z.string() })).min(1),
});

export const IcDatasetLineItem = z.strictObject({
  ...base,
  title: z.string().min(1),
  class: sourcedId,
  /** The IC term the grading task is attached to (1.2 `gradingPeriod`, 1.1 `academicSession`). */
  gradingPeriod: sourcedId,
  /** IC grading task ID, served as `metadata.ext_infiniteCampus_gradingTaskID`. */
  taskId: z.string().regex(/^\d+$/),
  /** IC's window flag as IC sends it; absent: IC does not say and the window dates decide. */
  windowOpen: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  isStandard: z.boolean().default(false),
  isOneTime: z.boolean().default(false),
  scoreScale: sourcedId.optional(),
  assignDate: z.iso.date(),
  dueDate: z.iso.date(),
});

/** A grading window as IC keeps it: per school, task and term, with instants (ISO with offset). */
export const IcDatasetGradingWindow = z.strictObject({
  school: sourcedId,
  taskId: z.string().regex(/^\d+$/),
  term: sourcedId,
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
});

export const IcDataset = z
  .strictObject({
    /** The district time zone (windows.csv is written in it). */
    timezone: z.string().min(1),
    orgs: z.array(IcDatasetOrg),
    academicSessions: z.array(IcDatasetAcademicSession),
    courses: z.array(IcDatasetCourse),
    classes: z.array(IcDatasetClass),
    users: z.array(IcDatasetUser),
    enrollments: z.array(IcDatasetEnrollment),
    scoreScales: z.array(IcDatasetScoreScale).default([]),
    lineItems: z.array(IcDatasetLineItem).default([]),
    gradingWindows: z.array(IcDatasetGradingWindow).default([]),
  })
  .superRefine((d, tx) => {
    const ids = (list: readonly { sourcedId: string }[]) => new Set(list.map((o) => o.sourcedId));
    const known = {
      orgs: ids(d.orgs),
      academicSessions: ids(d.academicSessions),
      courses: ids(d.courses),
      classes: ids(d.classes),
      users: ids(d.users),
      scoreScales: ids(d.scoreScales),
    };
    const check = (kind: keyof typeof known, id: string | undefined, where: (string | number)[]) => {
      if (id !== undefined && !known[kind].has(id))
        tx.addIssue({ code: 'custom', path: where, message: `unknown ${kind} sourcedId ${id}` });
    };
    for (const [key, list] of Object.entries({
      orgs: d.orgs,
      academicSessions: d.academicSessions,
      courses: d.courses,
      classes: d.classes,
      users: d.users,
      enrollments: d.enrollments,
      scoreScales: d.scoreScales,
      lineItems: d.lineItems,
    })) {
      const seen = new Set<string>();
      list.forEach((o, i) => {
        if (seen.has(o.sourcedId)) tx.addIssue({ code: 'custom', path: [key, i, 'sourcedId'], message: `duplicate sourcedId ${o.sourcedId}` });
        seen.add(o.sourcedId);
      });
    }
    d.orgs.forEach((o, i) => check('orgs', o.parent, ['orgs', i, 'parent']));
    d.academicSessions.forEach((s, i) => {
      check('academicSessions', s.parent, ['academicSessions', i, 'parent']);
      check('orgs', s.org, ['academicSessions', i, 'org']);
    });
    d.courses.forEach((c, i) => {
      check('orgs', c.org, ['courses', i, 'org']);
      check('academicSessions', c.schoolYear, ['courses', i, 'schoolYear']);
    });
    d.classes.forEach((c, i) => {
      check('courses', c.course, ['classes', i, 'course']);
      check('orgs', c.school, ['classes', i, 'school']);
      c.terms.forEach((t, j) => check('academicSessions', t, ['classes', i, 'terms', j]));
    });
    d.users.forEach((u, i) => {
      u.roles.forEach((r, j) => check('orgs', r.org, ['users', i, 'roles', j, 'org']));
      u.agents.forEach((a, j) => check('users', a, ['users', i, 'agents', j]));
    });
    d.enrollments.forEach((e, i) => {
      check('users', e.user, ['enrollments', i, 'user']);
      check('classes', e.class, ['enrollments', i, 'class']);
    });
    d.lineItems.forEach((l, i) => {
      check('classes', l.class, ['lineItems', i, 'class']);
      check('academicSessions', l.gradingPeriod, ['lineItems', i, 'gradingPeriod']);
      check('scoreScales', l.scoreScale, ['lineItems', i, 'scoreScale']);
    });
    d.gradingWindows.forEach((w, i) => {
      check('orgs', w.school, ['gradingWindows', i, 'school']);
      check('academicSessions', w.term, ['gradingWindows', i, 'term']);
    });
  });
export type IcDataset = z.output<typeof IcDataset>;
export type IcDatasetInput = z.input<typeof IcDataset>;
export type IcDatasetOrg = z.output<typeof IcDatasetOrg>;
export type IcDatasetAcademicSession = z.output<typeof IcDatasetAcademicSession>;
export type IcDatasetCourse = z.output<typeof IcDatasetCourse>;
export type IcDatasetClass = z.output<typeof IcDatasetClass>;
export type IcDatasetUser = z.output<typeof IcDatasetUser>;
export type IcDatasetEnrollment = z.output<typeof IcDatasetEnrollment>;
export type IcDatasetScoreScale = z.output<typeof IcDatasetScoreScale>;
export type IcDatasetLineItem = z.output<typeof IcDatasetLineItem>;
export type IcDatasetGradingWindow = z.output<typeof IcDatasetGradingWindow>;

/** Reads and validates a data set file; the error names the path of every problem. */
export function loadIcDataset(file: string): IcDataset {
  const parsed = IcDataset.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`Invalid IC sandbox data set ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The fixture district's data set (`fixtures/district/oneroster.json`). */
export function loadDistrictDataset(): IcDataset {
  return loadIcDataset(path.join(fixturesDir, 'oneroster.json'));
}
