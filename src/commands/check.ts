/**
 * `gradebridge check`: validates the config (a bad config exits 2 before any check) and tests every
 * connection it names, one line per check, saying what to fix when one fails:
 *   SFTP login and listing with the host key check; IC token, one rostering read and one gradebook
 *   read with the vendor header; Schoology `/users/me` when configured; SMTP when configured; the
 *   credential expiry date (a warning within 30 days, a failure once past).
 * Exit 0 only when every check passes (a warning does not fail), else 1.
 */
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { scrubSecrets, secretValues } from '../config/secret.ts';
import { GradebridgeError, errorCode, errorMessage } from '../errors.ts';
import { checkSftp } from '../extract/fetch-export.ts';
import { createIcClient } from '../load/ic-client.ts';
import { daysUntil, districtToday, expiryWarningDays } from '../notify/credential-expiry.ts';
import { createMailer, redactUrl } from '../notify/mailer.ts';
import { createSchoologyClient } from '../roster/schoology/index.ts';
import { nextSlotAfter } from '../schedule/slots.ts';
import { commandLogger, loadCommandConfig, writeLine, type CommandIo, type GlobalOptions } from './command-io.ts';

export type CheckStatus = 'ok' | 'warn' | 'FAIL';

export interface CheckLine {
  status: CheckStatus;
  name: string;
  detail: string;
}

interface Check {
  name: string;
  run(): Promise<Omit<CheckLine, 'name'>>;
}

