import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { unitDto, userDto } from '../dto.js';
import {
  IdParams,
  Items,
  NewUnitBody,
  NewUserBody,
  Unit,
  UnitQuery,
  UpdateUserBody,
  User,
} from '../schemas.js';
import { actorOf } from '../session-guard.js';

type IdP = Static<typeof IdParams>;

export async function directoryRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/units', {
    schema: {
      tags: ['units'],
      summary: "The caller's unit and everything below it",
      response: { 200: Items(Unit) },
    },
    handler: async (request) => ({ items: (await ctx.directory.listUnits(actorOf(request))).map(unitDto) }),
  });
  app.get('/api/units/:id', {
    schema: { tags: ['units'], summary: 'One unit in scope', params: IdParams, response: { 200: Unit } },
    handler: async (request) =>
      unitDto(await ctx.directory.getUnit(actorOf(request), (request.params as IdP).id)),
  });
  app.post('/api/units', {
    schema: {
      tags: ['units'],
      summary: 'Create a unit below one in scope (administrators)',
      body: NewUnitBody,
      response: { 201: Unit },
    },
    handler: async (request, reply) => {
      const unit = await ctx.directory.createUnit(
        actorOf(request),
        request.body as Static<typeof NewUnitBody>,
      );
      return reply.status(201).send(unitDto(unit));
    },
  });
  app.get('/api/users', {
    schema: {
      tags: ['users'],
      summary: 'Users of a unit subtree',
      querystring: UnitQuery,
      response: { 200: Items(User) },
    },
    handler: async (request) => {
      const { unitId } = request.query as Static<typeof UnitQuery>;
      return { items: (await ctx.directory.listUsers(actorOf(request), unitId)).map(userDto) };
    },
  });
  app.get('/api/users/:id', {
    schema: { tags: ['users'], summary: 'One user in scope', params: IdParams, response: { 200: User } },
    handler: async (request) =>
      userDto(await ctx.directory.getUser(actorOf(request), (request.params as IdP).id)),
  });
  app.post('/api/users', {
    schema: {
      tags: ['users'],
      summary: 'Create a user (administrators); they change the password at first login',
      body: NewUserBody,
      response: { 201: User },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await ctx.directory.createUser(actor, request.body as Static<typeof NewUserBody>);
      return reply.status(201).send(userDto(await ctx.directory.getUser(actor, id)));
    },
  });
  app.patch('/api/users/:id', {
    schema: {
      tags: ['users'],
      summary: 'Disable, re-role or rename a user (administrators)',
      params: IdParams,
      body: UpdateUserBody,
      response: { 200: User },
    },
    handler: async (request) =>
      userDto(
        await ctx.directory.updateUser(
          actorOf(request),
          (request.params as IdP).id,
          request.body as Static<typeof UpdateUserBody>,
        ),
      ),
  });
}
