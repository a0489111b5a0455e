import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { IdParams, Items, NewPersonBody, Person, PersonQuery, RevealQuery } from '../schemas.js';
import { actorOf } from '../session-guard.js';

type IdP = Static<typeof IdParams>;
const tags = ['persons'];

export async function personRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  app.get('/api/persons', {
    schema: {
      tags,
      summary: 'People in a unit subtree, personal data masked',
      querystring: PersonQuery,
      response: { 200: Items(Person) },
    },
    handler: async (request) => {
      const { unitId, q } = request.query as Static<typeof PersonQuery>;
      return { items: await ctx.persons.list(actorOf(request), unitId, q) };
    },
  });
  app.get('/api/persons/:id', {
    schema: {
      tags,
      summary: 'One person, personal data masked',
      params: IdParams,
      response: { 200: Person },
    },
    handler: async (request) => ctx.persons.get(actorOf(request), (request.params as IdP).id),
  });
  app.get('/api/persons/:id/reveal', {
    schema: {
      tags,
      summary: 'One person in full; needs a reason and is audited',
      params: IdParams,
      querystring: RevealQuery,
      response: { 200: Person },
    },
    handler: async (request) =>
      ctx.persons.reveal(
        actorOf(request),
        (request.params as IdP).id,
        (request.query as Static<typeof RevealQuery>).reason,
      ),
  });
  app.post('/api/persons', {
    schema: {
      tags,
      summary: 'Record a person (ID number, phone and card are checked)',
      body: NewPersonBody,
      response: { 201: Person },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await ctx.persons.create(actorOf(request), request.body as Static<typeof NewPersonBody>)),
  });
}
