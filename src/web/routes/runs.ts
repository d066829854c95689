/**
 * Runs, for admins: the list with the queue (`GET /runs`), requesting a run (`POST /runs`, queued
 * through the run queue: never overlapping, merged with one already waiting), one run's page with
 * filters and pages (`GET /runs/<runId>`), and its rows as CSV (`GET /runs/<runId>.csv`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requestRun } from '../../schedule/run-queue.ts';
import { sectionsOfTeacher } from '../../store/roster-mappings.ts';
import { countRowOutcomes, readRowOutcomeFacets, readSchools } from '../../store/status-page-reads.ts';
import { getRunRequest, listRunRequests } from '../../store/run-requests.ts';
import { getRun, listRuns, type RunScope } from '../../store/runs.ts';
import { listRowOutcomes, type RowOutcomeFilter } from '../../store/row-outcomes.ts';
import { PipelineName } from '../../types.ts';
import { runOutcomesCsv } from '../run-outcomes-csv.ts';
import { requireRole, sendMessage, sendPage, type WebDeps } from '../web-deps.ts';
import { badRequestPage, notFoundPage } from '../views/messages.ts';
import { runDetailPage, runsListPage, type RunFilter } from '../views/runs.ts';
import { pipelinesEnabled } from './admin.ts';

export const runPageSize = 100;

const text = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s.trim() : undefined));

const RunForm = z.object({
  pipeline: z.string().optional(),
  full: z.string().optional(),
  dryRun: z.string().optional(),
  school: text,
  section: text,
  teacher: text,
});

const RunsQuery = z.object({ request: z.string().optional(), merged: z.string().optional() });

const RunQuery = z.object({
  school: text,
  section: text,
  teacher: text,
  syncType: text,
  outcome: text,
  page: z.coerce.number().int().min(1).catch(1).optional(),
});

const RunParams = z.object({ runId: z.string() });

export function registerRunRoutes(app: FastifyInstance, deps: WebDeps): void {
  const adminOnly = { preHandler: requireRole('admin') };

  app.get('/runs', adminOnly, async (request, reply) => {
    const query: z.infer<typeof RunsQuery> = RunsQuery.safeParse(request.query).data ?? {};
    const [runs, requests, schools, requested] = await Promise.all([
      listRuns(deps.store, { limit: 50 }),
      listRunRequests(deps.store, { limit: 20 }),
      readSchools(deps.store),
      query.request ? getRunRequest(deps.store, query.request) : Promise.resolve(null),
    ]);
    const body = runsListPage({
      runs,
      queue: requests.filter((r) => r.status !== 'done' || r.id === requested?.id),
      requested,
      requestMerged: query.merged === '1',
      timezone: deps.timezone,
      csrfToken: request.webSession?.csrfToken ?? '',
      schools,
      enabled: pipelinesEnabled(deps),
    });
    return sendPage(request, reply, 200, 'Runs', body, '/runs');
  });

  app.post('/runs', adminOnly, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) return reply.redirect('/', 303);
    const form = RunForm.safeParse(request.body);
    const pipeline = PipelineName.safeParse(form.data?.pipeline);
    if (!form.success || !pipeline.success) return sendMessage(request, reply, 400, badRequestPage('Choose the grade or the roster pipeline.'));
    if (!pipelinesEnabled(deps)[pipeline.data]) return sendMessage(request, reply, 400, badRequestPage(`The ${pipeline.data} pipeline is not configured.`));
    const { school, section, teacher } = form.data;
    const scopes = [school, section, teacher].filter((s) => s !== undefined);
    if (scopes.length > 1) return sendMessage(request, reply, 400, badRequestPage('Limit a run to one school, one section or one teacher, not several.'));
    if (scopes.length === 1 && pipeline.data !== 'grades') return sendMessage(request, reply, 400, badRequestPage('Only grade runs can be limited to a school, section or teacher.'));
    const scope: RunScope | null = scopes.length ? { ...(school ? { school } : {}), ...(section ? { section } : {}), ...(teacher ? { teacher } : {}) } : null;
    const answer = await requestRun(deps.store, {
      pipeline: pipeline.data,
      // A scoped run is a full run (as on the command line); a roster run always reads everything.
      full: form.data.full === 'on' || scope !== null || pipeline.data === 'roster',
      // Anything but an explicit "off" is a preview: a malformed form never posts grades.
      dryRun: form.data.dryRun !== 'off',
      scope,
      requestedBy: viewer.email,
      now: deps.now(),
    });
    deps.logger.info({ requestId: answer.id, merged: answer.merged, pipeline: pipeline.data }, 'run requested from the status page');
    return reply.redirect(`/runs?request=${encodeURIComponent(answer.id)}${answer.merged ? '&merged=1' : ''}`, 303);
  });

  app.get('/runs/:runId', adminOnly, async (request, reply) => {
    const param = RunParams.parse(request.params).runId;
    const asCsv = param.endsWith('.csv');
    const run = await getRun(deps.store, asCsv ? param.slice(0, -'.csv'.length) : param);
    if (!run) return sendMessage(request, reply, 404, notFoundPage());
    const query = RunQuery.safeParse(request.query).data ?? RunQuery.parse({});
    const filter: RunFilter = {
      ...(query.school ? { school: query.school } : {}),
      ...(query.section ? { section: query.section } : {}),
      ...(query.teacher ? { teacher: query.teacher } : {}),
      ...(query.syncType ? { syncType: query.syncType } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
    };
    const storeFilter: RowOutcomeFilter = {
      ...(filter.school ? { school: filter.school } : {}),
      ...(filter.section ? { section: filter.section } : {}),
      ...(filter.teacher ? { sections: await sectionsOfTeacher(deps.store, filter.teacher) } : {}),
      ...(filter.syncType ? { syncType: filter.syncType } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
    };
    if (asCsv) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="gradebridge-run-${run.id}.csv"`)
        .send(runOutcomesCsv(deps.store, run.id, storeFilter, deps.logger));
    }
    const page = query.page ?? 1;
    const [total, rows, facets, schools] = await Promise.all([
      countRowOutcomes(deps.store, run.id, storeFilter),
      listRowOutcomes(deps.store, run.id, { ...storeFilter, limit: runPageSize, offset: (page - 1) * runPageSize }),
      readRowOutcomeFacets(deps.store, run.id),
      readSchools(deps.store),
    ]);
    const body = runDetailPage({
      run,
      timezone: deps.timezone,
      filter,
      page,
      pageSize: runPageSize,
      total,
      rows,
      facets,
      schoolNames: new Map(schools.map((s) => [s.sourced_id, s.name])),
      csrfToken: request.webSession?.csrfToken ?? '',
    });
    return sendPage(request, reply, 200, 'Run', body, '/runs');
  });
}
