/**
 * Daily slots: a schedule is "HH:MM" in GMT, and a slot is one day's occurrence of it, an instant.
 * Pure UTC arithmetic, so the process time zone never matters.
 *
 * @example
 *   latestSlotAtOrBefore('06:00', new Date('2026-12-02T05:59:00Z')) // 2026-12-01T06:00:00.000Z
 *   nextSlotAfter('06:00', new Date('2026-12-02T05:59:00Z'))        // 2026-12-02T06:00:00.000Z
 */
const dayMs = 24 * 60 * 60_000;

export interface DailyTime {
  hour: number;
  minute: number;
}

export function parseDailyTime(schedule: string): DailyTime {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(schedule);
  if (!match) throw new RangeError(`expected a GMT time as "HH:MM", got "${schedule}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The most recent slot at or before `now`. */
export function latestSlotAtOrBefore(schedule: string, now: Date): Date {
  const { hour, minute } = parseDailyTime(schedule);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute);
  return new Date(today <= now.getTime() ? today : today - dayMs);
}

/** The first slot strictly after `now`. */
export function nextSlotAfter(schedule: string, now: Date): Date {
  return new Date(latestSlotAtOrBefore(schedule, now).getTime() + dayMs);
}

/** The node-cron expression firing at the schedule (evaluated in `Etc/UTC`). */
export function cronExpression(schedule: string): string {
  const { hour, minute } = parseDailyTime(schedule);
  return `0 ${minute} ${hour} * * *`;
}
