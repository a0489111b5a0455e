/** Liveness, readiness and Prometheus metrics: public, for the machines that watch Levee. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { LeveeContext } from '../../context.js';
import { LeveeError } from '../../core/errors.js';

// Not encapsulated (fastify-plugin): the timing hook must see every route of the app.
export const opsRoutes = fp(async (app: FastifyInstance, { ctx }: { ctx: LeveeContext }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'levee_' });
  const duration = new Histogram({
    name: 'levee_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const Status = Type.Object({ status: Type.String() });
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['ops'], summary: 'The process is alive', response: { 200: Status } },
    handler: async () => ({ status: 'ok' }),
  });
  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['ops'], summary: 'The database answers', response: { 200: Status } },
    handler: async () => {
      try {
        await sql`select 1`.execute(ctx.store.db);
      } catch (error) {
        throw new LeveeError('LEVEE_NOT_READY', `the database does not answer: ${(error as Error).message}`);
      }
      return { status: 'ready' };
    },
  });
  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: true },
    handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });
});
