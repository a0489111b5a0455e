import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { unitDto } from '../dto.js';
import { AuditQuery, Items, Unit, UnitQuery } from '../schemas.js';
import { actorOf } from '../session-guard.js';

const Dashboard = Type.Object({
  unit: Unit,
  generatedAt: Type.String(),
  figures: Type.Object({
    units: Type.Integer(),
    users: Type.Integer(),
    persons: Type.Integer(),
    personsByCategory: Type.Object({
      victim: Type.Integer(),
      at_risk: Type.Integer(),
      suspect: Type.Integer(),
    }),
    auditEventsToday: Type.Integer(),
    loginsToday: Type.Integer(),
    cases: Type.Optional(
      Type.Object(
        {
          open: Type.Integer(),
          reportedToday: Type.Integer(),
          lossToday: Type.Integer({ description: 'fen' }),
          frozen: Type.Integer({ description: 'fen, every frozen account of the subtree’s cases' }),
        },
        { description: 'for roles that may read cases' },
      ),
    ),
    tasks: Type.Optional(
      Type.Object(
        { active: Type.Integer(), overdue: Type.Integer() },
        { description: 'tasks received by the subtree’s units, for roles that may read tasks' },
      ),
    ),
  }),
  activity: Type.Array(Type.Object({ date: Type.String(), events: Type.Integer() })),
  modules: Type.Array(
    Type.Object({ key: Type.String(), status: Type.Union([Type.Literal('ready'), Type.Literal('coming')]) }),
  ),
});

const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  username: Type.String(),
  unitId: Type.Union([Type.Integer(), Type.Null()]),
  action: Type.String(),
  target: Type.String(),
  ip: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export async function homeRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/dashboard', {
    schema: {
      tags: ['dashboard'],
      summary: "Figures for a unit's subtree and the last 14 days of activity",
      querystring: UnitQuery,
      response: { 200: Dashboard },
    },
    handler: async (request) => {
      const result = await ctx.dashboard.forUnit(
        actorOf(request),
        (request.query as Static<typeof UnitQuery>).unitId,
      );
      return { ...result, unit: unitDto(result.unit) };
    },
  });
  app.get('/api/audit', {
    schema: {
      tags: ['audit'],
      summary: 'Audit events of a unit subtree, newest first (administrators)',
      querystring: AuditQuery,
      response: { 200: Items(AuditEvent) },
    },
    handler: async (request) => {
      const rows = await ctx.auditQuery.list(actorOf(request), request.query as Static<typeof AuditQuery>);
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at,
          userId: r.user_id,
          username: r.username,
          unitId: r.unit_id,
          action: r.action,
          target: `${r.target_type}:${r.target_id}`,
          ip: r.ip,
          reason: r.reason,
        })),
      };
    },
  });
}
