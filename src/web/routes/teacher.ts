/**
 * The teacher's own sections (`GET /teacher`) and opting them in or out (README "Opt-in in detail"):
 * `optIn=on` opts in, anything else opts out, success answers 303 to /teacher; a section the teacher
 * does not teach answers 403 and changes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { setOptIn } from '../../store/opt-ins.ts';
import { sectionsOfTeacher } from '../../store/roster-mappings.ts';
import { buildTeacherView } from '../teacher-view.ts';
import { requireRole, sendMessage, sendPage, type WebDeps } from '../web-deps.ts';
import { forbiddenPage } from '../views/messages.ts';
import { teacherPage } from '../views/teacher.ts';

const OptInForm = z.object({ optIn: z.unknown().optional() });
const SectionParams = z.object({ code: z.string() });

export function registerTeacherRoutes(app: FastifyInstance, deps: WebDeps): void {
  const teacherOnly = { preHandler: requireRole('teacher') };

  app.get('/teacher', teacherOnly, async (request, reply) => {
    const viewer = request.viewer;
    const session = request.webSession;
    if (!viewer || !session) return reply.redirect('/', 303);
    const view = await buildTeacherView(deps, viewer.email);
    return sendPage(request, reply, 200, 'My sections', teacherPage(view, { timezone: deps.timezone, csrfToken: session.csrfToken, heading: 'My sections' }), '/teacher');
  });

  app.post('/teacher/sections/:code/opt-in', teacherOnly, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) return reply.redirect('/', 303);
    const code = SectionParams.parse(request.params).code;
    const own = await sectionsOfTeacher(deps.store, viewer.email);
    if (!own.includes(code)) {
      deps.logger.warn({ section: code }, 'opt-in refused: not one of the teacher\'s sections');
      return sendMessage(request, reply, 403, forbiddenPage());
    }
    const optIn = OptInForm.safeParse(request.body).data?.optIn === 'on';
    await setOptIn(deps.store, code, optIn, viewer.email, deps.now());
    return reply.redirect('/teacher', 303);
  });

  app.post('/teacher/opt-in-all', teacherOnly, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) return reply.redirect('/', 303);
    const now = deps.now();
    for (const code of await sectionsOfTeacher(deps.store, viewer.email)) await setOptIn(deps.store, code, true, viewer.email, now);
    return reply.redirect('/teacher', 303);
  });
}
