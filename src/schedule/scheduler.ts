/**
 * The daily scheduler of `gradebridge serve`. Each enabled pipeline has a slot every day at its
 * `schedule` ("HH:MM", GMT). When a timer fires, and on start-up and every few minutes (catch-up),
 * the scheduler computes the most recent slot from the clock and takes it by inserting its row in
 * the store; only the process whose insert wins queues the run, so a slot runs once however many
 * processes share the store, and a slot missed while the process was down or busy runs once, late.
 *
 * Rules:
 * - A slot taken within `onTimeGraceMs` of its time runs with trigger `schedule`; later, it is a
 *   missed slot: a `missed-slot` event (logged as a warning) and a run with trigger `catch-up`.
 * - Only the most recent slot is caught up; older missed days are not replayed.
 * - The very first start on a store (no slot recorded yet for the pipeline) records the slot that
 *   passed before it as `skipped` instead of running it: installing gradebridge at 14:00 does not
 *   start a 06:00 run.
 * - The run goes through the run queue: a slot due while a run is going waits; a slot due while a
 *   request is queued merges into it.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { errorCode } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { claimSlot, hasAnySlot, linkSlotToRequest } from '../store/schedule-slots.ts';
import type { PipelineName, RunTrigger } from '../types.ts';
import { requestRun } from './run-queue.ts';
import { latestSlotAtOrBefore, nextSlotAfter } from './slots.ts';
import type { SchedulerTimers, StopTimer } from './timers.ts';

export const scheduleLimits = {
  /** A slot taken this late or less counts as on time. */
  onTimeGraceMs: 60_000,
  /** How often the catch-up check runs. */
  catchUpEveryMs: 5 * 60_000,
} as const;

export interface SlotEvent {
  pipeline: PipelineName;
  slotAt: Date;
  trigger: RunTrigger;
  lateMs: number;
  requestId: string;
  merged: boolean;
}

export interface SchedulerEvents {
  /** This process took a slot and queued its run. */
  slot: [SlotEvent];
  /** The slot was taken late (process down, event loop busy): it runs now as a catch-up. */
  'missed-slot': [SlotEvent];
  /** The first start on this store: the slot that passed before it is recorded, not run. */
  'skipped-slot': [{ pipeline: PipelineName; slotAt: Date }];
  /** Every check, for periodic duties of the same cadence (expiry warnings). */
  checked: [{ at: Date }];
  warning: [{ message: string; error?: unknown }];
}

export interface SchedulerOptions {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => Date;
  timers: SchedulerTimers;
  /** Identifies this process on the slots it takes. */
  holder: string;
  /** Called once a run is queued, so the worker of this process takes it at once. */
  onQueued?: () => void;
  catchUpEveryMs?: number;
}

export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly #options: SchedulerOptions;
  readonly #stopTimers: StopTimer[] = [];
  #checking: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: SchedulerOptions) {
    super();
    this.#options = options;
  }

  /** The pipelines that run on a schedule, with their GMT time. */
  scheduled(): { pipeline: PipelineName; schedule: string }[] {
    const { config } = this.#options;
    const list: { pipeline: PipelineName; schedule: string }[] = [];
    if (config.rosterProvisioning?.enabled) list.push({ pipeline: 'roster', schedule: config.rosterProvisioning.schedule });
    if (config.gradePassback?.enabled) list.push({ pipeline: 'grades', schedule: config.gradePassback.schedule });
    return list;
  }

  /** Sets the timers and runs the start-up check (which catches up a missed slot). */
  async start(): Promise<void> {
    const { timers, logger, now } = this.#options;
    for (const { pipeline, schedule } of this.scheduled()) {
      this.#stopTimers.push(timers.daily(`${pipeline} ${schedule} GMT`, schedule, () => void this.check(now())));
      logger.info({ pipeline, schedule, next: nextSlotAfter(schedule, now()).toISOString() }, `${pipeline} runs daily at ${schedule} GMT`);
    }
    this.#stopTimers.push(timers.every('catch-up', this.#options.catchUpEveryMs ?? scheduleLimits.catchUpEveryMs, () => void this.check(now())));
    await this.check(now());
  }

  /** Takes the most recent slot of each scheduled pipeline if nobody has; checks run one after another. */
  check(at: Date): Promise<void> {
    this.#checking = this.#checking.then(() => this.#checkOnce(at));
    return this.#checking;
  }

  /** Clears the timers and waits for a check in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const stop of this.#stopTimers.splice(0)) stop();
    await this.#checking;
  }

  async #checkOnce(at: Date): Promise<void> {
    if (this.#stopped) return;
    for (const { pipeline, schedule } of this.scheduled()) {
      try {
        await this.#takeSlot(pipeline, latestSlotAtOrBefore(schedule, at), at);
      } catch (error) {
        this.#warn(`could not check the ${pipeline} schedule`, error);
      }
    }
    this.emit('checked', { at });
  }

  async #takeSlot(pipeline: PipelineName, slotAt: Date, at: Date): Promise<void> {
    const { store, logger, holder } = this.#options;
    const lateMs = at.getTime() - slotAt.getTime();
    const onTime = lateMs <= scheduleLimits.onTimeGraceMs;
    const trigger: RunTrigger = onTime ? 'schedule' : 'catch-up';
    if (!onTime && !(await hasAnySlot(store, pipeline))) {
      if (await claimSlot(store, { pipeline, slotAt, status: 'skipped', trigger, lateMs, claimedBy: holder, claimedAt: at })) {
        logger.info({ pipeline, slot: slotAt.toISOString() }, `first start: the ${pipeline} slot of ${slotAt.toISOString()} passed before scheduling began and is not run`);
        this.emit('skipped-slot', { pipeline, slotAt });
      }
      return;
    }
    if (!(await claimSlot(store, { pipeline, slotAt, status: 'queued', trigger, lateMs, claimedBy: holder, claimedAt: at }))) return;
    const answer = await requestRun(store, { pipeline, full: false, dryRun: false, scope: null, requestedBy: trigger, trigger, now: at });
    await linkSlotToRequest(store, pipeline, slotAt, answer.id);
    const event: SlotEvent = { pipeline, slotAt, trigger, lateMs, requestId: answer.id, merged: answer.merged };
    if (onTime) {
      logger.info({ pipeline, slot: slotAt.toISOString(), requestId: answer.id, merged: answer.merged }, `${pipeline} slot taken; run queued`);
    } else {
      logger.warn(
        { pipeline, slot: slotAt.toISOString(), lateMs, requestId: answer.id, merged: answer.merged },
        `missed the ${pipeline} slot of ${slotAt.toISOString()} (process down or busy); running it now as a catch-up`,
      );
      this.emit('missed-slot', event);
    }
    this.emit('slot', event);
    this.#options.onQueued?.();
  }

  #warn(message: string, error: unknown): void {
    this.#options.logger.warn({ code: errorCode(error), err: error }, message);
    this.emit('warning', { message, error });
  }
}
