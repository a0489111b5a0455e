import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { handleCallback } from '../../gateway/callbacks.js';
import { CallbackVerifier } from '../../institution-protocol/callback-verifier.js';
import { ReplayGuard } from '../../institution-protocol/replay-guard.js';
import type { GatewayRequestRow } from '../../storage/schema.js';
import { Id, IdParams, Items } from '../schemas.js';
import { actorOf } from '../session-guard.js';

const tags = ['gateway'];
type IdP = Static<typeof IdParams>;
const STATES = ['queued', 'sent', 'acknowledged', 'executed', 'failed', 'expired', 'dead'] as const;

export const GatewayRequestDto = Type.Object({
  id: Type.Integer(),
  requestId: Type.String(),
  caseId: Type.Union([Type.Integer(), Type.Null()]),
  caseNo: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  institution: Type.String(),
  account: Type.Union([Type.String(), Type.Null()]),
  amount: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.Union(STATES.map((s) => Type.Literal(s))),
  attempts: Type.Integer(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  executedAt: Type.Union([Type.String(), Type.Null()]),
  deadlineAt: Type.Union([Type.String(), Type.Null()]),
  heldAmount: Type.Union([Type.Integer(), Type.Null()]),
  result: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  renews: Type.Union([Type.String(), Type.Null()]),
});

export function requestDto(r: GatewayRequestRow & { case_no?: string | null }) {
  return {
    id: r.id,
    requestId: r.request_id,
    caseId: r.case_id,
    caseNo: r.case_no ?? null,
    type: r.type,
    institution: r.institution_code,
    account: r.account,
    amount: r.amount === null ? null : Number(r.amount),
    state: r.state,
    attempts: r.attempts,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    acknowledgedAt: r.acked_at,
    executedAt: r.executed_at,
    deadlineAt: r.deadline_at,
    heldAmount: r.held_amount === null ? null : Number(r.held_amount),
    result: r.result,
    lastError: r.last_error,
    renews: r.renews_request_id,
  };
}

const ListQuery = Type.Object(
  {
    caseId: Type.Optional(Id),
    institution: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })),
    state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    beforeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    caseId: Id,
    institution: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
    request: Type.Object(
      { type: Type.String() },
      {
        additionalProperties: true,
        description:
          'The request type and its own fields (see docs/institution-protocol.openapi.json); the envelope is added by Levee',
      },
    ),
  },
  { additionalProperties: false },
);

