/**
 * The HTTP API: Fastify with one plugin per bounded context. Routes are thin: they validate with
 * their schema, call one service method with the caller's Actor, and map the result. Every route
 * declares its input and output schemas; problem documents are added as every route's 4XX/5XX.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { LeveeContext } from '../context.js';
import { problemFromError, sendProblem } from './problem.js';
import { reportRoutes } from './routes/report.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { caseAnalysisRoutes } from './routes/case-analysis.routes.js';
import { caseRoutes } from './routes/case.routes.js';
import { gatewayRoutes } from './routes/gateway.routes.js';
import { directoryRoutes } from './routes/directory.routes.js';
import { homeRoutes } from './routes/home.routes.js';
import { opsRoutes } from './routes/ops.routes.js';
import { personRoutes } from './routes/person.routes.js';
import { statementRoutes } from './routes/statement.routes.js';
import { taskRoutes } from './routes/task.routes.js';
import { Problem } from './schemas.js';
import { sessionGuard } from './session-guard.js';

export const API_VERSION = '0.1.0';

/** Every route the app serves, with its access level: the authorisation tests walk this list. */
export interface RouteInfo {
  method: string;
  url: string;
  access: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

/** The built console: <package>/dist/web, whether this module runs from dist/ or from source. */
export function defaultWebDir(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url)).replace(/[/\\]dist[/\\]$/, '/');
  return join(root, 'dist', 'web');
}

export async function buildApp(ctx: LeveeContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: false,
    // Event streams stay open; closing the server must not wait for the browsers to leave.
    forceCloseConnections: true,
  });

  // Bodies are JSON and must have the declared types; query strings and path parameters are text
  // and are coerced ("5" → 5) before they are checked.
  const strict = new Ajv({
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
  });
  const coercing = new Ajv({
    coerceTypes: 'array',
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );
  // JSON only: a text/plain body is refused with 415 rather than half-parsed.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    // The OpenAPI document and its viewer are public, like the API description they are.
    // So are the console's files (the login page must load before there is a session) and the ops endpoints.
    if (route.url.startsWith('/api/docs') || !route.url.startsWith('/api/')) {
      route.config = { ...(route.config as object), access: 'public' };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      if (method !== 'HEAD')
        routeTable.push({ method, url: route.url, access: route.config?.access ?? 'session' });
    // API routes answer problem documents; the institutions' callback speaks the protocol's own error shape.
    if (!route.schema || route.url.startsWith('/api/docs') || !route.url.startsWith('/api/')) return;
    route.schema.response = { ...(route.schema.response as object), '4XX': Problem, '5XX': Problem };
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Levee API',
        version: API_VERSION,
        description:
          'Operations platform for anti-telecom-fraud centres. Errors are RFC 9457 problem documents; see docs/errors.md.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'levee_session' } } },
      security: [{ session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemFromError(error);
    if (problem.code === 'LEVEE_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, problem.code, problem.detail, problem.field, problem.extra);
  });

  await app.register(sessionGuard, { auth: ctx.auth });
  await app.register(opsRoutes, { ctx });
  await app.register(authRoutes, { ctx });
  await app.register(directoryRoutes, { ctx });
  await app.register(personRoutes, { ctx });
  await app.register(homeRoutes, { ctx });
  await app.register(caseRoutes, { ctx });
  await app.register(caseAnalysisRoutes, { ctx });
  await app.register(gatewayRoutes, { ctx });
  await app.register(statementRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(taskRoutes, { ctx });

  const webDir = ctx.config.webDir ?? defaultWebDir();
  const hasWeb = existsSync(`${webDir}/index.html`);
  if (hasWeb)
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html' });

  app.setNotFoundHandler({ preHandler: async () => {} }, (request, reply) => {
    const isApi =
      request.url.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(request.url);
    // The console is a single-page app: unknown non-API paths get its index.html.
    // (Not for a missing asset: an old page asking for a replaced bundle should see a 404, not HTML.)
    if (hasWeb && !isApi && request.method === 'GET' && !request.url.startsWith('/assets/'))
      return reply.sendFile('index.html');
    return sendProblem(
      request,
      reply,
      'LEVEE_ROUTE_NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
  });
  return app as unknown as FastifyInstance;
}
