/**
 * Bad input on every route with a body, parameters or a query: missing fields, wrong types,
 * unknown fields, oversize bodies, malformed JSON and unknown ids each get a 4xx problem document
 * that names what is wrong — never a 500 — and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const TABLES = ['unit', 'app_user', 'person', 'audit_log', 'session'] as const;

interface BadCase {
  name: string;
  as: 'admin' | 'analyst';
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const validPerson = {
  unitId: 1,
  name: '测试',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  bankCard: '6222021234567890123',
  category: 'victim',
};
const validUser = {
  username: 'u.valid',
  displayName: '有效',
  role: 'analyst',
  unitId: 1,
  password: 'Valid-pass-2026',
};
const validUnit = { parentId: 1, kind: 'district', code: 'WH-NEW', name: '新分局', nameEn: 'New Branch' };

const CASES: BadCase[] = [
  {
    name: 'login without password',
    as: 'admin',
    method: 'POST',
    url: '/api/auth/login',
    body: { username: 'admin' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'password',
  },
  {
    name: 'login with a number as user name',
    as: 'admin',
    method: 'POST',
    url: '/api/auth/login',
    body: { username: 5, password: 'x' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'username',
  },
  {
    name: 'login with malformed JSON',
    as: 'admin',
    method: 'POST',
    url: '/api/auth/login',
    body: '{"username":',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'LEVEE_BAD_JSON',
  },
  {
    name: 'login as text/plain',
    as: 'admin',
    method: 'POST',
    url: '/api/auth/login',
    body: 'username=admin',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'LEVEE_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'password change without new password',
    as: 'analyst',
    method: 'POST',
    url: '/api/auth/password',
    body: { currentPassword: 'levee-demo' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'newPassword',
  },
  {
    name: 'revoke a session id that is not one',
    as: 'analyst',
    method: 'DELETE',
    url: '/api/auth/sessions/zzz',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'revoke an unknown session',
    as: 'analyst',
    method: 'DELETE',
    url: `/api/auth/sessions/${'a'.repeat(64)}`,
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'unit id that is not a number',
    as: 'admin',
    method: 'GET',
    url: '/api/units/abc',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'unknown unit id',
    as: 'admin',
    method: 'GET',
    url: '/api/units/999999',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'unit without a name',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, name: undefined },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'name',
  },
  {
    name: 'unit of an unknown kind',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, kind: 'planet' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'kind',
  },
  {
    name: 'unit under an unknown parent',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, parentId: 999999 },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'parentId',
  },
  {
    name: 'unit of a kind that cannot sit there',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, kind: 'community' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'kind',
  },
  {
    name: 'unit with a taken code',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, code: 'WH-JA' },
    status: 409,
    code: 'LEVEE_CONFLICT',
    field: 'code',
  },
  {
    name: 'unit with an unknown field',
    as: 'admin',
    method: 'POST',
    url: '/api/units',
    body: { ...validUnit, colour: 'red' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'colour',
  },
  {
    name: 'users of an unknown unit',
    as: 'admin',
    method: 'GET',
    url: '/api/users?unitId=999999',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'users with a text unit id',
    as: 'admin',
    method: 'GET',
    url: '/api/users?unitId=x',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'unknown user id',
    as: 'admin',
    method: 'GET',
    url: '/api/users/999999',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'user with a role as number',
    as: 'admin',
    method: 'POST',
    url: '/api/users',
    body: { ...validUser, role: 3 },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'role',
  },
  {
    name: 'user with a taken name',
    as: 'admin',
    method: 'POST',
    url: '/api/users',
    body: { ...validUser, username: 'analyst' },
    status: 409,
    code: 'LEVEE_CONFLICT',
    field: 'username',
  },
  {
    name: 'user with a weak password',
    as: 'admin',
    method: 'POST',
    url: '/api/users',
    body: { ...validUser, password: 'abc' },
    status: 400,
    code: 'LEVEE_WEAK_PASSWORD',
    field: 'newPassword',
  },
  {
    name: 'user name with spaces',
    as: 'admin',
    method: 'POST',
    url: '/api/users',
    body: { ...validUser, username: 'a b' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'username',
  },
  {
    name: 'empty user update',
    as: 'admin',
    method: 'PATCH',
    url: '/api/users/2',
    body: {},
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'update of an unknown user',
    as: 'admin',
    method: 'PATCH',
    url: '/api/users/999999',
    body: { disabled: true },
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'disable with a text flag',
    as: 'admin',
    method: 'PATCH',
    url: '/api/users/2',
    body: { disabled: 'yes' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'disabled',
  },
  {
    name: 'admin disabling themself',
    as: 'admin',
    method: 'PATCH',
    url: '/api/users/1',
    body: { disabled: true },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'disabled',
  },
  {
    name: 'unknown person',
    as: 'analyst',
    method: 'GET',
    url: '/api/persons/999999',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'reveal of an unknown person',
    as: 'analyst',
    method: 'GET',
    url: '/api/persons/999999/reveal?reason=abcd',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'person list with an unknown query field',
    as: 'analyst',
    method: 'GET',
    url: '/api/persons?colour=red',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'person with a wrong ID check digit',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, idNumber: '110105194912310021' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'idNumber',
  },
  {
    name: 'person with an impossible birth date',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, idNumber: '110105194902300028' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'idNumber',
  },
  {
    name: 'person with a bad phone number',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, phone: '12345' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'phone',
  },
  {
    name: 'person with letters in the card number',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, bankCard: '6222ABCD' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'bankCard',
  },
  {
    name: 'person with an unknown category',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, category: 'other' },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'category',
  },
  {
    name: 'person in an unknown unit',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, unitId: 999999 },
    status: 400,
    code: 'LEVEE_VALIDATION',
    field: 'unitId',
  },
  {
    name: 'person body that is an array',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: [validPerson],
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'oversize person body',
    as: 'analyst',
    method: 'POST',
    url: '/api/persons',
    body: { ...validPerson, name: 'x'.repeat(70_000) },
    status: 413,
    code: 'LEVEE_BODY_TOO_LARGE',
  },
  {
    name: 'dashboard of a text unit',
    as: 'analyst',
    method: 'GET',
    url: '/api/dashboard?unitId=abc',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'dashboard of an unknown unit',
    as: 'analyst',
    method: 'GET',
    url: '/api/dashboard?unitId=999999',
    status: 404,
    code: 'LEVEE_NOT_FOUND',
  },
  {
    name: 'audit with a limit too large',
    as: 'admin',
    method: 'GET',
    url: '/api/audit?limit=100000',
    status: 400,
    code: 'LEVEE_VALIDATION',
  },
  {
    name: 'an API route that does not exist',
    as: 'admin',
    method: 'GET',
    url: '/api/nothing-here',
    status: 404,
    code: 'LEVEE_ROUTE_NOT_FOUND',
  },
];

describe.each(DATABASES)('bad input on %s', (database) => {
  let t: TestApp;
  const sessions: Record<string, Session> = {};
  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      result[table] = Number(row.n);
    }
    return result;
  };

  beforeAll(async () => {
    // A 64 KiB body limit keeps the oversize case small.
    t = await createTestApp({ database, env: { LEVEE_BODY_LIMIT_BYTES: '65536' } });
    sessions['admin'] = await t.login('admin');
    sessions['analyst'] = await t.login('analyst');
  });
  afterAll(async () => t?.close());

  for (const c of CASES) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const before = await counts();
      const s = sessions[c.as]!;
      const payload =
        c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
      const response = await s.request(c.method, c.url, payload, {
        ...(payload && !c.headers ? { 'content-type': 'application/json' } : {}),
        ...c.headers,
      });
      expect(response.statusCode, response.body).toBe(c.status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      const problem = response.json();
      expect(problem).toMatchObject({
        status: c.status,
        code: c.code,
        type: `https://levee.dev/problems/${c.code}`,
      });
      expect(problem.requestId).toBe(response.headers['x-request-id']);
      expect(problem.detail.length).toBeGreaterThan(5);
      if (c.field) expect(problem.field).toBe(c.field);
      expect(await counts()).toEqual(before);
    });
  }
});
