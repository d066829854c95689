/**
 * Which notice a finished run sends, and what it says. Pure: the facts come from the store
 * (send-run-notice.ts gathers them), the words are decided here.
 *
 * When a notice is sent (never for a dry run, never for a run still going):
 * - `no-new-file`: a scheduled (or catch-up) grade run that found no export file (EXPORT_MISSING),
 *   or that succeeded reading a file with the same SHA-256 as the previous grade run that read a
 *   file and was not a dry run nor failed. It replaces the failure notice for EXPORT_MISSING, so a
 *   morning without a file sends one mail. Runs started by hand never send it: the admin is there.
 * - `failed`: any other failed run.
 * - `partial`: a partial run (some results or writes refused), even when its file was not new.
 * A successful run sends nothing, nor does a run stopped because gradebridge itself was stopped
 * (RUN_STOPPED: a restart is not a failure to act on; the next run finishes the work). Each run
 * decides alone: a run that fails again the next day notifies again.
 */
import { DateTime } from 'luxon';
import { remedies } from '../errors.ts';
import type { Run } from '../store/runs.ts';
import type { MessageCount, OutcomeCount } from '../store/run-stats.ts';
import type { ScheduleSlot } from '../store/schedule-slots.ts';
import { GradeSkipReason, skipReasonHelp } from '../types.ts';
import type { NoticeBlock, NoticeDocument } from './notice-document.ts';

export type RunNoticeKind = 'failed' | 'partial' | 'no-new-file';

export function decideRunNotice(run: Run, previousFileRun: Run | null): RunNoticeKind | null {
  if (run.dryRun || run.status === 'running' || run.error?.code === 'RUN_STOPPED') return null;
  const scheduled = run.trigger === 'schedule' || run.trigger === 'catch-up';
  if (run.pipeline === 'grades' && scheduled) {
    if (run.status === 'failed' && run.error?.code === 'EXPORT_MISSING') return 'no-new-file';
    if (run.status === 'succeeded' && sameFile(run, previousFileRun)) return 'no-new-file';
  }
  if (run.status === 'failed') return 'failed';
  if (run.status === 'partial') return 'partial';
  return null;
}

function sameFile(run: Run, previous: Run | null): boolean {
  return run.sourceFile !== null && previous?.sourceFile?.sha256 === run.sourceFile.sha256;
}

export interface RunNoticeFacts {
  kind: RunNoticeKind;
  run: Run;
  /** Row outcomes of the run by outcome, most frequent first. */
  outcomes: readonly OutcomeCount[];
  /** What IC (grades) or Schoology (roster) said about the rows it refused (`failed`), grouped. */
  refusals: readonly MessageCount[];
  previousFileRun: Run | null;
  /** The slot that started the run, when the scheduler did. */
  slot: ScheduleSlot | null;
  publicUrl: string | undefined;
  /** The district's time zone, for dates in the text. */
  timezone: string;
}

const pipelineTitle = { grades: 'grade passback', roster: 'roster provisioning' } as const;
/** Outcomes that are not a problem: never listed among the reasons. */
const fineOutcomes = new Set(['posted', 'planned', 'unchanged', 'created', 'updated', 'removed']);
const maxReasons = 8;

/** Known causes and what the admin does about each. */
const remedyByCode: Record<string, string> = {
  IC_CREDENTIALS_REJECTED: remedies.icCredentialsRejected,
  SFTP_UNREACHABLE: remedies.sftpUnreachable,
  SFTP_AUTH_FAILED: remedies.sftpUnreachable,
  SFTP_TIMEOUT: remedies.sftpUnreachable,
  SFTP_CONNECTION_DROPPED: remedies.sftpUnreachable,
  SFTP_HOST_KEY_MISMATCH: remedies.sftpHostKeyChanged,
  EXPORT_MISSING: remedies.exportMissing,
  EXPORT_EMPTY: remedies.exportMissing,
  EXPORT_SHRUNK: remedies.exportShrunk,
};

export function composeRunNotice(facts: RunNoticeFacts): NoticeDocument {
  const { run } = facts;
  const title = pipelineTitle[run.pipeline];
  const when = formatTime(run.startedAt, facts.timezone);
  const blocks: NoticeBlock[] = [];
  let subject: string;
  let heading: string;

  if (facts.kind === 'no-new-file') {
    subject = `gradebridge: no new grade export file (${formatDay(run.startedAt, facts.timezone)})`;
    heading = 'No new grade export file this morning';
    blocks.push({ kind: 'paragraph', text: noNewFileText(facts, when) });
    blocks.push({ kind: 'list', heading: 'What to do', items: [remedies.exportMissing] });
  } else {
    const status = facts.kind === 'failed' ? 'failed' : 'partly failed';
    subject = `gradebridge: ${title} ${status} (${formatDay(run.startedAt, facts.timezone)})`;
    heading = `The ${title} run ${status}`;
    blocks.push({ kind: 'paragraph', text: `The ${title} run started ${when} ${triggerText(run)} ended with status ${run.status}.` });
    blocks.push({ kind: 'paragraph', text: `What failed: ${whatFailed(run)}` });
    const reasons = topReasons(facts.outcomes, run.pipeline);
    if (reasons.length > 0) blocks.push({ kind: 'list', heading: 'Top reasons', items: reasons });
    if (facts.refusals.length > 0) {
      blocks.push({
        kind: 'list',
        heading: run.pipeline === 'grades' ? 'What Infinite Campus said' : 'What Schoology said',
        items: facts.refusals.map((r) => `${r.count} × ${r.message}`),
      });
    }
    blocks.push({ kind: 'paragraph', text: sourceText(run, facts.previousFileRun) });
    blocks.push({ kind: 'list', heading: 'What to do', items: whatToDo(run) });
  }
  if (facts.slot?.trigger === 'catch-up') blocks.push({ kind: 'paragraph', text: catchUpText(facts.slot, facts.timezone) });
  if (facts.publicUrl) blocks.push({ kind: 'link', label: 'The run on the status page', href: `${facts.publicUrl.replace(/\/+$/, '')}/runs/${run.id}` });
  else blocks.push({ kind: 'paragraph', text: `Run ID: ${run.id} (gradebridge runs show ${run.id}).` });
  return { subject, title: heading, blocks };
}

