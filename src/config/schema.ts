/**
 * The configuration contract (README "Configuration"). This module is the only place that knows
 * defaults and limits. Secrets are `{ env }` or `{ file }`, resolved while parsing into `Secret`s;
 * relative paths are resolved against the config file's folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { Secret } from './secret.ts';

export const limits = {
  maxConcurrency: 5,
  maxBulkItems: 50,
} as const;

export const defaults = {
  store: 'sqlite:./data/gradebridge.db',
  timezone: 'UTC',
  gradeSchedule: '10:30',
  rosterSchedule: '05:00',
  minFileAgeSeconds: 120,
  shrinkGuardPercent: 50,
  scoreDecimals: 2,
  maxScore: 100,
  maxAttempts: 6,
  concurrency: 1,
  sftpTimeoutSeconds: 60,
  icTimeoutSeconds: 30,
  icPageSize: 1000,
  verifySample: 20,
  overallPeriodValues: ['Final', 'Overall', 'Course Overall'],
  schoologyBaseUrl: 'https://api.schoology.com/v1',
  schoologyRateLimit: { requests: 40, perSeconds: 5 },
  webPort: 8080,
  webHost: '127.0.0.1',
  gradingTasksFile: './data/grading-tasks.csv',
} as const;

export interface ConfigContext {
  /** Folder of the config file; relative paths are resolved against it. */
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

const schedule = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a GMT time as "HH:MM", e.g. "06:00"');

const email = z.email('expected an email address');

function makeSecret(ctx: ConfigContext) {
  return z
    .union([z.strictObject({ env: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })], {
      error: 'expected a secret as { env: NAME } or { file: PATH } (literal secrets are not allowed)',
    })
    .transform((ref, tx) => {
      if ('env' in ref) {
        const value = ctx.env[ref.env];
        if (value === undefined || value.trim() === '') {
          tx.addIssue({ code: 'custom', message: `environment variable ${ref.env} is not set` });
          return z.NEVER;
        }
        return new Secret(value.trim(), `env ${ref.env}`);
      }
      const file = path.resolve(ctx.baseDir, ref.file);
      if (!existsSync(file)) {
        tx.addIssue({ code: 'custom', message: `secret file ${file} does not exist` });
        return z.NEVER;
      }
      return new Secret(readFileSync(file, 'utf8').trim(), `file ${file}`);
    });
}

function makeFilePath(ctx: ConfigContext) {
  return z
    .string()
    .min(1)
    .transform((p) => path.resolve(ctx.baseDir, p));
}

function storeUrl(ctx: ConfigContext) {
  return z
    .string()
    .refine((url) => /^(sqlite:|postgres(ql)?:\/\/)/.test(url), 'expected sqlite:PATH or postgres://user@host/db')
    .transform((url) => (url.startsWith('sqlite:') && url !== 'sqlite::memory:' ? `sqlite:${path.resolve(ctx.baseDir, url.slice(7))}` : url));
}

