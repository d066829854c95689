/**
 * Grade passback: Schoology's auto-export on SFTP -> Infinite Campus grading-task results.
 * Reads top to bottom like the design's numbered list: extract, read rows, map, filter, target
 * line items, plan, load, record (the run record and notice are runPipeline's).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExportFileError, GradebridgeError, remedies } from '../src/errors.ts';
import { fetchExport, streamExport, type StreamExportOptions } from '../src/extract/fetch-export.ts';
import { readExportRows } from '../src/extract/read-export-rows.ts';
import { readMappingFile } from '../src/extract/read-mapping-file.ts';
import { readWindowCalendar } from '../src/grading-windows/read-window-calendar.ts';
import { makeWindowChecker } from '../src/grading-windows/window-status.ts';
import { createIcClient, type IcClient } from '../src/load/ic-client.ts';
import { IcAcademicSession, IcOrg } from '../src/load/ic-schemas.ts';
import { postResults } from '../src/load/post-results.ts';
import { reconcileResults } from '../src/load/reconcile-results.ts';
import { chunk } from '../src/chunk.ts';
import { ownCopy } from '../src/own-copy.ts';
import { readLastPosted, recordPosted } from '../src/store/ledger.ts';
import { readOptedInSections } from '../src/store/opt-ins.ts';
import { readRosterMappingRows, sectionsOfTeacher } from '../src/store/roster-mappings.ts';
import { insertRowOutcomes, updateResultOutcome, type NewRowOutcome } from '../src/store/row-outcomes.ts';
import { lastSuccessfulFileRun, recordRunSource } from '../src/store/runs.ts';
import { addOutcome, type OutcomeCounts } from '../src/transform/count-outcomes.ts';
import { makeGradeMappings, type GradeMappingSources } from '../src/transform/grade-mappings.ts';
import { GradePlanBuilder, type GradeMappings, type GradePlan, type RowOutcome } from '../src/transform/plan-grade-passback.ts';
import type { GradePassbackConfig } from '../src/config/schema.ts';
import type { LineItem, PlannedResult } from '../src/types.ts';
import type { PipelineContext, RunRequest } from './context.ts';
import { PipelineStop, type PipelineBody, type PipelineResult } from './run-pipeline.ts';
import type { GradeCounts } from './run-summary.ts';

export const gradePassback: PipelineBody = async (ctx, request, runId) => {
  const grades = requireGradeConfig(ctx);
  // No abort signal for the client: a stop lets the request in flight finish (and its ledger entry be
  // written) and stops between requests instead.
  const ic = createIcClient({
    config: ctx.config.infiniteCampus,
    concurrency: grades.concurrency,
    logger: ctx.logger,
    ...(grades.maxAttempts ? { maxAttempts: grades.maxAttempts } : {}),
    ...(ctx.onIcRequest ? { onRequest: ctx.onIcRequest } : {}),
  });
  let sourceFile: string | null = null;
  let rows = 0;
  try {
    // 1-4. Extract and read: pick the newest export by title and check its age, then read its rows
    // as it downloads (its size and SHA-256 are recorded once complete), screening each one: map,
    // filter, opt-in. Invalid rows are outcomes, not stops; no row is held beyond what the plan keeps.
    const screening = await extractAndScreen(ctx, request, grades, ic, runId, (picked) => {
      sourceFile = picked;
    });
    rows = screening.plan.rows;
    ctx.logger.info({ rows, classes: screening.plan.classes().size }, 'export rows read');
    await guardAgainstShrunkenExport(ctx, request, grades, rows);

    // 5-6. Target line items (read from IC for the classes the screened rows reach), then plan. Every
    // row's outcome is stored and tallied as the plan derives it; none is held.
    const plan = await finishPlan(ctx, grades, ic, screening);
    ctx.logger.info({ planned: plan.plannedCount, outcomes: plan.outcomeCount }, 'plan ready');
    const tally = await storeOutcomes(ctx, runId, plan);
    ctx.logger.info({ outcomes: tally.outcomes }, 'outcomes stored');

    ctx.signal?.throwIfAborted();
    // 6. A dry run stops here: the plan is stored and printed, nothing is sent.
    if (request.dryRun) return finish(tally, plan.plannedCount, rows, sourceFile);

    // 7. Load: PUT each result (bounded concurrency, retries), the ledger written after each success.
    // Each answer is counted once per row outcome pointing to the result.
    const planned = [...plan.plannedResults()];
    const load = await postResults(ic, planned, {
      letterGrades: grades.letterGrades,
      now: ctx.now,
      concurrency: grades.concurrency,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onPosted: async (result) => {
        await recordPosted(ctx.store, runId, result, ctx.now());
        tally.posted += await updateResultOutcome(ctx.store, runId, result, 'posted', null);
      },
      onRefused: async (result, outcome) => {
        const rowsUpdated = await updateResultOutcome(ctx.store, runId, result, outcome.kind, outcome.message);
        if (outcome.kind === 'failed') tally.failed += rowsUpdated;
        else addOutcome(tally.counts, outcome.kind, rowsUpdated);
      },
      onProgress: (done, total) => ctx.onProgress?.({ stage: 'posting', done, total }),
    });
    if (load.answers.size > 0 && [...load.answers.values()].every((a) => a === 'window-closed')) {
      ctx.logger.warn(remedies.windowsClosed);
    }

    // 8. Reconcile a sample (or all, with --verify) of what IC now holds against what was sent.
    const verification = await reconcileResults(ic, planned, load.postedIds, { all: request.verify === true, sample: grades.verifySample });
    if (verification.mismatched.length > 0) ctx.logger.warn({ mismatched: verification.mismatched.slice(0, 20) }, 'IC holds results that differ from what was posted');
    return finish(tally, planned.length, rows, sourceFile, verification);
  } catch (error) {
    if (error instanceof GradebridgeError && !(error instanceof PipelineStop)) {
      throw new PipelineStop(error, { rows, sourceFile, counts: emptyCounts(rows) });
    }
    throw error;
  } finally {
    await ic.close();
  }
};

function requireGradeConfig(ctx: PipelineContext): GradePassbackConfig {
  const grades = ctx.config.gradePassback;
  if (!grades) throw new ExportFileError('CONFIG_INVALID', 'gradePassback is not configured.');
  return grades;
}

async function guardAgainstShrunkenExport(ctx: PipelineContext, request: RunRequest, grades: GradePassbackConfig, rows: number): Promise<void> {
  const previous = await lastSuccessfulFileRun(ctx.store, 'grades');
  if (!previous || previous.rows === 0) return;
  const minimum = Math.ceil((previous.rows * grades.shrinkGuardPercent) / 100);
  if (rows >= minimum) return;
  if (request.full && request.acceptShrink) {
    ctx.logger.warn({ rows, previousRows: previous.rows }, 'export is smaller than the shrink guard allows; accepted for this full run');
    return;
  }
  throw new ExportFileError(
    'EXPORT_SHRUNK',
    `The export has ${rows} rows, fewer than ${grades.shrinkGuardPercent}% of the ${previous.rows} rows of the last successful run; nothing was posted.`,
    { remedy: remedies.exportShrunk },
  );
}

/** The plan being screened (its mappings, opt-ins and scope read), and the schools' identifiers. */
interface Screening {
  plan: GradePlanBuilder;
  /** IC school sourcedId -> identifier, for window calendars that name schools either way. */
  schoolIdentifiers: ReadonlyMap<string, string>;
}

