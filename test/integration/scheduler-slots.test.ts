/**
 * The scheduler with a controllable clock and pipeline bodies the test controls: slots fire at their
 * GMT time whatever the process time zone, a missed slot runs once after a restart (never twice),
 * and two schedulers on one store never run the same pipeline at once.
 */
process.env['TZ'] = 'America/Los_Angeles';

import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/store/runs.ts';
import { listSlots } from '../../src/store/schedule-slots.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { ManualClock } from '../../src/schedule/manual-clock.ts';
import { startOperations, type Operations } from '../../src/schedule/operations.ts';
import { nextCronFire } from '../../src/schedule/timers.ts';
import { nextSlotAfter } from '../../src/schedule/slots.ts';
import { requestRun } from '../../src/schedule/run-queue.ts';
import { silentLogger } from '../../src/logger.ts';
import { freshStoreUrl, storeKinds } from '../helpers/stores.ts';
import { controllableBodies, testConfig } from './scheduler-helpers.ts';

const open: { stores: Store[]; ops: Operations[] } = { stores: [], ops: [] };

afterEach(async () => {
  for (const ops of open.ops.splice(0)) await ops.stop();
  for (const store of open.stores.splice(0)) await store.close();
});

async function openTracked(url: string): Promise<Store> {
  const store = await openStore(url);
  open.stores.push(store);
  return store;
}

async function start(store: Store, clock: ManualClock, bodies: ReturnType<typeof controllableBodies>, holder: string, logger: Logger = silentLogger()): Promise<Operations> {
  const ops = await startOperations({
    config: testConfig({ gradeSchedule: '06:00', rosterEnabled: false }),
    store,
    logger,
    now: clock.now,
    timers: clock,
    bodies: bodies.bodies,
    lockWait: { timeoutMs: 10_000, pollMs: 10 },
    pollEveryMs: 60_000,
    holder,
  });
  open.ops.push(ops);
  return ops;
}

describe('slots fire at their GMT time', () => {
  it('runs in a process whose time zone is not GMT', () => {
    // December in Los Angeles is GMT-8: a local-time scheduler would fire 8 hours late.
    expect(new Date('2026-12-02T06:00:00Z').getTimezoneOffset()).toBe(480);
    expect(new Date('2026-12-02T06:00:00Z').getHours()).toBe(22);
  });

  it('node-cron, as configured, next fires at the GMT time', () => {
    const before = new Date();
    const next = nextCronFire('06:00');
    const after = new Date();
    expect(next?.getUTCHours()).toBe(6);
    expect(next?.getUTCMinutes()).toBe(0);
    expect([nextSlotAfter('06:00', before).getTime(), nextSlotAfter('06:00', after).getTime()]).toContain(next?.getTime());
  });

  it('takes the 06:00 GMT slot at 06:00 GMT and runs it with trigger schedule', async () => {
    const store = await openTracked(freshStoreUrl('sqlite'));
    const clock = new ManualClock(new Date('2026-12-02T05:00:00Z'));
    const bodies = controllableBodies({ autoFinish: true });
    const ops = await start(store, clock, bodies, 'A');
    expect(bodies.calls).toHaveLength(0);

    clock.advanceTo(new Date('2026-12-02T05:59:59Z'));
    await ops.scheduler.check(clock.now());
    await ops.worker.idle();
    expect(bodies.calls).toHaveLength(0);

    clock.advanceTo(new Date('2026-12-02T06:00:00Z'));
    await ops.scheduler.check(clock.now());
    await ops.worker.idle();
    expect(bodies.calls.map((c) => ({ at: c.at.toISOString(), trigger: c.request.trigger, full: c.request.full }))).toEqual([
      { at: '2026-12-02T06:00:00.000Z', trigger: 'schedule', full: false },
    ]);
    const slots = await listSlots(store, 'grades', 10);
    expect(slots.map((s) => [s.slotAt, s.status, s.trigger, s.lateMs])).toEqual([
      ['2026-12-02T06:00:00.000Z', 'done', 'schedule', 0],
      // First start at 05:00: the slot of the day before passed before scheduling began.
      ['2026-12-01T06:00:00.000Z', 'skipped', 'catch-up', 23 * 3600_000],
    ]);
    const [run] = await listRuns(store, { limit: 5 });
    expect(run).toMatchObject({ trigger: 'schedule', startedAt: '2026-12-02T06:00:00.000Z', status: 'succeeded' });
    expect(slots[0]?.runId).toBe(run?.id);
  });
});

