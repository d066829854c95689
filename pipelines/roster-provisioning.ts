/**
 * Roster provisioning: Infinite Campus OneRoster -> Schoology, one way (README "Roster provisioning
 * pipeline"). Reads top to bottom: read IC, store the mappings alone when Schoology is not
 * provisioned, read what Schoology holds, plan, write in dependency order (buildings, grading
 * periods, users, parent links, courses, sections, enrollments), store the mappings with the
 * Schoology IDs, write the grading tasks file. A dry run reads both sides, counts the plan and
 * writes nothing. Skips are not failures: the run is `partial` only when a write failed.
 */
import { GradebridgeError } from '../src/errors.ts';
import type { RosterConfig, SchoologyConfig } from '../src/config/schema.ts';
import { createIcClient, type IcClient } from '../src/load/ic-client.ts';
import { applyBuildings } from '../src/roster/apply-buildings.ts';
import { flushLog, outcomeOf, resolveRef, stopIfAborted, type ApplyContext } from '../src/roster/apply-context.ts';
import { applyCourses } from '../src/roster/apply-courses.ts';
import { applyEnrollments } from '../src/roster/apply-enrollments.ts';
import { applyGradingPeriods } from '../src/roster/apply-grading-periods.ts';
import { applyParentLinks } from '../src/roster/apply-parent-links.ts';
import { applySections } from '../src/roster/apply-sections.ts';
import { applyUsers } from '../src/roster/apply-users.ts';
import { buildRosterSnapshot, type ProvisionedIds } from '../src/roster/build-roster-snapshot.ts';
import { lookupKeys, planRoster, type RosterPlan } from '../src/roster/plan-roster.ts';
import type { KindPlan } from '../src/roster/plan-types.ts';
import { readIcRoster } from '../src/roster/read-roster.ts';
import { readSchoologyHoldings } from '../src/roster/read-schoology-holdings.ts';
import { RosterRunLog } from '../src/roster/roster-run-log.ts';
import type { IcRoster } from '../src/roster/roster-types.ts';
import { createSchoologyClient } from '../src/roster/schoology/index.ts';
import { writeGradingTasksFile } from '../src/roster/write-grading-tasks-file.ts';
import { replaceRosterSnapshot } from '../src/store/roster-mappings.ts';
import { readMadeEnrollments, readMadeParentLinks } from '../src/store/schoology-enrollments.ts';
import type { PipelineContext, RunRequest } from './context.ts';
import { PipelineStop, type PipelineBody, type PipelineResult } from './run-pipeline.ts';
import type { RosterKind } from './run-summary.ts';

export const rosterProvisioning: PipelineBody = async (ctx, request, runId) => {
  const roster = requireRosterConfig(ctx);
  const ic = createIcClient({
    config: ctx.config.infiniteCampus,
    logger: ctx.logger,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onIcRequest ? { onRequest: ctx.onIcRequest } : {}),
  });
  const log = new RosterRunLog();
  let rows = 0;
  try {
    // 1. Read IC: the complete roster (a delta read is merged into the stored copy of the last one).
    const read = await readIcRoster(ic, {
      store: ctx.store,
      full: request.full,
      now: ctx.now(),
      source: `${ctx.config.infiniteCampus.api} ${ctx.config.infiniteCampus.baseUrl}`,
      persist: !request.dryRun,
      logger: ctx.logger,
    });
    rows = read.fetched;
    stopIfAborted(ctx.signal);

    // 2. Mappings only (no `schoology` block, or `provision: false`): store the mappings, nothing goes to Schoology.
    const schoology = roster.provision ? roster.schoology : undefined;
    if (!schoology) {
      ctx.logger.info('rosterProvisioning has no schoology connection (or provision: false): storing the mappings only');
      if (!request.dryRun) {
        await replaceRosterSnapshot(ctx.store, buildRosterSnapshot(read.roster, roster, null));
        await writeTasksFile(ctx, ic, read.roster, roster);
      }
      return result(log, rows);
    }

    const ids = await provisionSchoology(ctx, request, runId, schoology, read.roster, log);
    if (request.dryRun) return result(log, rows);

    // 7. Store the mappings grade passback and the status page read, with the Schoology IDs.
    await replaceRosterSnapshot(ctx.store, buildRosterSnapshot(read.roster, roster, ids));
    // 8. The grading tasks file (needs the vendor key; skipped with a warning without it).
    await writeTasksFile(ctx, ic, read.roster, roster);
    return result(log, rows);
  } catch (error) {
    if (error instanceof GradebridgeError && !(error instanceof PipelineStop)) {
      // Keep what was logged before the stop; if the store fails too, the stop is still the error to report.
      await flushLog({ store: ctx.store, runId, log }).catch(() => undefined);
      throw new PipelineStop(error, { rows, counts: log.counts, sourceFile: null });
    }
    throw error;
  } finally {
    await ic.close();
  }
};

