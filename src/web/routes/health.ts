/** Public routes that outside checks use (`/healthz`, `/metrics`) and the stylesheet. None reads a session. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { projectFile } from '../../project-files.ts';
import { contentType as metricsContentType, renderMetrics } from '../../metrics/render-metrics.ts';
import type { WebDeps } from '../web-deps.ts';

const stylesheet = readFileSync(projectFile('src/web/assets/style.css'), 'utf8');

export function registerPublicRoutes(app: FastifyInstance, deps: WebDeps): void {
  const sessionless = { config: { sessionless: true } };

  app.get('/healthz', sessionless, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      return reply.send({ status: 'ok', store: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: the store does not answer');
      return reply.code(503).send({ status: 'error', store: 'unavailable' });
    }
  });

  app.get('/metrics', sessionless, async (_request, reply) => {
    return reply.type(metricsContentType).send(await renderMetrics(deps.store));
  });

  app.get('/style.css', sessionless, async (_request, reply) => {
    return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet);
  });
}
