/**
 * The run queue: a request made while a run is going is queued once; a second one merges into it
 * (and says so); the worker runs them one after another through runPipeline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRunRequest, listRunRequests } from '../../src/store/run-requests.ts';
import { listRuns } from '../../src/store/runs.ts';
import { listSlots } from '../../src/store/schedule-slots.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ManualClock } from '../../src/schedule/manual-clock.ts';
import { startOperations, type Operations } from '../../src/schedule/operations.ts';
import { requestRun } from '../../src/schedule/run-queue.ts';
import { silentLogger } from '../../src/logger.ts';
import { openFreshStore, storeKinds } from '../helpers/stores.ts';
import { controllableBodies, testConfig } from './scheduler-helpers.ts';

describe.each(storeKinds)('run queue on %s', (kind) => {
  let store: Store;
  let ops: Operations | undefined;
  afterEach(async () => {
    await ops?.stop();
    ops = undefined;
    await store.close();
  });

  async function startWith(clock: ManualClock, bodies: ReturnType<typeof controllableBodies>): Promise<Operations> {
    ops = await startOperations({
      config: testConfig({ gradeSchedule: '06:00', rosterSchedule: '05:00' }),
      store,
      logger: silentLogger(),
      now: clock.now,
      timers: clock,
      bodies: bodies.bodies,
      lockWait: { timeoutMs: 10_000, pollMs: 10 },
      pollEveryMs: 60_000,
    });
    return ops;
  }

  it('queues a request made during a run once, and merges the next one into it', async () => {
    store = await openFreshStore(kind);
    const clock = new ManualClock(new Date('2026-12-02T10:00:00Z'));
    const bodies = controllableBodies({ autoFinish: false });
    const worker = (await startWith(clock, bodies)).worker;
    // Queued requests are taken oldest first; each is asked a second after the one before.
    const ask = (who: string, extra: { full?: boolean; dryRun?: boolean } = {}) => {
      clock.jumpTo(new Date(clock.now().getTime() + 1000));
      return requestRun(store, { pipeline: 'grades', full: extra.full ?? false, dryRun: extra.dryRun ?? false, scope: null, requestedBy: who, now: clock.now() });
    };

    const firstStart = bodies.nextStart();
    const first = await ask('it@district.org');
    await worker.poll();
    await firstStart;

    const queued = await ask('registrar@district.org', { full: true });
    const merged = await ask('it@district.org');
    const preview = await ask('it@district.org', { dryRun: true });
    expect(queued.merged).toBe(false);
    expect(merged).toEqual({ id: queued.id, merged: true });
    expect(preview.merged).toBe(false);
    expect(new Set([first.id, queued.id, preview.id]).size).toBe(3);
    expect(await getRunRequest(store, queued.id)).toMatchObject({
      status: 'queued',
      full: true,
      merged: 1,
      requestedBy: ['registrar@district.org', 'it@district.org'],
    });

    // Polling while the first run goes starts nothing else for that pipeline.
    await worker.poll();
    expect(bodies.calls).toHaveLength(1);
    expect(bodies.active()).toBe(1);

    const secondStart = bodies.nextStart();
    bodies.finish(0);
    await secondStart;
    const thirdStart = bodies.nextStart();
    bodies.finish(1);
    await thirdStart;
    bodies.finish(2);
    await worker.idle();

    expect(bodies.calls.map((c) => [c.request.trigger, c.request.full, c.request.dryRun])).toEqual([
      ['admin', false, false],
      ['admin', true, false],
      ['admin', false, true],
    ]);
    expect(bodies.maxActive()).toBe(1);
    const requests = await listRunRequests(store, { limit: 10 });
    expect(requests.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    const runs = await listRuns(store, { limit: 10 });
    expect(new Set(requests.map((r) => r.runId))).toEqual(new Set(runs.map((r) => r.id)));
  });

  it('merges a scheduled slot into a request already queued', async () => {
    store = await openFreshStore(kind);
    const clock = new ManualClock(new Date('2026-12-02T05:30:00Z'));
    const bodies = controllableBodies({ autoFinish: false });
    const { scheduler, worker } = await startWith(clock, bodies);

    const firstStart = bodies.nextStart();
    await requestRun(store, { pipeline: 'grades', full: false, dryRun: false, scope: null, requestedBy: 'it@district.org', now: clock.now() });
    await worker.poll();
    await firstStart;
    const queued = await requestRun(store, { pipeline: 'grades', full: true, dryRun: false, scope: { school: 'sch-1' }, requestedBy: 'it@district.org', now: clock.now() });

    clock.advanceTo(new Date('2026-12-02T06:00:00Z'));
    await scheduler.check(clock.now());
    const [slot] = await listSlots(store, 'grades', 1);
    expect(slot).toMatchObject({ slotAt: '2026-12-02T06:00:00.000Z', status: 'queued', requestId: queued.id });
    // Merged with a whole-district incremental run, the scoped full run covers the whole district.
    expect(await getRunRequest(store, queued.id)).toMatchObject({ full: true, scope: null, merged: 1, requestedBy: ['it@district.org', 'schedule'] });

    const secondStart = bodies.nextStart();
    bodies.finish(0);
    await secondStart;
    bodies.finish(1);
    await worker.idle();
    const [done] = await listSlots(store, 'grades', 1);
    expect(done).toMatchObject({ status: 'done', runId: bodies.calls[1]?.runId });
  });
});
