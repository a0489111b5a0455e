import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { IdParams } from '../schemas.js';
import { actorOf } from '../session-guard.js';

const tags = ['tracing'];
type IdP = Static<typeof IdParams>;
const RuleQuery = Type.Object(
  {
    rule: Type.Optional(
      Type.Union([Type.Literal('fifo'), Type.Literal('lifo'), Type.Literal('libr'), Type.Literal('prorata')]),
    ),
  },
  { additionalProperties: false },
);
const FenMap = Type.Record(Type.String(), Type.Integer());

const TraceDoc = Type.Object({
  format: Type.Literal('levee.trace/1'),
  rule: Type.String(),
  accounts: Type.Record(Type.String(), Type.Object({ balance: Type.Integer(), byOrigin: FenMap })),
  victims: Type.Record(Type.String(), Type.Object({ sent: Type.Integer(), located: FenMap, sinks: FenMap })),
  gaps: Type.Array(Type.Object({ account: Type.String(), transfer: Type.String(), amount: Type.Integer() })),
});

const Graph = Type.Object({
  rule: Type.String(),
  caseIds: Type.Array(Type.Integer()),
  victims: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), sent: Type.Integer() })),
  accounts: Type.Array(
    Type.Object({
      key: Type.String(),
      institution: Type.String(),
      institutionName: Type.String(),
      account: Type.String(),
      holder: Type.String(),
      level: Type.Integer(),
      state: Type.String(),
      sink: Type.Union([Type.String(), Type.Null()]),
      balance: Type.Union([Type.Integer(), Type.Null()]),
      located: Type.Integer(),
      reached: Type.Boolean(),
      stopped: Type.Integer(),
      frozen: Type.Integer(),
    }),
  ),
  edges: Type.Array(
    Type.Object({
      id: Type.String(),
      from: Type.String(),
      to: Type.String(),
      amount: Type.Integer(),
      time: Type.String(),
    }),
  ),
});

const Compare = Type.Object({
  rules: Type.Array(Type.String()),
  victims: Type.Record(
    Type.String(),
    Type.Record(Type.String(), Type.Object({ located: Type.Integer(), sinks: Type.Integer() })),
  ),
  accounts: Type.Record(Type.String(), FenMap),
});

export async function caseAnalysisRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/cases/:id/trace', {
    schema: {
      tags,
      summary: 'levee.trace/1 of the case ledger (with linked cases) under a rule',
      params: IdParams,
      querystring: RuleQuery,
      response: { 200: TraceDoc },
    },
    handler: async (request) =>
      ctx.analysis.trace(
        actorOf(request),
        (request.params as IdP).id,
        (request.query as Static<typeof RuleQuery>).rule ?? 'fifo',
      ),
  });

  app.get('/api/cases/:id/trace/compare', {
    schema: {
      tags,
      summary:
        "Victims' money located and lost to sinks, per victim and per account, under each of the four rules",
      params: IdParams,
      response: { 200: Compare },
    },
    handler: async (request) => ctx.analysis.compare(actorOf(request), (request.params as IdP).id),
  });

  app.get('/api/cases/:id/graph', {
    schema: {
      tags,
      summary: 'The money-flow graph: victims, accounts by level with state and located money, transfers',
      params: IdParams,
      querystring: RuleQuery,
      response: { 200: Graph },
    },
    handler: async (request) =>
      ctx.analysis.graph(
        actorOf(request),
        (request.params as IdP).id,
        (request.query as Static<typeof RuleQuery>).rule ?? 'fifo',
      ),
  });

  app.get('/api/cases/:id/events', {
    schema: {
      tags: ['cases'],
      summary:
        'Server-Sent Events: `event: case` with {kind: timeline|graph|requests} whenever the case (or a linked case) changes',
      params: IdParams,
      response: { 200: Type.String({ description: 'text/event-stream' }) },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const caseId = (request.params as IdP).id;
      const snapshot = await ctx.cases.get(actor, caseId); // scope check
      const watched = new Set([caseId, ...snapshot.links.map((l) => l.linked_case_id)]);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
      });
      raw.write(`retry: 3000\n\n`);
      const unsubscribe = ctx.events.subscribe(watched, (notice) => {
        raw.write(`event: case\ndata: ${JSON.stringify(notice)}\n\n`);
      });
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      const stop = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.raw.once('close', stop);
    },
  });
}
