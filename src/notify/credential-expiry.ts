/**
 * Credential-expiry warnings: 30, 7 and 1 days before `infiniteCampus.credentialsExpire`, each sent
 * once to the grade pipeline's notice list (remembered in the store, keyed by the expiry date, so a
 * renewed date starts over). `serve` checks with every catch-up check; `check` shows the date.
 *
 * Days are counted in the district's time zone, from today to the expiry date. When the process was
 * down across a threshold, only the nearest one is sent (no 30-day warning with 5 days left).
 */
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { secretValues } from '../config/secret.ts';
import { errorMessage } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { claimNotice, releaseNotice } from '../store/sent-notices.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { renderHtml, renderText, type NoticeDocument } from './notice-document.ts';

export const expiryWarningDays = [30, 7, 1] as const;
export type ExpiryThreshold = (typeof expiryWarningDays)[number];

/** Whole days from `today` to `expires` (both YYYY-MM-DD); negative once past. */
export function daysUntil(expires: string, today: string): number {
  return Math.round(DateTime.fromISO(expires, { zone: 'utc' }).diff(DateTime.fromISO(today, { zone: 'utc' }), 'days').days);
}

/** The warning due with `daysLeft` days to go: the nearest threshold reached, or null before 30 days. */
export function expiryThresholdFor(daysLeft: number): ExpiryThreshold | null {
  let due: ExpiryThreshold | null = null;
  for (const threshold of expiryWarningDays) if (daysLeft <= threshold) due = threshold;
  return due;
}

/** Today's date in the district's time zone. */
export function districtToday(now: Date, timezone: string): string {
  return DateTime.fromJSDate(now).setZone(timezone).toISODate() ?? now.toISOString().slice(0, 10);
}

export function composeExpiryWarning(expires: string, daysLeft: number, publicUrl: string | undefined): NoticeDocument {
  const when = daysLeft > 1 ? `in ${daysLeft} days` : daysLeft === 1 ? 'tomorrow' : daysLeft === 0 ? 'today' : `${-daysLeft} days ago`;
  const verb = daysLeft < 0 ? 'expired' : 'expire';
  return {
    subject: `gradebridge: Infinite Campus credentials ${verb} ${when} (${expires})`,
    title: `The Infinite Campus credentials ${verb} ${when}`,
    blocks: [
      {
        kind: 'paragraph',
        text: `The OneRoster key and secret gradebridge uses for Infinite Campus ${daysLeft < 0 ? 'expired' : 'expire'} on ${expires} (infiniteCampus.credentialsExpire). After that, every run stops with "credentials rejected" and no grades reach Infinite Campus.`,
      },
      {
        kind: 'list',
        heading: 'What to do',
        items: [
          'In Infinite Campus, renew the key and secret of the OneRoster connection (and the vendor key and secret if they expire too).',
          'Put the new values where the config reads them (the env variables or files named in infiniteCampus), and set infiniteCampus.credentialsExpire to the new date.',
          'Run `gradebridge check` to confirm the connection, then request a full run.',
        ],
      },
      ...(publicUrl ? [{ kind: 'link' as const, label: 'Settings on the status page', href: `${publicUrl.replace(/\/+$/, '')}/settings` }] : []),
    ],
  };
}

export interface ExpiryCheckDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  mailer?: Mailer;
}

export type ExpiryCheckResult =
  | { due: null }
  | { due: ExpiryThreshold; daysLeft: number; sent: boolean; reason?: string };

/** Sends the warning due today, unless it went out before. Never throws. */
export async function checkCredentialExpiry(config: Config, deps: ExpiryCheckDeps): Promise<ExpiryCheckResult> {
  const expires = config.infiniteCampus.credentialsExpire;
  if (!expires) return { due: null };
  const daysLeft = daysUntil(expires, districtToday(deps.now(), config.timezone));
  const due = expiryThresholdFor(daysLeft);
  if (due === null) return { due: null };
  const to = config.gradePassback?.notify ?? [];
  if (to.length === 0 || !config.smtp) {
    deps.logger.warn({ expires, daysLeft }, 'the Infinite Campus credentials expire soon, and no grade notice list is configured to warn');
    return { due, daysLeft, sent: false, reason: 'no notify list' };
  }
  const key = `notice:ic-credentials-expiry:${expires}:${due}`;
  try {
    if (!(await claimNotice(deps.store, key, deps.now()))) return { due, daysLeft, sent: false, reason: 'sent before' };
  } catch (error) {
    deps.logger.error({ err: error }, 'could not check whether the expiry warning was sent');
    return { due, daysLeft, sent: false, reason: errorMessage(error) };
  }
  const doc = composeExpiryWarning(expires, daysLeft, config.web?.publicUrl);
  const mailer = deps.mailer ?? createMailer(config.smtp, { secrets: secretValues(config) });
  try {
    await mailer.send({ to, subject: doc.subject, text: renderText(doc), html: renderHtml(doc) });
    deps.logger.warn({ expires, daysLeft, to }, 'credential expiry warning sent');
    return { due, daysLeft, sent: true };
  } catch (error) {
    const reason = errorMessage(error);
    deps.logger.error({ expires, daysLeft }, `the credential expiry warning could not be sent: ${reason}`);
    await releaseNotice(deps.store, key).catch(() => undefined);
    return { due, daysLeft, sent: false, reason };
  } finally {
    if (!deps.mailer) mailer.close();
  }
}