/**
 * Steps 1-4: the export streamed from the SFTP server through the reader into the plan's screening,
 * read while it downloads. `onPicked` learns the file's remote path as soon as it is picked.
 */
async function extractAndScreen(
  ctx: PipelineContext,
  request: RunRequest,
  grades: GradePassbackConfig,
  ic: IcClient,
  runId: string,
  onPicked: (remotePath: string) => void,
): Promise<Screening> {
  const options: StreamExportOptions = {
    autoExportTitle: grades.autoExportTitle,
    minFileAgeSeconds: grades.minFileAgeSeconds,
    now: ctx.now(),
    logger: ctx.logger,
    onDownloaded: async (file) => {
      await recordRunSource(ctx.store, runId, { remotePath: file.remotePath, size: file.size, mtime: file.mtime, sha256: file.sha256 });
      ctx.logger.info({ file: file.remotePath, size: file.size, sha256: file.sha256 }, 'export file downloaded');
    },
  };
  if (grades.identityMapping) {
    // Identity mapping asks IC about each section, so the file is downloaded first (into a folder of
    // the run's, removed once read) and its sections read in a pass of their own.
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'gradebridge-run-'));
    try {
      const file = await fetchExport(grades.sftp, { ...options, destDir: workDir });
      onPicked(file.remotePath);
      const screening = await startScreening(ctx, request, grades, ic, await readSections(file.localPath, grades));
      return await screenRows(screening, createReadStream(file.localPath), grades);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
  const screening = await startScreening(ctx, request, grades, ic, new Set());
  const { result } = await streamExport(grades.sftp, options, async (bytes, file) => {
    onPicked(file.remotePath);
    return screenRows(screening, bytes, grades);
  });
  return result;
}