describe.each(storeKinds)('missed slots on %s', (kind) => {
  it('runs the most recent missed slot once after a restart, and not twice', async () => {
    const url = freshStoreUrl(kind);
    const clock = new ManualClock(new Date('2026-12-01T05:00:00Z'));
    const bodies = controllableBodies({ autoFinish: true });

    const first = await start(await openTracked(url), clock, bodies, 'first');
    clock.advanceTo(new Date('2026-12-01T06:00:00Z'));
    await first.scheduler.check(clock.now());
    await first.worker.idle();
    await first.stop();
    expect(bodies.calls).toHaveLength(1);

    // Down from Dec 1 07:00 to Dec 3 09:30: the slots of Dec 2 and Dec 3 pass unseen.
    clock.jumpTo(new Date('2026-12-03T09:30:00Z'));
    const missed: { slot: string; lateMs: number }[] = [];
    const second = await start(await openTracked(url), clock, bodies, 'second');
    await second.worker.idle();
    expect(bodies.calls.map((c) => [c.at.toISOString(), c.request.trigger])).toEqual([
      ['2026-12-01T06:00:00.000Z', 'schedule'],
      ['2026-12-03T09:30:00.000Z', 'catch-up'],
    ]);
    second.scheduler.on('missed-slot', (e) => missed.push({ slot: e.slotAt.toISOString(), lateMs: e.lateMs }));
    // Catch-up checks every few minutes, and another restart, find the slot taken.
    clock.advanceTo(new Date('2026-12-03T09:50:00Z'));
    await second.scheduler.check(clock.now());
    await second.worker.idle();
    await second.stop();
    const third = await start(await openTracked(url), clock, bodies, 'third');
    await third.worker.idle();
    expect(bodies.calls).toHaveLength(2);
    expect(missed).toEqual([]);

    const store = await openTracked(url);
    const slots = await listSlots(store, 'grades', 10);
    expect(slots.map((s) => [s.slotAt, s.status, s.trigger, s.lateMs, s.claimedBy])).toEqual([
      ['2026-12-03T06:00:00.000Z', 'done', 'catch-up', 3.5 * 3600_000, 'second'],
      ['2026-12-01T06:00:00.000Z', 'done', 'schedule', 0, 'first'],
      ['2026-11-30T06:00:00.000Z', 'skipped', 'catch-up', 23 * 3600_000, 'first'],
    ]);
    const runs = await listRuns(store, { limit: 10, pipeline: 'grades' });
    expect(runs.map((r) => [r.trigger, r.startedAt])).toEqual([
      ['catch-up', '2026-12-03T09:30:00.000Z'],
      ['schedule', '2026-12-01T06:00:00.000Z'],
    ]);
  });

  it('reports a slot missed while the event loop was stalled as an event, in the log and on the run', async () => {
    const url = freshStoreUrl(kind);
    const clock = new ManualClock(new Date('2026-12-01T05:00:00Z'));
    const bodies = controllableBodies({ autoFinish: true });
    const logLines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    const ops = await start(await openTracked(url), clock, bodies, 'A', logger);
    const events: { slot: string; lateMs: number; trigger: string }[] = [];
    ops.scheduler.on('missed-slot', (e) => events.push({ slot: e.slotAt.toISOString(), lateMs: e.lateMs, trigger: e.trigger }));

    // Stalled from 05:58 to 06:04: the 06:00 timer never fired; the 06:05 catch-up check finds the slot.
    clock.advanceTo(new Date('2026-12-01T05:58:00Z'));
    clock.jumpTo(new Date('2026-12-01T06:04:00Z'));
    const fired = clock.advanceTo(new Date('2026-12-01T06:05:00Z'));
    expect(fired).toContain('catch-up');
    expect(fired).not.toContain('grades 06:00 GMT');
    await ops.scheduler.check(clock.now());
    await ops.worker.idle();

    expect(events).toEqual([{ slot: '2026-12-01T06:00:00.000Z', lateMs: 5 * 60_000, trigger: 'catch-up' }]);
    expect(bodies.calls.map((c) => [c.at.toISOString(), c.request.trigger])).toEqual([['2026-12-01T06:05:00.000Z', 'catch-up']]);
    const warning = logLines.map((line) => JSON.parse(line) as { level: number; msg: string; lateMs?: number }).find((l) => l.msg.startsWith('missed the grades slot'));
    expect(warning).toMatchObject({ level: 40, lateMs: 300_000 });
    const [run] = await listRuns(await openTracked(url), { limit: 1 });
    expect(run?.trigger).toBe('catch-up');
  });
});

describe.each(storeKinds)('two schedulers on one %s store', (kind) => {
  it('take each slot once and never run the same pipeline at once', async () => {
    const url = freshStoreUrl(kind);
    const clock = new ManualClock(new Date('2026-12-02T05:00:00Z'));
    const bodies = controllableBodies({ autoFinish: false });
    const a = await start(await openTracked(url), clock, bodies, 'A');
    const b = await start(await openTracked(url), clock, bodies, 'B');
    const slotTakers: string[] = [];
    a.scheduler.on('slot', () => slotTakers.push('A'));
    b.scheduler.on('slot', () => slotTakers.push('B'));

    // Both daily timers fire at 06:00; both check at once.
    const started = bodies.nextStart();
    clock.advanceTo(new Date('2026-12-02T06:00:00Z'));
    await Promise.all([a.scheduler.check(clock.now()), b.scheduler.check(clock.now())]);
    await started;
    expect(slotTakers).toHaveLength(1);

    // An admin asks for a full run while the scheduled one is going: it waits in the queue.
    const store = await openTracked(url);
    const asked = await requestRun(store, { pipeline: 'grades', full: true, dryRun: false, scope: null, requestedBy: 'it@district.org', now: clock.now() });
    expect(asked.merged).toBe(false);
    await Promise.all([a.worker.poll(), b.worker.poll()]);
    expect(bodies.active()).toBe(1);

    const second = bodies.nextStart();
    bodies.finish(0);
    await second;
    expect(bodies.calls.map((c) => [c.request.trigger, c.request.full])).toEqual([
      ['schedule', false],
      ['admin', true],
    ]);
    bodies.finish(1);
    await Promise.all([a.worker.idle(), b.worker.idle()]);
    expect(bodies.maxActive()).toBe(1);
    expect(bodies.calls).toHaveLength(2);
    const runs = await listRuns(store, { limit: 10 });
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });
});
