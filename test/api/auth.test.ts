import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { AuthService } from '../../src/services/auth.service.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

class ManualClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t);
  }
  advanceMinutes(m: number) {
    this.t += m * 60_000;
  }
}

describe.each(DATABASES)('authentication on %s', (database) => {
  let t: TestApp;
  const clock = new ManualClock(Date.parse('2026-11-26T02:00:00Z'));

  beforeAll(async () => {
    t = await createTestApp({
      database,
      clock,
      env: {
        LEVEE_LOGIN_MAX_FAILURES: '3',
        LEVEE_SESSION_IDLE_MINUTES: '30',
        LEVEE_SESSION_TTL_MINUTES: '120',
      },
    });
  });
  afterAll(async () => t?.close());

  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it('sets an HttpOnly SameSite=Strict session cookie and never returns the hash', async () => {
    const response = await login('analyst', 'levee-demo');
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'levee_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(response.body).not.toMatch(/argon2/);
    const stored = await t.ctx.store.db.selectFrom('session').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(cookie.value);
  });

  it('refuses a wrong password with a problem document and audits the failure', async () => {
    const response = await login('duty', 'wrong-password');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'LEVEE_BAD_CREDENTIALS', status: 401 });
    const row = await t.ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.login-failed')
      .executeTakeFirstOrThrow();
    expect(row.username).toBe('duty');
  });

  it('throttles a user name after repeated failures, even for the right password, until the lock passes', async () => {
    for (let i = 0; i < 3; i++) expect((await login('station.dazhi', `nope-${i}`)).statusCode).toBe(401);
    const locked = await login('station.dazhi', 'levee-demo');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('LEVEE_LOGIN_THROTTLED');
    clock.advanceMinutes(16);
    expect((await login('station.dazhi', 'levee-demo')).statusCode).toBe(200);
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const s = await t.login('analyst');
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('LEVEE_CSRF');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
    });
    expect(wrong.json().code).toBe('LEVEE_CSRF');
    expect((await s.request('GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('ends sessions on logout, on idleness and at the absolute expiry', async () => {
    const a = await t.login('analyst');
    expect((await a.request('POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await a.request('GET', '/api/auth/me')).json().code).toBe('LEVEE_UNAUTHENTICATED');

    const idle = await t.login('analyst');
    clock.advanceMinutes(31);
    expect((await idle.request('GET', '/api/auth/me')).statusCode).toBe(401);

    const busy = await t.login('analyst');
    for (let i = 0; i < 4; i++) {
      clock.advanceMinutes(25);
      expect((await busy.request('GET', '/api/auth/me')).statusCode).toBe(200);
    }
    clock.advanceMinutes(25); // 125 minutes after login, active all along: past the 120-minute lifetime
    expect((await busy.request('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('lets a user revoke another of their sessions', async () => {
    const first = await t.login('duty');
    const second = await t.login('duty');
    const list = (await second.request('GET', '/api/auth/sessions')).json() as {
      items: { id: string; current: boolean }[];
    };
    const other = list.items.filter((s) => !s.current);
    expect(other.length).toBeGreaterThanOrEqual(1);
    for (const s of other)
      expect((await second.request('DELETE', `/api/auth/sessions/${s.id}`)).statusCode).toBe(204);
    expect((await first.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await second.request('GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('forces a password change for new accounts, and for demo accounts outside demo mode', async () => {
    const admin = await t.login('admin');
    const units = (await admin.request('GET', '/api/units')).json() as {
      items: { id: number; code: string }[];
    };
    const unitId = units.items.find((u) => u.code === 'WH-JA')!.id;
    const created = await admin.request('POST', '/api/users', {
      username: 'new.officer',
      displayName: '新警员',
      role: 'district_officer',
      unitId,
      password: 'First-pass-2026',
    });
    expect(created.statusCode, created.body).toBe(201);
    const fresh = await t.login('new.officer', 'First-pass-2026');
    const blocked = await fresh.request('GET', '/api/dashboard');
    expect(blocked.json().code).toBe('LEVEE_PASSWORD_CHANGE_REQUIRED');
    const weak = await fresh.request('POST', '/api/auth/password', {
      currentPassword: 'First-pass-2026',
      newPassword: 'short',
    });
    expect(weak.json()).toMatchObject({ code: 'LEVEE_WEAK_PASSWORD', field: 'newPassword' });
    expect(
      (
        await fresh.request('POST', '/api/auth/password', {
          currentPassword: 'First-pass-2026',
          newPassword: 'Second-pass-2026',
        })
      ).statusCode,
    ).toBe(204);
    expect((await fresh.request('GET', '/api/dashboard')).statusCode).toBe(200);

    const outsideDemo = new AuthService(t.ctx.store.db, t.ctx.audit, { ...t.ctx.config, demo: false }, clock);
    const { auth } = await outsideDemo.login('community.dazhi', 'levee-demo', '127.0.0.1', 'test');
    expect(auth.mustChangePassword).toBe(true);
    expect(t.ctx.auth.mustChangePassword(auth.user)).toBe(false);
  });

  it('refuses an unknown user name exactly like a wrong password', async () => {
    const response = await login('nobody.here', 'whatever-2026');
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('LEVEE_BAD_CREDENTIALS');
  });
});