/** The plan, ready to screen rows: mappings, opt-ins and the run's scope read. */
async function startScreening(
  ctx: PipelineContext,
  request: RunRequest,
  grades: GradePassbackConfig,
  ic: IcClient,
  sections: ReadonlySet<string>,
): Promise<Screening> {
  const { mappings, schoolIdentifiers } = await readGradeMappings(ctx, grades, ic, sections);
  const optedIn = await readOptedInSections(ctx.store);
  ctx.logger.info({ optedIn: optedIn.size }, 'mappings ready');
  const teacherSections = request.scope?.teacher ? new Set(await sectionsOfTeacher(ctx.store, request.scope.teacher)) : undefined;
  const plan = new GradePlanBuilder({
    mappings,
    isOptedIn: (section) => optedIn.has(section),
    options: {
      termTaskIds: grades.termTaskIds,
      overallTaskIds: grades.overallTaskIds,
      letterGrades: grades.letterGrades,
      overallPeriodValues: grades.overallPeriodValues,
      scoreDecimals: grades.scoreDecimals,
      maxScore: grades.maxScore,
      decimalSeparator: grades.decimalSeparator,
      teachersMustOptIn: grades.teachersMustOptIn,
      postComments: grades.postComments,
      full: request.full,
      ...(request.scope
        ? {
            scope: {
              ...(request.scope.school ? { school: request.scope.school } : {}),
              ...(request.scope.section ? { section: request.scope.section } : {}),
              ...(teacherSections ? { teacherSections } : {}),
            },
          }
        : {}),
    },
  });
  return { plan, schoolIdentifiers };
}

/** Steps 2-4 for every row of the export, as the reader yields them. */
async function screenRows(screening: Screening, input: NodeJS.ReadableStream, grades: GradePassbackConfig): Promise<Screening> {
  for await (const batch of readExportRows(input, { columns: grades.columns }).batches()) {
    for (const record of batch) screening.plan.add(record);
  }
  screening.plan.endRecords();
  return screening;
}

/**
 * The lookups built from the mapping sources. Only they are returned: the roster rows they were
 * built from (a large district's enrollments) can be collected while the export is read.
 */
async function readGradeMappings(
  ctx: PipelineContext,
  grades: GradePassbackConfig,
  ic: IcClient,
  sections: ReadonlySet<string>,
): Promise<{ mappings: GradeMappings; schoolIdentifiers: ReadonlyMap<string, string> }> {
  const sources = await readMappingSources(ctx, grades, ic, sections);
  return { mappings: makeGradeMappings(sources), schoolIdentifiers: sources.schoolIdentifiers };
}

async function readSections(localPath: string, grades: GradePassbackConfig): Promise<Set<string>> {
  const sections = new Set<string>();
  for await (const batch of readExportRows(createReadStream(localPath), { columns: grades.columns }).batches()) {
    for (const record of batch) if (record.kind === 'row' && !sections.has(record.row.sectionSchoolCode)) sections.add(ownCopy(record.row.sectionSchoolCode));
  }
  return sections;
}

