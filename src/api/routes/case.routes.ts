import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import type { CaseWithUnit } from '../../repositories/case.repository.js';
import { ARTEFACT_KINDS, PAYMENT_CHANNELS, SCAM_TYPES } from '../../services/scam-taxonomy.js';
import { Id, IdParams, Items } from '../schemas.js';
import { actorOf } from '../session-guard.js';
import { GatewayRequestDto, requestDto } from './gateway.routes.js';

const tags = ['cases'];
type IdP = Static<typeof IdParams>;

const Str = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const Instant = Type.String({
  minLength: 10,
  maxLength: 40,
  description: 'ISO 8601 with offset, e.g. 2026-11-26T14:05:00+08:00',
});

const IntakeBody = Type.Object(
  {
    scamType: Str(64),
    narrative: Str(10_000, 0),
    reportedAt: Type.Optional(Instant),
    victim: Type.Object(
      { name: Str(64), idNumber: Str(32), phone: Str(32), address: Str(200, 0), unitId: Id },
      { additionalProperties: false },
    ),
    payments: Type.Array(
      Type.Object(
        {
          time: Instant,
          amount: Type.Integer({ description: 'fen' }),
          channel: Type.Union(PAYMENT_CHANNELS.map((c) => Type.Literal(c))),
          institution: Str(32),
          account: Str(40),
          accountName: Str(100, 0),
          fromAccount: Type.Optional(Str(40, 0)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    artefacts: Type.Optional(
      Type.Array(
        Type.Object(
          { kind: Type.Union(ARTEFACT_KINDS.map((k) => Type.Literal(k))), value: Str(2000) },
          { additionalProperties: false },
        ),
        {
          maxItems: 200,
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const Issue = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

const CaseSummary = Type.Object({
  id: Type.Integer(),
  caseNo: Type.String(),
  unitId: Type.Integer(),
  unitName: Type.Optional(Type.String()),
  scamType: Type.String(),
  status: Type.String(),
  automation: Type.String(),
  lossTotal: Type.Integer({ description: 'fen' }),
  reportedAt: Type.String(),
  createdAt: Type.String(),
  victimName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

const IntakeResponse = Type.Object({
  case: CaseSummary,
  duplicate: Type.Boolean(),
  knownPayments: Type.Integer(),
  newPayments: Type.Integer(),
  warnings: Type.Array(Issue),
  linkedCases: Type.Array(Type.Integer()),
});

const CaseDetail = Type.Object({
  case: CaseSummary,
  narrative: Type.String(),
  victims: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      idNumber: Type.String(),
      phone: Type.String(),
      address: Type.String(),
      unitId: Type.Integer(),
    }),
  ),
  payments: Type.Array(
    Type.Object({
      id: Type.Integer(),
      victimId: Type.Integer(),
      time: Type.String(),
      amount: Type.Integer(),
      channel: Type.String(),
      institution: Type.String(),
      account: Type.String(),
      accountName: Type.String(),
    }),
  ),
  artefacts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      value: Type.String(),
      normalized: Type.String(),
      flags: Type.Array(Type.String()),
    }),
  ),
  warnings: Type.Array(Issue),
  links: Type.Array(Type.Object({ caseId: Type.Integer(), caseNo: Type.String(), reason: Type.String() })),
  reports: Type.Array(
    Type.Object({ id: Type.Integer(), duplicate: Type.Boolean(), createdAt: Type.String() }),
  ),
});

const Event = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  kind: Type.String(),
  actor: Type.String(),
  summary: Type.String(),
  detail: Type.Unknown(),
});

const CaseQuery = Type.Object(
  {
    unitId: Type.Optional(Id),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    scamType: Type.Optional(Str(64)),
    q: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    beforeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const AutomationBody = Type.Object(
  {
    state: Type.Union([Type.Literal('running'), Type.Literal('paused')]),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);

function summary(
  c: CaseWithUnit | (Omit<CaseWithUnit, 'unit_path'> & { unit_name?: string; victim_name?: string | null }),
) {
  return {
    id: c.id,
    caseNo: c.case_no,
    unitId: c.unit_id,
    ...('unit_name' in c && c.unit_name ? { unitName: c.unit_name } : {}),
    scamType: c.scam_type,
    status: c.status,
    automation: c.automation,
    lossTotal: Number(c.loss_total),
    reportedAt: c.reported_at,
    createdAt: c.created_at,
    ...('victim_name' in c ? { victimName: c.victim_name ?? null } : {}),
  };
}

export async function caseRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/scam-types', {
    schema: {
      tags,
      summary: 'The scam taxonomy',
      response: {
        200: Items(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() })),
      },
    },
    handler: async () => ({ items: SCAM_TYPES }),
  });

  app.get('/api/institutions', {
    schema: {
      tags,
      summary: 'Banks and payment institutions Levee can address',
      response: {
        200: Items(
          Type.Object({
            code: Type.String(),
            name: Type.String(),
            nameEn: Type.String(),
            kind: Type.String(),
          }),
        ),
      },
    },
    handler: async () => ({
      items: (await ctx.cases.institutions()).map((u) => ({
        code: u.code,
        name: u.name,
        nameEn: u.name_en,
        kind: u.kind,
      })),
    }),
  });

  app.get('/api/cases', {
    schema: {
      tags,
      summary: 'Cases of a unit subtree, newest first',
      querystring: CaseQuery,
      response: { 200: Items(CaseSummary) },
    },
    handler: async (request) => ({
      items: (await ctx.cases.list(actorOf(request), request.query as Static<typeof CaseQuery>)).map(summary),
    }),
  });

  app.post('/api/cases', {
    schema: {
      tags,
      summary:
        "Enter a victim's report: checked field by field, duplicates merged, then pushed to the institutions",
      body: IntakeBody,
      response: { 200: IntakeResponse, 201: IntakeResponse },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const result = await ctx.cases.intake(actor, request.body as Static<typeof IntakeBody>);
      const detail = await ctx.cases.get(actor, result.caseId);
      return reply.status(result.duplicate ? 200 : 201).send({ ...result, case: summary(detail.case) });
    },
  });

  app.get('/api/cases/:id', {
    schema: {
      tags,
      summary: 'One case with victims (masked), payments, artefacts, warnings and links',
      params: IdParams,
      response: { 200: CaseDetail },
    },
    handler: async (request) => {
      const d = await ctx.cases.get(actorOf(request), (request.params as IdP).id);
      return {
        case: summary(d.case),
        narrative: d.case.narrative,
        victims: d.victims.map((v) => ({
          id: v.id,
          name: v.name,
          idNumber: v.id_number,
          phone: v.phone,
          address: v.address,
          unitId: v.unit_id,
        })),
        payments: d.payments.map((p) => ({
          id: p.id,
          victimId: p.victim_id,
          time: p.paid_at,
          amount: Number(p.amount),
          channel: p.channel,
          institution: p.institution_code,
          account: p.account,
          accountName: p.account_name,
        })),
        artefacts: d.artefacts.map((a) => ({
          id: a.id,
          kind: a.kind,
          value: a.value,
          normalized: a.normalized,
          flags: JSON.parse(a.flags) as string[],
        })),
        warnings: d.warnings.map((w) => ({ field: w.field, code: w.code, message: w.message })),
        links: d.links.map((l) => ({ caseId: l.linked_case_id, caseNo: l.case_no, reason: l.reason })),
        reports: d.reports.map((r) => ({ id: r.id, duplicate: r.duplicate === 1, createdAt: r.created_at })),
      };
    },
  });

  app.get('/api/cases/:id/timeline', {
    schema: {
      tags,
      summary: 'Every request, answer, decision and task of a case, in order',
      params: IdParams,
      querystring: Type.Object(
        { afterId: Type.Optional(Type.Integer({ minimum: 0 })) },
        { additionalProperties: false },
      ),
      response: { 200: Items(Event) },
    },
    handler: async (request) => {
      const events = await ctx.cases.timeline(
        actorOf(request),
        (request.params as IdP).id,
        (request.query as { afterId?: number }).afterId,
      );
      return {
        items: events.map((e) => ({
          id: e.id,
          at: e.at,
          kind: e.kind,
          actor: e.actor,
          summary: e.summary,
          detail: JSON.parse(e.detail),
        })),
      };
    },
  });

  app.get('/api/cases/:id/ledger', {
    schema: {
      tags,
      summary: 'The levee.ledger/1 document of the case and its linked cases (what the tracing engine reads)',
      params: IdParams,
      response: {
        200: Type.Object({
          format: Type.Literal('levee.ledger/1'),
          currency: Type.String(),
          about: Type.String(),
          parties: Type.Array(Type.Unknown()),
          accounts: Type.Array(Type.Unknown()),
          transfers: Type.Array(Type.Unknown()),
        }),
      },
    },
    handler: async (request) =>
      (await ctx.cases.ledger(actorOf(request), (request.params as IdP).id)).document,
  });

  const AccountKeyBody = Type.Object(
    { key: Type.String({ minLength: 3, maxLength: 80, description: '<institution>/<account>' }) },
    { additionalProperties: false },
  );
  app.post('/api/cases/:id/accounts/exclude', {
    schema: {
      tags,
      summary:
        "Exclude an account from the automatic disposal (an innocent merchant, the victim's own account)",
      params: IdParams,
      body: Type.Object(
        {
          key: Type.String({ minLength: 3, maxLength: 80 }),
          reason: Type.String({ minLength: 2, maxLength: 500 }),
        },
        { additionalProperties: false },
      ),
      response: { 204: Type.Null() },
    },
    handler: async (request, reply) => {
      const { key, reason } = request.body as { key: string; reason: string };
      await ctx.disposal.exclude(actorOf(request), (request.params as IdP).id, key, reason);
      return reply.status(204).send();
    },
  });
  app.post('/api/cases/:id/accounts/confirm-freeze', {
    schema: {
      tags,
      summary: 'Confirm a freeze above the automatic limit of the disposal policy',
      params: IdParams,
      body: AccountKeyBody,
      response: { 204: Type.Null() },
    },
    handler: async (request, reply) => {
      await ctx.disposal.confirmFreeze(
        actorOf(request),
        (request.params as IdP).id,
        (request.body as { key: string }).key,
      );
      return reply.status(204).send();
    },
  });
  app.post('/api/cases/:id/refresh-statements', {
    schema: {
      tags,
      summary:
        'Ask again for the statements of every account the money reached, up to now (before writing the report)',
      params: IdParams,
      response: { 202: Type.Object({ upTo: Type.String(), requests: Type.Integer() }) },
    },
    handler: async (request, reply) =>
      reply
        .status(202)
        .send(await ctx.disposal.refreshStatements(actorOf(request), (request.params as IdP).id)),
  });
  app.get('/api/cases/:id/requests', {
    schema: {
      tags,
      summary: 'Requests to institutions made for this case, with state, deadline and why each was sent',
      params: IdParams,
      response: { 200: Items(GatewayRequestDto) },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const id = (request.params as IdP).id;
      await ctx.cases.get(actor, id); // scope check: whoever may read the case may read its requests
      return { items: (await ctx.gateway.requestsOf({ caseId: id, limit: 500 })).map(requestDto) };
    },
  });

  app.post('/api/cases/:id/automation', {
    schema: {
      tags,
      summary: 'Pause or resume the automatic disposal of a case (reason required)',
      params: IdParams,
      body: AutomationBody,
      response: { 200: CaseSummary },
    },
    handler: async (request) => {
      const { state, reason } = request.body as Static<typeof AutomationBody>;
      return summary(
        await ctx.cases.setAutomation(actorOf(request), (request.params as IdP).id, state, reason),
      );
    },
  });
}
