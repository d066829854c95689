/** The admin overview (`GET /admin`) and the read-only view of any teacher's page. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listRunRequests } from '../../store/run-requests.ts';
import { listRuns } from '../../store/runs.ts';
import { listTeacherEmails, readSchools } from '../../store/status-page-reads.ts';
import { buildTeacherView } from '../teacher-view.ts';
import { requireRole, sendPage, type WebDeps } from '../web-deps.ts';
import { adminPage } from '../views/admin.ts';
import { teacherPage } from '../views/teacher.ts';

const EmailQuery = z.object({ email: z.string().optional() });
const EmailParams = z.object({ email: z.string() });

export function pipelinesEnabled(deps: WebDeps): { grades: boolean; roster: boolean } {
  return { grades: deps.config.gradePassback !== undefined, roster: deps.config.rosterProvisioning !== undefined };
}

export function registerAdminRoutes(app: FastifyInstance, deps: WebDeps): void {
  const adminOnly = { preHandler: requireRole('admin') };

  app.get('/admin', adminOnly, async (request, reply) => {
    const [gradeRuns, rosterRuns, requests, schools, teachers] = await Promise.all([
      listRuns(deps.store, { limit: 5, pipeline: 'grades' }),
      listRuns(deps.store, { limit: 5, pipeline: 'roster' }),
      listRunRequests(deps.store, { limit: 20 }),
      readSchools(deps.store),
      listTeacherEmails(deps.store),
    ]);
    const body = adminPage({
      now: deps.now(),
      timezone: deps.timezone,
      credentialsExpire: deps.config.infiniteCampus.credentialsExpire,
      gradeRuns,
      rosterRuns,
      queue: requests.filter((r) => r.status !== 'done'),
      schools,
      teachers,
      csrfToken: request.webSession?.csrfToken ?? '',
      enabled: pipelinesEnabled(deps),
    });
    return sendPage(request, reply, 200, 'Overview', body, '/admin');
  });

  app.get('/admin/teachers', adminOnly, async (request, reply) => {
    const email = EmailQuery.safeParse(request.query).data?.email?.trim();
    return reply.redirect(email ? `/admin/teachers/${encodeURIComponent(email)}` : '/admin', 303);
  });

  app.get('/admin/teachers/:email', adminOnly, async (request, reply) => {
    const email = EmailParams.parse(request.params).email;
    const view = await buildTeacherView(deps, email);
    // No CSRF token passed: the page renders without any form.
    return sendPage(request, reply, 200, `Sections of ${email}`, teacherPage(view, { timezone: deps.timezone, heading: `Sections of ${email}` }));
  });
}