/** Steps 5-6: line items of the classes rows reach (cached per run), windows, then the ledger a batch at a time. */
async function finishPlan(ctx: PipelineContext, grades: GradePassbackConfig, ic: IcClient, screening: Screening): Promise<GradePlan> {
  const lineItems = await readLineItems(ic, [...screening.plan.classes()], grades.concurrency, ctx);
  ctx.logger.info({ classes: lineItems.size }, 'line items read');
  const calendar = ctx.config.gradingWindows.calendarFile
    ? await readWindowCalendar(ctx.config.gradingWindows.calendarFile, { timezone: ctx.config.timezone })
    : [];
  const isWindowOpen = makeWindowChecker({
    calendar,
    now: ctx.now(),
    schoolAliases: (school: string) => {
      const identifier = screening.schoolIdentifiers.get(school);
      return identifier ? [identifier] : [];
    },
  });
  const plan = screening.plan.finish({ lineItemsFor: (classSourcedId) => lineItems.get(classSourcedId) ?? [], isWindowOpen });
  ctx.logger.info({ outcomes: plan.outcomeCount }, 'plan resolved');
  // A full run sends everything whatever the ledger says, so it is not read.
  if (plan.needsLedger) {
    let entries = 0;
    for (const batch of chunk(plan.lineItemsWithResults(), ledgerBatch)) {
      const lastPosted = await readLastPosted(ctx.store, batch);
      entries += lastPosted.length;
      plan.recordLastPosted(lastPosted);
    }
    ctx.logger.info({ entries }, 'ledger read');
  }
  return plan;
}

/** Counts of the outcomes, kept up to date through the load; a million rows' outcomes are not held. */
interface OutcomeTally {
  outcomes: number;
  /** As the plan left them; answers from IC move skips (window closed) in here too. */
  counts: OutcomeCounts;
  posted: number;
  failed: number;
}

/** Line items asked of the ledger at once (well under the SQL parameter limits of SQLite and PostgreSQL). */
const ledgerBatch = 500;
/** Outcomes stored per transaction. */
const storedSlice = 2000;

async function storeOutcomes(ctx: PipelineContext, runId: string, plan: GradePlan): Promise<OutcomeTally> {
  const tally: OutcomeTally = { outcomes: 0, counts: { planned: 0, unchanged: 0, skipped: {} }, posted: 0, failed: 0 };
  let slice: NewRowOutcome[] = [];
  for (const o of plan.outcomes()) {
    tally.outcomes += 1;
    addOutcome(tally.counts, o.outcome);
    slice.push(toStoredOutcome(o));
    if (slice.length === storedSlice) {
      await insertRowOutcomes(ctx.store, runId, slice);
      slice = [];
    }
  }
  await insertRowOutcomes(ctx.store, runId, slice);
  return tally;
}