function triggerText(run: Run): string {
  switch (run.trigger) {
    case 'schedule':
      return 'by the daily schedule';
    case 'catch-up':
      return 'as a catch-up of a missed daily slot';
    case 'admin':
      return 'at an admin request from the status page';
    case 'demo':
      return 'by the demo';
    case 'cli':
      return 'from the command line';
  }
}

function whatFailed(run: Run): string {
  if (run.status === 'failed') {
    if (!run.error) return 'the run stopped before it finished.';
    const remedy = remedyByCode[run.error.code];
    const message = remedy && run.error.message.endsWith(remedy) ? run.error.message.slice(0, -remedy.length).trim() : run.error.message;
    return `the run stopped (${run.error.code}): ${message}`;
  }
  const counts = run.counts;
  if (run.pipeline === 'grades') {
    const failed = numberAt(counts, 'failed');
    const planned = numberAt(counts, 'planned');
    return `Infinite Campus refused ${failed} of the ${planned} results sent; it accepted ${planned - failed}.`;
  }
  const byKind = Object.entries(counts)
    .map(([kind, value]) => [kind, numberAt(value, 'failed')] as const)
    .filter(([, failed]) => failed > 0)
    .map(([kind, failed]) => `${kind} ${failed}`);
  return `Schoology refused some writes (${byKind.join(', ') || 'see the run'}).`;
}

function topReasons(outcomes: readonly OutcomeCount[], pipeline: Run['pipeline']): string[] {
  // Refusals first: they are what made the run partial; then skips, most frequent first.
  const failedFirst = [...outcomes].sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed'));
  return failedFirst
    .filter((o) => !fineOutcomes.has(o.outcome))
    .slice(0, maxReasons)
    .map((o) => {
      const label = o.syncType ? `${o.syncType}: ${o.outcome}` : o.outcome;
      const reason = GradeSkipReason.safeParse(o.outcome);
      const help = pipeline === 'grades' && reason.success ? ` (${skipReasonHelp[reason.data]})` : '';
      return `${label}: ${o.count}${help}`;
    });
}

function sourceText(run: Run, previous: Run | null): string {
  if (run.pipeline !== 'grades') return 'Source: Infinite Campus OneRoster (no file is read by roster provisioning).';
  if (!run.sourceFile) return 'No file was read: the run stopped before an export file was downloaded.';
  const same = previous && sameFile(run, previous) ? ' It is the same file as the previous run read (no new export).' : '';
  return `Source file: ${run.sourceFile.remotePath} (${run.sourceFile.size} bytes, SHA-256 ${run.sourceFile.sha256.slice(0, 12)}…).${same}`;
}

function whatToDo(run: Run): string[] {
  const items: string[] = [];
  const known = run.error ? remedyByCode[run.error.code] : undefined;
  if (known) items.push(known);
  else if (run.status === 'failed') items.push('Read the message above: it says what to change. Then request a run from the status page, or run it from the command line.');
  if (run.pipeline === 'grades' && windowsAllClosed(run)) items.push(remedies.windowsClosed);
  if (run.status === 'partial') {
    items.push(
      run.pipeline === 'grades'
        ? 'Open the run to see each refused result and why. Results that failed are sent again by the next scheduled run once the cause is fixed.'
        : 'Open the run to see each refused write and why. The next roster run tries them again.',
    );
  }
  return items;
}

function windowsAllClosed(run: Run): boolean {
  const skipped = run.counts['skipped'];
  const closed = typeof skipped === 'object' && skipped !== null ? numberAt(skipped, 'window-closed') : 0;
  return closed > 0 && numberAt(run.counts, 'posted') === 0 && numberAt(run.counts, 'unchanged') === 0;
}

function noNewFileText(facts: RunNoticeFacts, when: string): string {
  const { run, previousFileRun } = facts;
  if (!run.sourceFile) {
    return `The scheduled grade passback run started ${when} found no export file on the SFTP server, so nothing was posted; the run is recorded as failed. ${run.error?.message ?? ''}`.trim();
  }
  const since = previousFileRun ? ` as the run of ${formatTime(previousFileRun.startedAt, facts.timezone)}` : '';
  const unchanged = numberAt(run.counts, 'unchanged');
  return (
    `The scheduled grade passback run started ${when} read the same export file${since}: ${run.sourceFile.remotePath} ` +
    `(SHA-256 ${run.sourceFile.sha256.slice(0, 12)}…). Schoology has not exported new grades since; nothing new was posted (${unchanged} results unchanged).`
  );
}

function catchUpText(slot: ScheduleSlot, timezone: string): string {
  const minutes = Math.round(slot.lateMs / 60_000);
  const late = minutes >= 120 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return `This run was a catch-up: the daily slot of ${formatTime(slot.slotAt, timezone)} was missed (gradebridge was down or busy) and ran ${late} late.`;
}

function numberAt(value: unknown, key: string): number {
  if (typeof value !== 'object' || value === null) return 0;
  const n = (value as Record<string, unknown>)[key];
  return typeof n === 'number' ? n : 0;
}

function formatTime(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toFormat("ccc d LLL yyyy 'at' HH:mm ZZZZ");
}

function formatDay(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toFormat('d LLL yyyy');
}
