/**
 * Authentication and CSRF for every route, declared per route in `config.access`:
 * - 'public': no session needed (login, health);
 * - 'session': a live session, password already changed;
 * - 'session-any': a live session even if the password must still be changed (me, password, logout).
 * State-changing requests with a session must echo the session's CSRF token in `x-csrf-token`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LeveeError } from '../core/errors.js';
import type { Actor } from '../services/access-policy.js';
import type { Authenticated, AuthService } from '../services/auth.service.js';

export const SESSION_COOKIE = 'levee_session';
export type Access = 'public' | 'session' | 'session-any';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actorOf(request: FastifyRequest): Actor {
  if (!request.auth) throw new LeveeError('LEVEE_UNAUTHENTICATED', 'log in first');
  return request.auth.actor;
}

export const sessionGuard = fp(async (app: FastifyInstance, opts: { auth: AuthService }) => {
  app.decorateRequest('auth', null);
  app.addHook('preHandler', async (request) => {
    const access: Access = request.routeOptions.config.access ?? 'session';
    if (access === 'public' || request.is404) return;
    const token = request.cookies[SESSION_COOKIE];
    const auth = token ? await opts.auth.authenticate(token, request.ip) : undefined;
    if (!auth)
      throw new LeveeError(
        'LEVEE_UNAUTHENTICATED',
        token ? 'your session has ended; log in again' : 'log in first',
      );
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== auth.session.csrf_token) {
      throw new LeveeError('LEVEE_CSRF', 'send the x-csrf-token header with the token from GET /api/auth/me');
    }
    if (access === 'session' && auth.mustChangePassword) {
      throw new LeveeError(
        'LEVEE_PASSWORD_CHANGE_REQUIRED',
        'change your password (POST /api/auth/password) before going on',
      );
    }
    request.auth = auth;
  });
});
