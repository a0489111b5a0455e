import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { TASK_KINDS, type TaskAction } from '../../engines/case-task/lifecycle.js';
import {
  NewTaskBody,
  RescheduleBody,
  TaskCounts,
  TaskDto,
  TaskKindDto,
  TaskStatusSchema,
  TextBody,
} from '../../contracts/tasks.js';
import { Id, IdParams, Items } from '../schemas.js';
import { actorOf } from '../session-guard.js';

const tags = ['tasks'];
type IdP = Static<typeof IdParams>;

const InboxQuery = Type.Object(
  {
    unitId: Type.Optional(Id),
    status: Type.Optional(Type.Union([Type.Literal('active'), TaskStatusSchema])),
    overdue: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    beforeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export async function taskRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/task-kinds', {
    schema: {
      tags,
      summary: 'The kinds of task a case can give a unit, with default deadlines and the units that do them',
      response: {
        200: Items(TaskKindDto),
      },
    },
    handler: async () => ({ items: TASK_KINDS }),
  });

  app.get('/api/cases/:id/tasks', {
    schema: {
      tags,
      summary: 'Tasks given to units for this case',
      params: IdParams,
      response: { 200: Items(TaskDto) },
    },
    handler: async (request) => ({
      items: await ctx.tasks.ofCase(actorOf(request), (request.params as IdP).id),
    }),
  });

  app.post('/api/cases/:id/tasks', {
    schema: {
      tags,
      summary:
        'Give a unit of your subtree a task for this case (visit the victim, take over a lead, …) with a deadline',
      params: IdParams,
      body: NewTaskBody,
      response: { 201: TaskDto },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await ctx.tasks.create(
            actorOf(request),
            (request.params as IdP).id,
            request.body as Static<typeof NewTaskBody>,
          ),
        ),
  });

  app.get('/api/tasks', {
    schema: {
      tags,
      summary: 'Tasks received by the units of a subtree (default: yours), newest first',
      querystring: InboxQuery,
      response: { 200: Items(TaskDto) },
    },
    handler: async (request) => ({
      items: await ctx.tasks.inbox(actorOf(request), request.query as Static<typeof InboxQuery>),
    }),
  });

  app.get('/api/tasks/counts', {
    schema: {
      tags,
      summary: 'Open, accepted and overdue tasks received by the units of a subtree',
      querystring: Type.Object({ unitId: Type.Optional(Id) }, { additionalProperties: false }),
      response: {
        200: TaskCounts,
      },
    },
    handler: async (request) =>
      ctx.tasks.counts(actorOf(request), (request.query as { unitId?: number }).unitId),
  });

  app.get('/api/tasks/:id', {
    schema: { tags, summary: 'One task', params: IdParams, response: { 200: TaskDto } },
    handler: async (request) => ctx.tasks.get(actorOf(request), (request.params as IdP).id),
  });

  const step = (action: TaskAction, summary: string, body?: ReturnType<typeof TextBody>) =>
    app.post(`/api/tasks/:id/${action}`, {
      schema: { tags, summary, params: IdParams, ...(body ? { body } : {}), response: { 200: TaskDto } },
      handler: async (request) =>
        ctx.tasks.act(
          actorOf(request),
          (request.params as IdP).id,
          action,
          (request.body as { text?: string } | undefined) ?? {},
        ),
    });
  step('accept', 'The receiving unit accepts the task');
  step('complete', 'The receiving unit reports the task done, saying what was done', TextBody('the outcome'));
  step('decline', 'The receiving unit gives the task back, saying why', TextBody('the reason'));
  step('cancel', 'The case side withdraws the task, saying why', TextBody('the reason'));

  app.post('/api/tasks/:id/reschedule', {
    schema: {
      tags,
      summary: 'The case side sets a new deadline, saying why',
      params: IdParams,
      body: RescheduleBody,
      response: { 200: TaskDto },
    },
    handler: async (request) =>
      ctx.tasks.act(
        actorOf(request),
        (request.params as IdP).id,
        'reschedule',
        request.body as { dueAt: string; text: string },
      ),
  });
}