export async function checkCommand(options: GlobalOptions, io: CommandIo): Promise<number> {
  const { config, configPath } = loadCommandConfig(options, io);
  const logger = commandLogger(io).child({ command: 'check' });
  const lines: CheckLine[] = [{ status: 'ok', name: 'config', detail: `${configPath} is valid` }];
  writeLine(io.stdout, formatCheckLine(lines[0] as CheckLine));
  for (const check of checksFor(config, logger, io.now)) {
    const line = await runCheck(check, secretValues(config));
    lines.push(line);
    writeLine(io.stdout, formatCheckLine(line));
  }
  for (const line of scheduleLines(config, io.now())) writeLine(io.stdout, formatCheckLine(line));
  const failed = lines.filter((l) => l.status === 'FAIL').length;
  writeLine(io.stdout, failed === 0 ? 'all checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`);
  return failed === 0 ? 0 : 1;
}

export function formatCheckLine(line: CheckLine): string {
  return `${line.status.padEnd(4)}  ${line.name.padEnd(10)}  ${line.detail}`;
}

async function runCheck(check: Check, secrets: readonly string[]): Promise<CheckLine> {
  try {
    return { name: check.name, ...(await check.run()) };
  } catch (error) {
    // Every message is scrubbed: an answer from a server could echo a credential back.
    return { status: 'FAIL', name: check.name, detail: scrubSecrets(`${errorCode(error)}: ${errorMessage(error)}`, secrets) };
  }
}

function checksFor(config: Config, logger: Logger, now: () => Date): Check[] {
  const checks: Check[] = [];
  const grades = config.gradePassback;
  if (grades) {
    checks.push({
      name: 'sftp',
      async run() {
        const { sftp } = grades;
        const { files } = await checkSftp(sftp, { autoExportTitle: grades.autoExportTitle, logger });
        const hostKey = sftp.hostKeyCheck ? 'host key matches' : 'host key NOT checked (hostKeyCheck: false)';
        const title = grades.autoExportTitle ? ` named "${grades.autoExportTitle}…"` : '';
        return {
          status: files > 0 && sftp.hostKeyCheck ? 'ok' : 'warn',
          detail: `${sftp.username}@${sftp.host}:${sftp.port} ${sftp.remoteDir}: logged in, ${hostKey}, ${files} export file${files === 1 ? '' : 's'}${title}`,
        };
      },
    });
  }
  checks.push({
    name: 'ic',
    async run() {
      const ic = createIcClient({ config: config.infiniteCampus, logger });
      try {
        const report = await ic.checkConnection();
        const parts = [report.tokenObtained ? 'token obtained' : 'OAuth 1 signature accepted', report.classFound ? 'rostering read a class' : 'rostering answered (no classes)'];
        if (report.gradebookChecked) parts.push('gradebook read with the vendor header');
        if (!config.infiniteCampus.vendorKey) {
          const fix = 'set infiniteCampus.vendorKey and infiniteCampus.vendorSecret (from the OneRoster connection in IC)';
          // Grade passback cannot work without it; roster provisioning only skips the grading tasks file.
          if (grades) {
            throw new GradebridgeError('IC_VENDOR_KEY_MISSING', `${parts.join(', ')}; but no vendor key is configured, so grades cannot be posted (gradebook calls need it).`, {
              remedy: `To fix: ${fix}.`,
            });
          }
          return { status: 'warn', detail: `${parts.join(', ')}; no vendor key: the grading tasks file is skipped; ${fix}` };
        }
        return { status: 'ok', detail: `${config.infiniteCampus.api} at ${config.infiniteCampus.baseUrl}: ${parts.join(', ')}` };
      } finally {
        await ic.close();
      }
    },
  });
  const schoology = config.rosterProvisioning?.schoology;
  if (schoology) {
    checks.push({
      name: 'schoology',
      async run() {
        const client = createSchoologyClient({ config: schoology, logger });
        try {
          const me = await client.me();
          return { status: 'ok', detail: `${schoology.baseUrl}: the API key belongs to ${me.name} (user ${me.id})` };
        } finally {
          await client.close();
        }
      },
    });
  }
  const smtp = config.smtp;
  if (smtp) {
    checks.push({
      name: 'smtp',
      async run() {
        const mailer = createMailer(smtp, { secrets: secretValues(config) });
        try {
          await mailer.verify();
          return { status: 'ok', detail: `${redactUrl(smtp.url)} accepts a connection${smtp.user ? ` and the login of ${smtp.user}` : ''}; notices come from ${smtp.from}` };
        } finally {
          mailer.close();
        }
      },
    });
  }
  const expires = config.infiniteCampus.credentialsExpire;
  checks.push({
    name: 'expiry',
    async run() {
      if (!expires) return { status: 'ok', detail: 'no credential expiry date set (infiniteCampus.credentialsExpire): no warnings will be sent' };
      const daysLeft = daysUntil(expires, districtToday(now(), config.timezone));
      const renew = 'renew the key and secret in Infinite Campus, update the config and infiniteCampus.credentialsExpire';
      if (daysLeft < 0) return { status: 'FAIL', detail: `the IC credentials expired on ${expires}: ${renew}` };
      const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'tomorrow' : `in ${daysLeft} days`;
      if (daysLeft <= expiryWarningDays[0]) return { status: 'warn', detail: `the IC credentials expire ${when} (${expires}): ${renew}` };
      return { status: 'ok', detail: `the IC credentials expire ${when} (${expires}); warnings go out ${expiryWarningDays.join(', ')} days before` };
    },
  });
  return checks;
}

/** Informational: when each enabled pipeline next runs. */
function scheduleLines(config: Config, now: Date): CheckLine[] {
  const lines: CheckLine[] = [];
  for (const [name, section] of [
    ['roster', config.rosterProvisioning],
    ['grades', config.gradePassback],
  ] as const) {
    if (!section) continue;
    if (!section.enabled) {
      lines.push({ status: 'ok', name: 'schedule', detail: `${name}: not scheduled (enabled: false)` });
      continue;
    }
    const next = DateTime.fromJSDate(nextSlotAfter(section.schedule, now)).setZone(config.timezone).toFormat("ccc d LLL HH:mm ZZZZ");
    lines.push({ status: 'ok', name: 'schedule', detail: `${name}: daily at ${section.schedule} GMT under \`gradebridge serve\` (next: ${next})` });
  }
  return lines;
}
