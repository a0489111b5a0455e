import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { ROLE_PERMISSIONS } from '../../services/access-policy.js';
import type { Authenticated } from '../../services/auth.service.js';
import { unitDto } from '../dto.js';
import { Items, LoginBody, Me, PasswordBody, SessionParams } from '../schemas.js';
import { actorOf, SESSION_COOKIE } from '../session-guard.js';

const tags = ['auth'];

export async function authRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  const me = async (auth: Authenticated) => ({
    id: auth.user.id,
    username: auth.user.username,
    displayName: auth.user.display_name,
    role: auth.actor.role,
    unit: unitDto(await ctx.auth.ownUnit(auth)),
    mustChangePassword: auth.mustChangePassword,
    permissions: [...ROLE_PERMISSIONS[auth.actor.role]],
    csrfToken: auth.session.csrf_token,
  });

  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: { tags, summary: 'Log in with a local account', body: LoginBody, response: { 200: Me } },
    handler: async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const { token, auth } = await ctx.auth.login(
        username,
        password,
        request.ip,
        request.headers['user-agent'] ?? '',
      );
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.cookieSecure,
        maxAge: ctx.config.sessionTtlMinutes * 60,
      });
      return me(auth);
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'session-any' },
    schema: { tags, summary: 'End this session', response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await ctx.auth.logout(actorOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  });

  app.get('/api/auth/me', {
    config: { access: 'session-any' },
    schema: {
      tags,
      summary: 'Who is logged in, with unit, permissions and CSRF token',
      response: { 200: Me },
    },
    handler: async (request) => me(request.auth!),
  });

  app.post('/api/auth/password', {
    config: { access: 'session-any' },
    schema: {
      tags,
      summary: 'Change own password; other sessions are revoked',
      body: PasswordBody,
      response: { 204: Type.Null() },
    },
    handler: async (request, reply) => {
      const { currentPassword, newPassword } = request.body as {
        currentPassword: string;
        newPassword: string;
      };
      await ctx.auth.changePassword(actorOf(request), currentPassword, newPassword);
      return reply.status(204).send();
    },
  });

  const SessionDto = Type.Object({
    id: Type.String(),
    createdAt: Type.String(),
    lastSeenAt: Type.String(),
    expiresAt: Type.String(),
    ip: Type.String(),
    userAgent: Type.String(),
    current: Type.Boolean(),
  });

  app.get('/api/auth/sessions', {
    config: { access: 'session-any' },
    schema: { tags, summary: "The caller's live sessions", response: { 200: Items(SessionDto) } },
    handler: async (request) => {
      const actor = actorOf(request);
      const sessions = await ctx.auth.listSessions(actor);
      return {
        items: sessions.map((s) => ({
          id: s.id,
          createdAt: s.created_at,
          lastSeenAt: s.last_seen_at,
          expiresAt: s.expires_at,
          ip: s.ip,
          userAgent: s.user_agent,
          current: s.id === actor.sessionId,
        })),
      };
    },
  });

  app.delete('/api/auth/sessions/:id', {
    config: { access: 'session-any' },
    schema: {
      tags,
      summary: 'Revoke one of your sessions',
      params: SessionParams,
      response: { 204: Type.Null() },
    },
    handler: async (request, reply) => {
      await ctx.auth.revokeOwnSession(actorOf(request), (request.params as { id: string }).id);
      return reply.status(204).send();
    },
  });
}