const taskIds = z.array(z.number({ error: 'expected a list of numeric grading task IDs, e.g. [101, 102]' }).int().positive());

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export function makeConfigSchema(ctx: ConfigContext) {
  const secret = makeSecret(ctx);
  const filePath = makeFilePath(ctx);

  const sftp = z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(22),
      username: z.string().min(1),
      password: secret.optional(),
      privateKey: secret.optional(),
      passphrase: secret.optional(),
      hostKeySha256: z
        .string()
        .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected "SHA256:<base64>" as printed by ssh-keygen -lf')
        .optional(),
      hostKeyCheck: z.boolean().default(true),
      remoteDir: z.string().min(1).default('/'),
      timeoutSeconds: z.number().positive().default(defaults.sftpTimeoutSeconds),
    })
    .superRefine((s, tx) => {
      if (!s.password && !s.privateKey) tx.addIssue({ code: 'custom', message: 'set password or privateKey' });
      if (s.hostKeyCheck && !s.hostKeySha256)
        tx.addIssue({
          code: 'custom',
          path: ['hostKeySha256'],
          message: 'set the server\'s host key fingerprint (or hostKeyCheck: false to turn checking off)',
        });
    });

  const lineItemFields = z
    .strictObject({
      taskId: z.string().default('metadata.ext_infiniteCampus_gradingTaskID'),
      term: z.array(z.string()).default(['gradingPeriod.sourcedId', 'academicSession.sourcedId']),
      windowOpen: z.string().default('metadata.ext_infiniteCampus_isGradingWindowOpen'),
    })
    .prefault({});

  const infiniteCampus = z
    .strictObject({
      api: z.enum(['oneroster-1.2', 'oneroster-1.1', 'legacy-learningdata']).default('oneroster-1.2'),
      baseUrl: httpUrl,
      tokenUrl: httpUrl.optional(),
      clientId: secret,
      clientSecret: secret,
      vendorKey: secret.optional(),
      vendorSecret: secret.optional(),
      credentialsExpire: z.iso.date('expected a date as YYYY-MM-DD').optional(),
      lineItemFields,
      timeoutSeconds: z.number().positive().default(defaults.icTimeoutSeconds),
      maxAttempts: z.number().int().min(1).max(20).default(defaults.maxAttempts),
      pageSize: z.number().int().min(1).max(50_000).default(defaults.icPageSize),
    })
    .superRefine((ic, tx) => {
      if (ic.api !== 'legacy-learningdata' && !ic.tokenUrl)
        tx.addIssue({ code: 'custom', path: ['tokenUrl'], message: `required for api ${ic.api} (the OAuth 2 token URL)` });
      if (Boolean(ic.vendorKey) !== Boolean(ic.vendorSecret))
        tx.addIssue({ code: 'custom', path: ['vendorSecret'], message: 'set both vendorKey and vendorSecret, or neither' });
    });

  const gradePassback = z
    .strictObject({
      enabled: z.boolean().default(true),
      schedule: schedule.default(defaults.gradeSchedule),
      sftp,
      autoExportTitle: z.string().default(''),
      termTaskIds: taskIds.default([]),
      overallTaskIds: taskIds.default([]),
      letterGrades: z.boolean().default(false),
      teachersMustOptIn: z.boolean().default(false),
      mappingFile: filePath.optional(),
      identityMapping: z.boolean().default(false),
      concurrency: z.number().int().min(1).max(limits.maxConcurrency).default(defaults.concurrency),
      maxAttempts: z.number().int().min(1).max(20).optional(),
      notify: z.array(email).default([]),
      minFileAgeSeconds: z.number().min(0).default(defaults.minFileAgeSeconds),
      shrinkGuardPercent: z.number().min(0).max(100).default(defaults.shrinkGuardPercent),
      scoreDecimals: z.number().int().min(0).max(6).default(defaults.scoreDecimals),
      maxScore: z.number().positive().default(defaults.maxScore),
      decimalSeparator: z.enum(['.', ',']).default('.'),
      overallPeriodValues: z.array(z.string().min(1)).default([...defaults.overallPeriodValues]),
      columns: z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))])).default({}),
      postComments: z.boolean().default(false),
      verifySample: z.number().int().min(0).default(defaults.verifySample),
    })
    .superRefine((g, tx) => {
      if (g.termTaskIds.length === 0 && g.overallTaskIds.length === 0)
        tx.addIssue({ code: 'custom', path: ['termTaskIds'], message: 'set termTaskIds or overallTaskIds (see the grading tasks file)' });
    });

  const schoology = z.strictObject({
    baseUrl: httpUrl.default(defaults.schoologyBaseUrl),
    consumerKey: secret,
    consumerSecret: secret,
    signatureMethod: z.enum(['HMAC-SHA1', 'PLAINTEXT']).default('HMAC-SHA1'),
    rateLimit: z
      .strictObject({ requests: z.number().int().positive(), perSeconds: z.number().positive() })
      .default({ ...defaults.schoologyRateLimit }),
    timeoutSeconds: z.number().positive().default(defaults.icTimeoutSeconds),
    maxAttempts: z.number().int().min(1).max(20).default(defaults.maxAttempts),
  });

  const rosterProvisioning = z.strictObject({
    enabled: z.boolean().default(true),
    schedule: schedule.default(defaults.rosterSchedule),
    activeYear: z.string().regex(/^\d{4}-\d{4}$/, 'expected a school year as "2026-2027"'),
    provision: z.boolean().default(true),
    userUid: z.enum(['sourcedId', 'identifier']).default('sourcedId'),
    schoology: schoology.optional(),
    schools: z
      .record(z.string(), z.string().regex(/^(building:\S+|create|skip)$/, 'expected "building:<id>", "create" or "skip"'))
      .default({}),
    terms: z.record(z.string(), z.string().regex(/^(gp:\S+|create|skip)$/, 'expected "gp:<id>", "create" or "skip"')).default({}),
    roles: z
      .strictObject({
        student: z.string().min(1).optional(),
        teacher: z.string().min(1).optional(),
        administrator: z.string().min(1).optional(),
        guardian: z.string().min(1).optional(),
      })
      .default({}),
    gradingTasksFile: filePath.default(path.resolve(ctx.baseDir, defaults.gradingTasksFile)),
    notify: z.array(email).default([]),
  });

  return z
    .strictObject({
      store: storeUrl(ctx).default(storeUrlDefault(ctx)),
      timezone: z
        .string()
        .refine((tz) => IANAZone.isValidZone(tz), 'expected an IANA time zone such as America/Chicago')
        .default(defaults.timezone),
      smtp: z
        .strictObject({
          url: z.string().regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port'),
          from: email,
          user: z.string().optional(),
          password: secret.optional(),
        })
        .optional(),
      web: z
        .strictObject({
          host: z.string().default(defaults.webHost),
          port: z.number().int().min(0).max(65535).default(defaults.webPort),
          publicUrl: httpUrl.optional(),
          admins: z.array(email).default([]),
        })
        .optional(),
      infiniteCampus,
      gradingWindows: z.strictObject({ calendarFile: filePath.optional() }).default({}),
      gradePassback: gradePassback.optional(),
      rosterProvisioning: rosterProvisioning.optional(),
    })
    .superRefine((c, tx) => {
      const notifying = (c.gradePassback?.notify.length ?? 0) + (c.rosterProvisioning?.notify.length ?? 0) > 0;
      if (notifying && !c.smtp) tx.addIssue({ code: 'custom', path: ['smtp'], message: 'required when a notify list is set' });
    });
}

function storeUrlDefault(ctx: ConfigContext): string {
  return `sqlite:${path.resolve(ctx.baseDir, defaults.store.slice('sqlite:'.length))}`;
}

export type Config = z.output<ReturnType<typeof makeConfigSchema>>;
export type GradePassbackConfig = NonNullable<Config['gradePassback']>;
export type RosterConfig = NonNullable<Config['rosterProvisioning']>;
export type InfiniteCampusConfig = Config['infiniteCampus'];
export type SftpConfig = GradePassbackConfig['sftp'];
export type SchoologyConfig = NonNullable<RosterConfig['schoology']>;
export type SmtpConfig = NonNullable<Config['smtp']>;
export type WebConfig = NonNullable<Config['web']>;
