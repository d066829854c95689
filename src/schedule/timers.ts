/**
 * What wakes the scheduler: a daily timer per pipeline and a periodic catch-up check. Production uses
 * node-cron in `Etc/UTC`; tests pass a ManualClock (manual-clock.ts) and move time themselves.
 * A timer only wakes the scheduler: which slot is due is always computed from the clock and the
 * store, so a lost tick (node-cron skips a tick when the event loop is busy) is caught up later.
 */
import cron from 'node-cron';
import { cronExpression } from './slots.ts';

export type StopTimer = () => void;

export interface SchedulerTimers {
  /** Calls `fire` every day at the schedule's GMT time ("HH:MM"). */
  daily(name: string, schedule: string, fire: () => void): StopTimer;
  /** Calls `fire` every `ms` milliseconds. */
  every(name: string, ms: number, fire: () => void): StopTimer;
}

export interface CronTimerEvents {
  /** node-cron noticed it missed a tick (event loop busy, clock jump). */
  onMissed?: (name: string, scheduledFor: Date) => void;
}

/** node-cron timers in `Etc/UTC`, with `noOverlap` so a slow handler never stacks ticks. */
export function cronTimers(events: CronTimerEvents = {}): SchedulerTimers {
  return {
    daily(name, schedule, fire) {
      const task = cron.createTask(cronExpression(schedule), () => fire(), { name, timezone: 'Etc/UTC', noOverlap: true, suppressMissedWarning: true });
      task.on('execution:missed', (context) => events.onMissed?.(name, context.date));
      void task.start();
      return () => void task.destroy();
    },
    every(_name, ms, fire) {
      const timer = setInterval(fire, ms);
      return () => clearInterval(timer);
    },
  };
}

/** The real next fire time of a daily cron timer, for `check` and for tests of time-zone independence. */
export function nextCronFire(schedule: string): Date | null {
  const task = cron.createTask(cronExpression(schedule), () => undefined, { timezone: 'Etc/UTC' });
  try {
    return task.getNextRuns(1)[0] ?? null;
  } finally {
    void task.destroy();
  }
}
