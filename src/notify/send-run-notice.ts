/**
 * The notice of a finished run, sent by whichever process ran it (the CLI before it exits, `serve`
 * after each queued run). It never throws: a mail that cannot be sent is logged and recorded on the
 * run (`runs.notice`), and the run's status and exit code stay what they were.
 *
 * @example
 *   const summary = await runPipeline(ctx, 'grades', gradePassback, request);
 *   await sendRunNotice(config, summary, { store, logger });
 */
import type { Logger } from 'pino';
import type { RunSummary } from '../../pipelines/run-summary.ts';
import type { Config } from '../config/schema.ts';
import { secretValues } from '../config/secret.ts';
import { errorMessage } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { countRefusalMessages, countRunOutcomes, previousFileRun } from '../store/run-stats.ts';
import { getRun, recordRunNotice } from '../store/runs.ts';
import { slotOfRun } from '../store/schedule-slots.ts';
import { composeRunNotice, decideRunNotice, type RunNoticeKind } from './compose-run-notice.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { renderHtml, renderText } from './notice-document.ts';

export interface RunNoticeDeps {
  store: Store;
  logger: Logger;
  /** A mailer to reuse (serve keeps one); by default one is made from `config.smtp` and closed after. */
  mailer?: Mailer;
  /** Clock for the record; default real time. */
  now?: () => Date;
}

export type RunNoticeResult =
  | { kind: null }
  | { kind: RunNoticeKind; sent: true; to: string[]; messageId: string }
  | { kind: RunNoticeKind; sent: false; to: string[]; reason: string };

const maxRefusalGroups = 10;

export async function sendRunNotice(config: Config, summary: RunSummary, deps: RunNoticeDeps): Promise<RunNoticeResult> {
  const log = deps.logger.child({ runId: summary.runId, pipeline: summary.pipeline });
  try {
    return await noticeFor(config, summary, deps, log);
  } catch (error) {
    log.error({ err: error }, `the run notice could not be prepared: ${errorMessage(error)}`);
    return { kind: null };
  }
}

async function noticeFor(config: Config, summary: RunSummary, deps: RunNoticeDeps, log: Logger): Promise<RunNoticeResult> {
  const { store } = deps;
  const run = await getRun(store, summary.runId);
  if (!run) return { kind: null };
  const previous = run.pipeline === 'grades' ? await previousFileRun(store, run) : null;
  const kind = decideRunNotice(run, previous);
  if (!kind) return { kind: null };

  // "No new file" and expiry warnings go to the grade pipeline's list; run notices to the run's pipeline's.
  const to = (run.pipeline === 'grades' ? config.gradePassback?.notify : config.rosterProvisioning?.notify) ?? [];
  const now = deps.now ?? (() => new Date());
  if (to.length === 0 || !config.smtp) {
    log.info({ kind }, 'no notice list is configured for this pipeline; no notice sent');
    await recordRunNotice(store, run.id, { kind, sent: false, to, reason: 'no notify list' });
    return { kind, sent: false, to, reason: 'no notify list' };
  }

  const doc = composeRunNotice({
    kind,
    run,
    outcomes: await countRunOutcomes(store, run.id),
    refusals: await countRefusalMessages(store, run.id, ['failed'], maxRefusalGroups),
    previousFileRun: previous,
    slot: await slotOfRun(store, run.id),
    publicUrl: config.web?.publicUrl,
    timezone: config.timezone,
  });
  const mailer = deps.mailer ?? createMailer(config.smtp, { secrets: secretValues(config) });
  try {
    const { messageId } = await mailer.send({ to, subject: doc.subject, text: renderText(doc), html: renderHtml(doc) });
    log.info({ kind, to, messageId }, 'run notice sent');
    await recordRunNotice(store, run.id, { kind, sent: true, to, messageId, sentAt: now().toISOString() });
    return { kind, sent: true, to, messageId };
  } catch (error) {
    const reason = errorMessage(error);
    log.error({ kind, to, code: 'SMTP_FAILED' }, `the run notice could not be sent: ${reason}`);
    await recordRunNotice(store, run.id, { kind, sent: false, to, reason, failedAt: now().toISOString() });
    return { kind, sent: false, to, reason };
  } finally {
    if (!deps.mailer) mailer.close();
  }
}
