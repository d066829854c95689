/** The settings in effect (secrets masked) and the roster's grading tasks file, for admins. */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { html } from '../html.ts';
import { settingsInEffect } from '../settings-view.ts';
import { requireRole, sendPage, type WebDeps } from '../web-deps.ts';
import { settingsPage } from '../views/settings.ts';

export function registerSettingsRoutes(app: FastifyInstance, deps: WebDeps): void {
  const adminOnly = { preHandler: requireRole('admin') };

  app.get('/settings', adminOnly, async (request, reply) => {
    const groups = settingsInEffect(deps.config, deps.store.displayUrl);
    return sendPage(request, reply, 200, 'Settings', settingsPage(groups, deps.configFile), '/settings');
  });

  app.get('/grading-tasks.csv', adminOnly, async (request, reply) => {
    const file = deps.config.rosterProvisioning?.gradingTasksFile;
    const content = file ? await readFile(file).catch(() => null) : null;
    if (!content) {
      const why = file
        ? html`The roster run has not written <span class="mono">${file}</span> yet. It does so on every roster run when the IC vendor key and secret are configured.`
        : html`The roster pipeline (rosterProvisioning) is not configured, and it is what writes the grading tasks file.`;
      return sendPage(request, reply, 404, 'Grading tasks file', html`<div class="card narrow"><h1>No grading tasks file yet</h1><p>${why}</p><p><a href="/admin">Back to the overview</a></p></div>`);
    }
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="grading-tasks.csv"').send(content);
  });
}
