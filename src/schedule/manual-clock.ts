/**
 * A clock that only moves when told, with the scheduler's timers on it: tests (and anything that
 * replays a day) move time forward and the timers due on the way fire in time order, at their time.
 *
 * @example
 *   const clock = new ManualClock(new Date('2026-12-02T05:00:00Z'));
 *   const scheduler = new Scheduler({ ..., now: clock.now, timers: clock });
 *   clock.advanceTo(new Date('2026-12-02T06:00:00Z')); // fires the 06:00 slot at 06:00
 */
import { nextSlotAfter } from './slots.ts';
import type { SchedulerTimers, StopTimer } from './timers.ts';

interface ManualTimer {
  name: string;
  due: number;
  next: (firedAt: number) => number;
  fire: () => void;
}

export class ManualClock implements SchedulerTimers {
  #now: number;
  readonly #timers = new Set<ManualTimer>();

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  readonly now = (): Date => new Date(this.#now);

  daily(name: string, schedule: string, fire: () => void): StopTimer {
    return this.#add({ name, due: nextSlotAfter(schedule, new Date(this.#now)).getTime(), next: (at) => nextSlotAfter(schedule, new Date(at)).getTime(), fire });
  }

  every(name: string, ms: number, fire: () => void): StopTimer {
    return this.#add({ name, due: this.#now + ms, next: (at) => at + ms, fire });
  }

  /** Moves time to `to`, firing every timer due on the way (at its due time); names of the timers fired. */
  advanceTo(to: Date): string[] {
    const fired: string[] = [];
    for (;;) {
      const due = [...this.#timers].filter((t) => t.due <= to.getTime()).sort((a, b) => a.due - b.due)[0];
      if (!due) break;
      this.#now = due.due;
      due.due = due.next(due.due);
      fired.push(due.name);
      due.fire();
    }
    this.#now = Math.max(this.#now, to.getTime());
    return fired;
  }

  /** Moves time without firing anything, as when the process was down or its event loop stalled. */
  jumpTo(to: Date): void {
    this.#now = to.getTime();
    for (const timer of this.#timers) while (timer.due <= this.#now) timer.due = timer.next(timer.due);
  }

  /** Names of the timers currently set. */
  timers(): string[] {
    return [...this.#timers].map((t) => t.name);
  }

  #add(timer: ManualTimer): StopTimer {
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }
}