/** The mapping file, the roster's stored mappings and, with identity mapping, what IC confirms. */
async function readMappingSources(
  ctx: PipelineContext,
  grades: GradePassbackConfig,
  ic: IcClient,
  sections: ReadonlySet<string>,
): Promise<GradeMappingSources> {
  const mappingFile = grades.mappingFile ? await readMappingFile(grades.mappingFile) : null;
  const rows = await readRosterMappingRows(ctx.store);
  const roster = rows.classes.length
    ? {
        classes: rows.classes.map((c) => ({ sourcedId: c.sourced_id, schoolSourcedId: c.school_sourced_id })),
        users: rows.users.map((u) => ({ uid: u.uid, sourcedId: u.sourced_id })),
        studentsByClass: rows.studentsByClass,
        terms: rows.terms.map((t) => ({
          sourcedId: t.sourced_id,
          schoolSourcedId: t.school_sourced_id,
          gradingPeriodId: t.grading_period_id,
          gradingPeriodTitle: t.grading_period_title,
        })),
      }
    : null;
  const schoolIdentifiers = new Map<string, string>();
  for (const school of rows.schools) if (school.identifier) schoolIdentifiers.set(school.sourced_id, school.identifier);

  let identity: GradeMappingSources['identity'] = null;
  if (grades.identityMapping) {
    const rosterKnown = new Set(roster?.classes.map((c) => c.sourcedId));
    const classes = new Map<string, { schoolSourcedId: string }>();
    const classStudents = new Map<string, Set<string>>();
    for (const section of sections) {
      if (rosterKnown.has(section)) continue;
      const icClass = await ic.readClass(section);
      if (!icClass) continue;
      classes.set(section, { schoolSourcedId: icClass.school.sourcedId });
      const students = await ic.readClassStudents(section);
      classStudents.set(section, new Set(students.map((s) => s.sourcedId)));
    }
    await addSchoolIdentifiers(ic, schoolIdentifiers);
    const sessions = await ic.readCollection('rostering', '/academicSessions', 'academicSessions', IcAcademicSession);
    const termIds = new Set(sessions.map((session) => session.sourcedId));
    identity = { classes, classStudents, termIds };
    ctx.logger.info({ classes: classes.size }, 'identity mapping confirmed by IC');
  } else if (mappingFile && schoolIdentifiers.size === 0) {
    await addSchoolIdentifiers(ic, schoolIdentifiers);
  }
  return { mappingFile, roster, identity, schoolIdentifiers };
}

/** A mapping file may name schools by IC identifier; IC's schools tell us which sourcedId that is. */
async function addSchoolIdentifiers(ic: IcClient, into: Map<string, string>): Promise<void> {
  for (const school of await ic.readCollection('rostering', '/schools', 'orgs', IcOrg)) {
    if (school.identifier) into.set(school.sourcedId, school.identifier);
  }
}

/** One read per class, up to `concurrency` at once (the IC client's own bound holds them to it too). */
async function readLineItems(ic: IcClient, classes: string[], concurrency: number, ctx: PipelineContext): Promise<Map<string, readonly LineItem[]>> {
  const byClass = new Map<string, readonly LineItem[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let at = next++; at < classes.length; at = next++) {
      const classSourcedId = classes[at]!;
      byClass.set(classSourcedId, await ic.readClassLineItems(classSourcedId));
      ctx.onProgress?.({ stage: 'reading line items', done: byClass.size, total: classes.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, classes.length)) }, worker));
  return byClass;
}

function toStoredOutcome(o: RowOutcome): NewRowOutcome {
  return {
    line: o.line,
    sync_type: null,
    school: o.schoolSourcedId,
    section: o.sectionSchoolCode,
    student: o.studentId,
    grading_period: o.gradingPeriod,
    class_sourced_id: o.classSourcedId,
    student_sourced_id: o.studentSourcedId,
    term_sourced_id: o.termSourcedId,
    line_item_sourced_id: o.lineItemSourcedId,
    task_id: o.taskId,
    result_sourced_id: o.resultSourcedId,
    object_key: null,
    score: o.score,
    letter: o.letter,
    outcome: o.outcome,
    message: o.message,
  };
}

function emptyCounts(rows: number): GradeCounts {
  return { rows, planned: 0, posted: 0, unchanged: 0, failed: 0, skipped: {} };
}

/**
 * Counts are of outcomes: one per (row, line item) reached, or per row skipped before any;
 * `planned` is the number of results that would be (dry run) or were sent.
 */
function finish(
  tally: OutcomeTally,
  planned: number,
  rows: number,
  sourceFile: string | null,
  verification?: { checked: number; mismatched: readonly string[] },
): PipelineResult {
  const { skipped } = tally.counts;
  const counts: GradeCounts = { ...emptyCounts(rows), planned, unchanged: tally.counts.unchanged, posted: tally.posted, failed: tally.failed };
  for (const [reason, count] of Object.entries(skipped).sort(([a], [b]) => (a < b ? -1 : 1))) counts.skipped[reason] = count;
  return {
    status: counts.failed > 0 ? 'partial' : 'succeeded',
    counts,
    rows,
    sourceFile,
    ...(verification && verification.checked > 0 ? { verification: { checked: verification.checked, mismatched: verification.mismatched.length } } : {}),
  };
}
