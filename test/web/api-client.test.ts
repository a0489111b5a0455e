/**
 * The console's fetch wrapper against a stubbed fetch: CSRF header only on state-changing calls,
 * RFC 9457 problems turned into ApiError with code/detail/field, 401 hands over to the login screen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  api,
  NETWORK_ERROR,
  onPasswordChangeRequired,
  onUnauthenticated,
  setCsrfToken,
} from '../../web/src/api/client.js';

interface Call {
  url: string;
  init: RequestInit;
}

let calls: Call[];
let next: () => Response;

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

beforeEach(() => {
  calls = [];
  next = () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return next();
  });
  setCsrfToken('tok-123');
});

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  onUnauthenticated(null);
  onPasswordChangeRequired(null);
});

const header = (call: Call | undefined, name: string) =>
  ((call?.init.headers ?? {}) as Record<string, string>)[name];

describe('console API client', () => {
  it('sends the CSRF token on POST but not on GET, with same-origin credentials', async () => {
    await api.get('/api/units');
    await api.post('/api/auth/logout');
    expect(header(calls[0], 'x-csrf-token')).toBeUndefined();
    expect(header(calls[1], 'x-csrf-token')).toBe('tok-123');
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true);
  });

  it('drops empty query values and encodes the rest', async () => {
    await api.get('/api/persons', { unitId: 3, q: '', reason: '案件 A-1' });
    expect(calls[0]?.url).toBe('/api/persons?unitId=3&reason=%E6%A1%88%E4%BB%B6+A-1');
  });

  it('turns a problem document into an ApiError with code, detail and field', async () => {
    next = () =>
      problem(400, {
        type: 'x',
        title: 'The new password is too weak',
        status: 400,
        detail: 'the new password needs at least 10 characters',
        code: 'LEVEE_WEAK_PASSWORD',
        field: 'newPassword',
        requestId: 'r1',
      });
    const error = await api
      .post('/api/auth/password', { currentPassword: 'a', newPassword: 'b' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'LEVEE_WEAK_PASSWORD',
      detail: 'the new password needs at least 10 characters',
      field: 'newPassword',
      requestId: 'r1',
    });
  });

  it('keeps lockedUntil from a throttled login', async () => {
    next = () =>
      problem(429, {
        code: 'LEVEE_LOGIN_THROTTLED',
        detail: 'too many',
        lockedUntil: '2026-11-26T18:53:51.551Z',
      });
    await expect(api.post('/api/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({
      status: 429,
      code: 'LEVEE_LOGIN_THROTTLED',
      lockedUntil: '2026-11-26T18:53:51.551Z',
    });
  });

  it('calls the unauthenticated handler on 401, except for the login call itself', async () => {
    const lost = vi.fn();
    onUnauthenticated(lost);
    next = () => problem(401, { code: 'LEVEE_BAD_CREDENTIALS', detail: 'wrong user name or password' });
    await expect(api.post('/api/auth/login', { username: 'a', password: 'b' })).rejects.toThrow(ApiError);
    expect(lost).not.toHaveBeenCalled();
    next = () => problem(401, { code: 'LEVEE_UNAUTHENTICATED', detail: 'log in first' });
    await expect(api.get('/api/dashboard')).rejects.toThrow('log in first');
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('asks for a password change when the server requires one', async () => {
    const change = vi.fn();
    onPasswordChangeRequired(change);
    next = () => problem(403, { code: 'LEVEE_PASSWORD_CHANGE_REQUIRED', detail: 'change your password' });
    await expect(api.get('/api/units')).rejects.toThrow(ApiError);
    expect(change).toHaveBeenCalledTimes(1);
  });

  it('returns undefined for 204 and parses JSON bodies', async () => {
    next = () => new Response(null, { status: 204 });
    expect(await api.post('/api/auth/logout')).toBeUndefined();
    next = () =>
      new Response('{"items":[1,2]}', { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await api.get('/api/units')).toEqual({ items: [1, 2] });
  });

  it('reports a non-JSON error by status and a failed connection as NETWORK', async () => {
    next = () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(api.get('/api/units')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
    next = () => {
      throw new TypeError('fetch failed');
    };
    await expect(api.get('/api/units')).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
  });
});
