import { describe, expect, it } from 'vitest';
import { cronExpression, latestSlotAtOrBefore, nextSlotAfter, parseDailyTime } from '../../src/schedule/slots.ts';
import { ManualClock } from '../../src/schedule/manual-clock.ts';

describe('daily GMT slots', () => {
  it.each([
    ['06:00', '2026-12-02T05:59:59.999Z', '2026-12-01T06:00:00.000Z', '2026-12-02T06:00:00.000Z'],
    ['06:00', '2026-12-02T06:00:00.000Z', '2026-12-02T06:00:00.000Z', '2026-12-03T06:00:00.000Z'],
    ['06:00', '2026-12-02T23:59:00.000Z', '2026-12-02T06:00:00.000Z', '2026-12-03T06:00:00.000Z'],
    ['00:00', '2026-12-31T23:59:00.000Z', '2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['23:30', '2027-01-01T00:10:00.000Z', '2026-12-31T23:30:00.000Z', '2027-01-01T23:30:00.000Z'],
    // 2027-03-14 is a daylight-saving change in the US: GMT slots stay 24 hours apart.
    ['10:30', '2027-03-14T12:00:00.000Z', '2027-03-14T10:30:00.000Z', '2027-03-15T10:30:00.000Z'],
    ['05:00', '2028-02-29T04:00:00.000Z', '2028-02-28T05:00:00.000Z', '2028-02-29T05:00:00.000Z'],
  ])('%s at %s: latest slot %s, next %s', (schedule, now, latest, next) => {
    expect(latestSlotAtOrBefore(schedule, new Date(now)).toISOString()).toBe(latest);
    expect(nextSlotAfter(schedule, new Date(now)).toISOString()).toBe(next);
  });

  it.each([
    ['06:00', '0 0 6 * * *'],
    ['23:59', '0 59 23 * * *'],
    ['00:05', '0 5 0 * * *'],
  ])('%s is the cron expression %s', (schedule, expression) => {
    expect(cronExpression(schedule)).toBe(expression);
  });

  it.each(['6:00', '24:00', '12:60', '', '06:00Z'])('refuses %j', (schedule) => {
    expect(() => parseDailyTime(schedule)).toThrow(RangeError);
  });
});

describe('the manual clock', () => {
  it('fires daily and periodic timers at their due times, in time order', () => {
    const clock = new ManualClock(new Date('2026-12-02T05:50:00Z'));
    const fired: string[] = [];
    clock.daily('grades', '06:00', () => fired.push(`grades@${clock.now().toISOString()}`));
    const stopCatchUp = clock.every('catch-up', 5 * 60_000, () => fired.push(`catch-up@${clock.now().toISOString()}`));
    clock.advanceTo(new Date('2026-12-02T06:07:00Z'));
    expect(fired).toEqual([
      'catch-up@2026-12-02T05:55:00.000Z',
      // Timers due at the same moment fire in the order they were set.
      'grades@2026-12-02T06:00:00.000Z',
      'catch-up@2026-12-02T06:00:00.000Z',
      'catch-up@2026-12-02T06:05:00.000Z',
    ]);
    expect(clock.now().toISOString()).toBe('2026-12-02T06:07:00.000Z');
    stopCatchUp();
    fired.length = 0;
    clock.advanceTo(new Date('2026-12-03T06:00:00Z'));
    expect(fired).toEqual(['grades@2026-12-03T06:00:00.000Z']);
  });

  it('jumps without firing, as a stalled or stopped process would', () => {
    const clock = new ManualClock(new Date('2026-12-02T05:50:00Z'));
    const fired: string[] = [];
    clock.daily('grades', '06:00', () => fired.push(clock.now().toISOString()));
    clock.jumpTo(new Date('2026-12-04T07:00:00Z'));
    clock.advanceTo(new Date('2026-12-05T06:00:00Z'));
    expect(fired).toEqual(['2026-12-05T06:00:00.000Z']);
  });
});