/** Steps 3-6: read Schoology, plan, and (unless a dry run) write. Returns the IDs for the mappings. */
async function provisionSchoology(
  ctx: PipelineContext,
  request: RunRequest,
  runId: string,
  config: SchoologyConfig,
  icRoster: IcRoster,
  log: RosterRunLog,
): Promise<ProvisionedIds> {
  const roster = requireRosterConfig(ctx);
  const client = createSchoologyClient({ config, logger: ctx.logger, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  try {
    // 3. Check the key (`/users/me`, a 303 followed with a new signature), then read what Schoology
    //    holds (lookups by key for the users and sections IC has) and what gradebridge made.
    const apiUser = await client.me();
    ctx.logger.info({ schoologyUser: apiUser.name }, 'Schoology connection checked');
    const holdings = await readSchoologyHoldings(client, lookupKeys(icRoster, roster));
    const made = { enrollments: await readMadeEnrollments(ctx.store), parentLinks: await readMadeParentLinks(ctx.store) };
    stopIfAborted(ctx.signal);

    // 4. Plan: what to create, update or remove; what is already right; what is skipped and why.
    const plan = planRoster(icRoster, roster, holdings, made);
    logPlanned(log, plan);
    const apply: ApplyContext = {
      client,
      log,
      store: ctx.store,
      runId,
      now: ctx.now,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      created: { buildings: new Map(), gradingPeriods: new Map(), courses: new Map() },
      usersInSchoology: new Set(holdings.users.keys()),
      sectionIds: new Map([...holdings.sections].map(([code, s]) => [code, s.id])),
    };

    // 5. A dry run counts every planned write as if it were made, and sends nothing.
    if (request.dryRun) {
      logDryRun(log, plan);
      await flushLog(apply);
      return idsOf(plan, apply);
    }
    await flushLog(apply);

    // 6. Write, parents before children; every bulk item's answer is checked.
    await applyBuildings(apply, plan.buildings);
    await applyGradingPeriods(apply, plan.gradingPeriods);
    stopIfAborted(ctx.signal);
    await applyUsers(apply, plan.users);
    await applyParentLinks(apply, plan.parentLinks);
    stopIfAborted(ctx.signal);
    await applyCourses(apply, plan.courses);
    await applySections(apply, plan.sections);
    stopIfAborted(ctx.signal);
    await applyEnrollments(apply, plan.enrollments);
    const calls = client.requestCount();
    ctx.logger.info({ reads: calls.reads, writes: calls.writes, bulkCalls: calls.bulkCalls, counts: log.counts }, 'Schoology provisioned');
    return idsOf(plan, apply);
  } finally {
    await client.close();
  }
}

function logPlanned(log: RosterRunLog, plan: RosterPlan): void {
  log.skipped('buildings', plan.buildings.skipped);
  log.unchanged('buildings', plan.buildings.unchanged);
  log.skipped('gradingPeriods', plan.gradingPeriods.skipped);
  log.unchanged('gradingPeriods', plan.gradingPeriods.unchanged);
  log.skipped('users', plan.users.skipped);
  log.unchanged('users', plan.users.unchanged);
  log.skipped('courses', plan.courses.skipped);
  log.unchanged('courses', plan.courses.unchanged);
  log.skipped('sections', plan.sections.skipped);
  log.unchanged('sections', plan.sections.unchanged);
  log.skipped('enrollments', plan.enrollments.skipped);
  log.unchanged('enrollments', plan.enrollments.unchanged);
  log.skipped('enrollments', plan.parentLinks.skipped);
  log.unchanged('enrollments', plan.parentLinks.unchanged);
}

function logDryRun(log: RosterRunLog, plan: RosterPlan): void {
  const kinds: Array<[RosterKind, KindPlan<unknown>]> = [
    ['buildings', plan.buildings],
    ['gradingPeriods', plan.gradingPeriods],
    ['users', plan.users],
    ['enrollments', plan.parentLinks],
    ['courses', plan.courses],
    ['sections', plan.sections],
    ['enrollments', plan.enrollments],
  ];
  for (const [kind, kindPlan] of kinds) {
    for (const write of kindPlan.writes) log.wrote(kind, write, outcomeOf(write.action), 'dry run: not sent');
  }
}

/** Schoology IDs for the stored mappings: existing objects, and those this run created. */
function idsOf(plan: RosterPlan, apply: ApplyContext): ProvisionedIds {
  return {
    buildingOf: (school) => {
      const ref = plan.buildings.buildingOf.get(school);
      return ref ? resolveRef(apply.created.buildings, ref) : null;
    },
    periodOf: (term) => {
      const ref = plan.gradingPeriods.periodOf.get(term);
      const id = ref ? resolveRef(apply.created.gradingPeriods, ref) : null;
      return id === null ? null : { id, title: plan.gradingPeriods.titleOf.get(term) ?? null };
    },
    sectionOf: (code) => apply.sectionIds.get(code) ?? null,
  };
}

async function writeTasksFile(ctx: PipelineContext, ic: IcClient, icRoster: IcRoster, roster: RosterConfig): Promise<void> {
  const { vendorKey, vendorSecret } = ctx.config.infiniteCampus;
  await writeGradingTasksFile(ic, icRoster, {
    file: roster.gradingTasksFile,
    activeYear: roster.activeYear,
    hasVendorKey: Boolean(vendorKey && vendorSecret),
    logger: ctx.logger,
  });
}

function result(log: RosterRunLog, rows: number): PipelineResult {
  return { status: log.failed > 0 ? 'partial' : 'succeeded', counts: log.counts, rows, sourceFile: null };
}

function requireRosterConfig(ctx: PipelineContext): RosterConfig {
  const roster = ctx.config.rosterProvisioning;
  if (!roster) throw new GradebridgeError('CONFIG_INVALID', 'rosterProvisioning is not configured.');
  return roster;
}