const EndpointDto = Type.Object({
  institution: Type.String(),
  baseUrl: Type.String(),
  publicKey: Type.String(),
  timeoutMs: Type.Integer(),
  ratePerSecond: Type.Integer(),
  enabled: Type.Boolean(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
const EndpointBody = Type.Object(
  {
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 300 })),
    publicKey: Type.Optional(Type.String({ minLength: 40, maxLength: 200 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const CodeParams = Type.Object(
  { code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) },
  { additionalProperties: false },
);

export async function gatewayRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  // Institutions call back here, outside /api (no session): the signature is the authentication.
  const replayGuard = new ReplayGuard();
  let verifier: { keyring: unknown; verifier: CallbackVerifier } | undefined;
  await app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    child.post('/gateway/callbacks', {
      schema: {
        tags,
        summary: "Institutions' signed feedback (see docs/institution-protocol.md); 204 once stored",
        hide: true,
      },
      handler: async (request, reply) => {
        const directory = await ctx.gateway.directory();
        if (verifier?.keyring !== directory.keyring)
          verifier = {
            keyring: directory.keyring,
            verifier: new CallbackVerifier({ keyring: directory.keyring, replayGuard }),
          };
        const answer = await handleCallback(ctx.gateway, verifier.verifier, {
          method: request.method,
          path: request.url,
          headers: request.headers,
          body: (request.body as Buffer | undefined) ?? '',
        });
        if (answer.refused) request.log.warn({ code: answer.refused }, 'institution callback refused');
        return answer.body === undefined
          ? reply.code(answer.status).send()
          : reply.code(answer.status).send(answer.body);
      },
    });
  });

  app.get('/api/gateway/requests', {
    schema: {
      tags,
      summary: 'Requests to institutions within your scope (a liaison: those addressed to its institution)',
      querystring: ListQuery,
      response: { 200: Items(GatewayRequestDto) },
    },
    handler: async (request) => ({
      items: (await ctx.gatewayAccess.list(actorOf(request), request.query as Static<typeof ListQuery>)).map(
        requestDto,
      ),
    }),
  });
  app.get('/api/gateway/requests/:id', {
    schema: {
      tags,
      summary: 'One request with its state, deadline and result',
      params: IdParams,
      response: { 200: GatewayRequestDto },
    },
    handler: async (request) =>
      requestDto(await ctx.gatewayAccess.get(actorOf(request), (request.params as IdP).id)),
  });
  app.post('/api/gateway/requests', {
    schema: {
      tags,
      summary: 'Send a request by hand for a case (checked completely before anything is queued)',
      body: CreateBody,
      response: { 201: GatewayRequestDto },
    },
    handler: async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      const row = await ctx.gatewayAccess.create(actorOf(request), {
        caseId: body.caseId,
        institution: body.institution,
        reason: body.reason,
        draft: body.request as never,
      });
      return reply.status(201).send(requestDto(row));
    },
  });
  app.post('/api/gateway/requests/:id/renew', {
    schema: {
      tags,
      summary: 'One-click renewal: another 48 h of stop-payment, or a freeze extension',
      params: IdParams,
      body: Type.Object(
        { reason: Type.String({ minLength: 2, maxLength: 500 }) },
        { additionalProperties: false },
      ),
      response: { 201: GatewayRequestDto },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          requestDto(
            await ctx.gatewayAccess.renew(
              actorOf(request),
              (request.params as IdP).id,
              (request.body as { reason: string }).reason,
            ),
          ),
        ),
  });
  app.get('/api/gateway/alarms', {
    schema: {
      tags,
      summary: 'Open alarms: requests that gave up (dead letters) or were refused',
      response: {
        200: Items(
          Type.Object({
            id: Type.Integer(),
            requestId: Type.String(),
            caseId: Type.Union([Type.Integer(), Type.Null()]),
            kind: Type.String(),
            message: Type.String(),
            createdAt: Type.String(),
            institution: Type.String(),
          }),
        ),
      },
    },
    handler: async (request) => ({
      items: (await ctx.gatewayAccess.alarms(actorOf(request))).map((a) => ({
        id: a.id,
        requestId: a.request_id,
        caseId: a.case_id,
        kind: a.kind,
        message: a.message,
        createdAt: a.created_at,
        institution: a.institution_code,
      })),
    }),
  });
  app.get('/api/gateway/endpoints', {
    schema: {
      tags,
      summary: 'Institution endpoints and keys (administrators)',
      response: { 200: Items(EndpointDto) },
    },
    handler: async (request) => ({
      items: (await ctx.gatewayAccess.endpoints(actorOf(request))).map(endpointDto),
    }),
  });
  app.put('/api/gateway/endpoints/:code', {
    schema: {
      tags,
      summary: "Set an institution's endpoint, public key, timeout, rate limit or enable it (administrators)",
      params: CodeParams,
      body: EndpointBody,
      response: { 200: EndpointDto },
    },
    handler: async (request) =>
      endpointDto(
        await ctx.gatewayAccess.setEndpoint(
          actorOf(request),
          (request.params as { code: string }).code,
          request.body as Static<typeof EndpointBody>,
        ),
      ),
  });
}

function endpointDto(e: {
  institution_code: string;
  base_url: string;
  public_key: string;
  timeout_ms: number;
  rate_per_second: number;
  enabled: number;
  updated_at: string;
  updated_by: string;
}) {
  return {
    institution: e.institution_code,
    baseUrl: e.base_url,
    publicKey: e.public_key,
    timeoutMs: e.timeout_ms,
    ratePerSecond: e.rate_per_second,
    enabled: e.enabled === 1,
    updatedAt: e.updated_at,
    updatedBy: e.updated_by,
  };
}
