/**
 * Every role × every route × own unit / other unit / parent unit, on every database.
 * The expected outcome comes from the policy written out below — independently of the code's
 * own tables — so a change to the code's permissions that this table does not share turns red.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { insertCase } from '../../src/repositories/case.repository.js';
import { insertPerson } from '../../src/repositories/person.repository.js';
import { findUnitByCode } from '../../src/repositories/unit.repository.js';
import type { UnitRow } from '../../src/storage/schema.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const PASSWORD = 'Matrix-pass-2026';

/** Who may do what — the written policy (docs/security.md), one role per line. */
const POLICY_TABLE = `
admin                dashboard.read units.read units.write users.read users.write audit.read gateway.admin
analyst              dashboard.read units.read persons.read users.read persons.write persons.reveal cases.read cases.write gateway.read gateway.write tasks.read tasks.write tasks.work
duty_officer         dashboard.read units.read persons.read users.read persons.write persons.reveal cases.read cases.write gateway.read gateway.write tasks.read tasks.write tasks.work
district_officer     dashboard.read units.read persons.read users.read persons.reveal cases.read gateway.read tasks.read tasks.write tasks.work
station_officer      dashboard.read units.read persons.read users.read persons.write persons.reveal cases.read cases.write gateway.read gateway.write tasks.read tasks.write tasks.work
community_worker     dashboard.read units.read persons.read cases.read tasks.read tasks.work
institution_liaison  dashboard.read units.read gateway.read
`;
const POLICY: Record<string, string[]> = Object.fromEntries(
  POLICY_TABLE.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([role, ...permissions]) => [role!, permissions]),
);

/** Each role's test user sits below the city so that it has a parent and siblings. */
const SUBJECTS: { role: string; unit: string; other: string; parent: string }[] = [
  { role: 'admin', unit: 'WH-JA', other: 'WH-JH', parent: 'WH' },
  { role: 'analyst', unit: 'WH-JA', other: 'WH-WC', parent: 'WH' },
  { role: 'duty_officer', unit: 'WH-JA-DZ', other: 'WH-JA-SW', parent: 'WH-JA' },
  { role: 'district_officer', unit: 'WH-JA', other: 'WH-JH', parent: 'WH' },
  { role: 'station_officer', unit: 'WH-JA-DZ', other: 'WH-JH-MZ', parent: 'WH-JA' },
  { role: 'community_worker', unit: 'WH-JA-DZ-01', other: 'WH-JA-DZ-02', parent: 'WH-JA-DZ' },
  { role: 'institution_liaison', unit: 'ICBC', other: 'CCB', parent: 'WH' },
];

type Scope = 'own' | 'other' | 'parent';

interface Fixture {
  unit: UnitRow;
  personId: number;
  userId: number;
  caseId: number;
  /** An executed stop-payment: addressed to the fixture's institution, or to ABC for a police unit's case. */
  requestId: number;
}

interface RouteCase {
  route: string;
  permission: string;
  status: number;
  /** A route whose target does not depend on the unit: allowed roles get `status` whatever the scope. */
  unscoped?: boolean;
  /** Where the written policy says more than role × scope (e.g. institutions sit under the city). */
  expect?: (role: string, scope: Scope) => number | string | undefined;
  call(s: Session, f: Fixture, n: number): Promise<{ statusCode: number; body: string }>;
}

const CHILD_KIND: Record<string, string> = {
  city: 'district',
  district: 'station',
  station: 'community',
  community: 'station',
  bank: 'station',
  payment: 'station',
};
const USER_ROLE_FOR_KIND: Record<string, string> = {
  city: 'analyst',
  district: 'district_officer',
  station: 'station_officer',
  community: 'community_worker',
  bank: 'institution_liaison',
  payment: 'institution_liaison',
};

/** A small statement whose account and serial are unique to call n (so no two calls are the same file). */
const matrixStatement = (n: number) =>
  Buffer.from(
    `账号：6222${String(n).padStart(12, '0')}\n交易时间,交易金额,借贷标志,对方账号,对方户名,余额,交易流水号\n` +
      `2026-01-02 10:00:00,100.00,贷,6222111100001111,某甲,100.00,M${n}\n`,
  );
const importStatement = (s: Session, caseId: number, n: number) =>
  s.request(
    'POST',
    `/api/cases/${caseId}/statements?fileName=m${n}.csv`,
    matrixStatement(n) as unknown as string,
    { 'content-type': 'application/octet-stream' },
  );
/** One statement batch per fixture case, imported in beforeAll. */
const batchOf = new Map<number, number>();

/** The database of the running matrix, for rows a call needs fresh (a task can be accepted once). */
let matrixDb: TestApp['ctx']['store']['db'];
/** An open task of the fixture's case, given to the fixture's own unit. */
const freshTask = async (f: Fixture): Promise<number> =>
  (
    await matrixDb
      .insertInto('case_task')
      .values({
        case_id: f.caseId,
        kind: 'other',
        title: '矩阵任务',
        instructions: '矩阵测试',
        assignee_unit_id: f.unit.id,
        status: 'open',
        due_at: new Date(Date.now() + 86_400_000).toISOString(),
        created_by: f.userId,
        created_at: new Date().toISOString(),
        accepted_by: null,
        accepted_at: null,
        finished_by: null,
        finished_at: null,
        updated_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
const taskStep = (action: string, body?: Record<string, string>) => async (s: Session, f: Fixture) =>
  s.request('POST', `/api/tasks/${await freshTask(f)}/${action}`, body);

const ROUTES: RouteCase[] = [
  {
    route: 'GET /api/cases/:id/tasks',
    permission: 'tasks.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/tasks`),
  },
  {
    route: 'POST /api/cases/:id/tasks',
    permission: 'tasks.write',
    status: 201,
    call: (s, f) =>
      s.request('POST', `/api/cases/${f.caseId}/tasks`, {
        kind: 'other',
        assigneeUnitId: f.unit.id,
        instructions: '矩阵测试',
      }),
  },
  {
    route: 'GET /api/tasks',
    permission: 'tasks.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/tasks?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/tasks/counts',
    permission: 'tasks.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/tasks/counts?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/tasks/:id',
    permission: 'tasks.read',
    status: 200,
    call: async (s, f) => s.request('GET', `/api/tasks/${await freshTask(f)}`),
  },
  { route: 'POST /api/tasks/:id/accept', permission: 'tasks.work', status: 200, call: taskStep('accept') },
  {
    route: 'POST /api/tasks/:id/complete',
    permission: 'tasks.work',
    status: 200,
    call: taskStep('complete', { text: '已办结' }),
  },
  {
    route: 'POST /api/tasks/:id/decline',
    permission: 'tasks.work',
    status: 200,
    call: taskStep('decline', { text: '非本单位辖区' }),
  },
  {
    route: 'POST /api/tasks/:id/cancel',
    permission: 'tasks.write',
    status: 200,
    call: taskStep('cancel', { text: '已撤销' }),
  },
  {
    route: 'POST /api/tasks/:id/reschedule',
    permission: 'tasks.write',
    status: 200,
    call: taskStep('reschedule', {
      dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      text: '延期',
    }),
  },
  {
    route: 'GET /api/units/:id',
    permission: 'units.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/units/${f.unit.id}`),
  },
  {
    route: 'POST /api/units',
    permission: 'units.write',
    status: 201,
    call: (s, f, n) =>
      s.request('POST', '/api/units', {
        parentId: f.unit.id,
        kind: CHILD_KIND[f.unit.kind],
        code: `NEW-${n}`,
        name: `新单位${n}`,
        nameEn: `New ${n}`,
      }),
  },
  {
    route: 'GET /api/users',
    permission: 'users.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/users?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/users/:id',
    permission: 'users.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/users/${f.userId}`),
  },
  {
    route: 'POST /api/users',
    permission: 'users.write',
    status: 201,
    call: (s, f, n) =>
      s.request('POST', '/api/users', {
        username: `new.user${n}`,
        displayName: `新用户${n}`,
        role: USER_ROLE_FOR_KIND[f.unit.kind],
        unitId: f.unit.id,
        password: 'Fresh-pass-2026',
      }),
  },
  {
    route: 'PATCH /api/users/:id',
    permission: 'users.write',
    status: 200,
    call: (s, f, n) => s.request('PATCH', `/api/users/${f.userId}`, { displayName: `改名${n}` }),
  },
  {
    route: 'GET /api/persons',
    permission: 'persons.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/persons?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/persons/:id',
    permission: 'persons.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/persons/${f.personId}`),
  },
  {
    route: 'GET /api/persons/:id/reveal',
    permission: 'persons.reveal',
    status: 200,
    call: (s, f) =>
      s.request('GET', `/api/persons/${f.personId}/reveal?reason=${encodeURIComponent('核查案件线索')}`),
  },
  {
    route: 'POST /api/persons',
    permission: 'persons.write',
    status: 201,
    call: (s, f) =>
      s.request('POST', '/api/persons', {
        unitId: f.unit.id,
        name: '测试人',
        idNumber: '11010519491231002X',
        phone: '13800138000',
        bankCard: '6222021234567890123',
        category: 'victim',
      }),
  },
  {
    route: 'GET /api/dashboard',
    permission: 'dashboard.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/dashboard?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/audit',
    permission: 'audit.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/audit?unitId=${f.unit.id}`),
  },
  {
    route: 'GET /api/gateway/requests',
    permission: 'gateway.read',
    status: 200,
    call: (s, f) =>
      s.request(
        'GET',
        f.unit.kind === 'bank' || f.unit.kind === 'payment'
          ? `/api/gateway/requests?institution=${f.unit.code}`
          : `/api/gateway/requests?caseId=${f.caseId}`,
      ),
  },
  {
    route: 'GET /api/gateway/requests/:id',
    permission: 'gateway.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/gateway/requests/${f.requestId}`),
  },
  {
    route: 'POST /api/gateway/requests',
    permission: 'gateway.write',
    status: 201,
    call: (s, f) =>
      s.request('POST', '/api/gateway/requests', {
        caseId: f.caseId,
        institution: 'ICBC',
        reason: '核实账户主体',
        request: { type: 'holder-query', account: { number: '6222020000000000001' } },
      }),
  },
  {
    route: 'POST /api/gateway/requests/:id/renew',
    permission: 'gateway.write',
    status: 201,
    call: (s, f) =>
      s.request('POST', `/api/gateway/requests/${f.requestId}/renew`, { reason: '止付即将到期' }),
  },
  {
    route: 'GET /api/gateway/alarms',
    permission: 'gateway.read',
    status: 200,
    unscoped: true,
    call: (s) => s.request('GET', '/api/gateway/alarms'),
  },
  {
    route: 'GET /api/gateway/endpoints',
    permission: 'gateway.admin',
    status: 200,
    unscoped: true,
    call: (s) => s.request('GET', '/api/gateway/endpoints'),
  },
  {
    route: 'PUT /api/gateway/endpoints/:code',
    permission: 'gateway.admin',
    status: 200,
    // Institutions sit under the city: only a city administrator reaches them; the matrix's admin is a district's.
    expect: (role) => (role === 'admin' ? 'LEVEE_OUT_OF_SCOPE' : undefined),
    call: (s) => s.request('PUT', '/api/gateway/endpoints/ICBC', { ratePerSecond: 50 }),
  },
  {
    route: 'GET /api/cases/:id/requests',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/requests`),
  },
  {
    route: 'POST /api/cases/:id/refresh-statements',
    permission: 'cases.write',
    status: 202,
    call: (s, f) => s.request('POST', `/api/cases/${f.caseId}/refresh-statements`),
  },
  {
    route: 'POST /api/cases/:id/accounts/exclude',
    permission: 'cases.write',
    // The fixture cases have no accounts: an allowed caller in scope learns that, and nothing changes.
    status: 400,
    call: (s, f) =>
      s.request('POST', `/api/cases/${f.caseId}/accounts/exclude`, {
        key: 'ICBC/6222000011112222',
        reason: '受害人本人账户',
      }),
  },
  {
    route: 'POST /api/cases/:id/accounts/confirm-freeze',
    permission: 'cases.write',
    status: 400,
    call: (s, f) =>
      s.request('POST', `/api/cases/${f.caseId}/accounts/confirm-freeze`, { key: 'ICBC/6222000011112222' }),
  },
  {
    route: 'GET /api/cases',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases?unitId=${f.unit.id}`),
  },
  {
    route: 'POST /api/cases',
    permission: 'cases.write',
    status: 201,
    call: (s, f, n) =>
      s.request('POST', '/api/cases', {
        scamType: 'investment',
        narrative: '矩阵测试',
        victim: {
          name: '受害人',
          idNumber: '11010519491231002X',
          phone: '13800138000',
          address: '测试地址',
          unitId: f.unit.id,
        },
        payments: [
          {
            time: '2026-01-02T10:00:00+08:00',
            amount: 100_00 + n,
            channel: 'bank-transfer',
            institution: 'ICBC',
            account: '6222021234567890128',
            accountName: '某某',
          },
        ],
      }),
  },
  {
    route: 'GET /api/cases/:id',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}`),
  },
  {
    route: 'GET /api/cases/:id/timeline',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/timeline`),
  },
  {
    route: 'GET /api/cases/:id/trace',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/trace?rule=libr`),
  },
  {
    route: 'GET /api/cases/:id/trace/compare',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/trace/compare`),
  },
  {
    route: 'GET /api/cases/:id/graph',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/graph`),
  },
  {
    route: 'GET /api/cases/:id/report',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/report?rule=libr&format=json`),
  },
  {
    route: 'GET /api/cases/:id/events',
    permission: 'cases.read',
    status: 200,
    // An event stream never ends: read the status over a real socket, then hang up.
    call: async (s, f) => {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/api/cases/${f.caseId}/events`, {
        headers: { cookie: s.cookie },
        signal: controller.signal,
      });
      const body = response.status === 200 ? '' : await response.text();
      controller.abort();
      return { statusCode: response.status, body };
    },
  },
  {
    route: 'GET /api/cases/:id/ledger',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/ledger`),
  },
  {
    route: 'POST /api/cases/:id/automation',
    permission: 'cases.write',
    status: 200,
    call: (s, f, n) =>
      s.request('POST', `/api/cases/${f.caseId}/automation`, {
        state: n % 2 ? 'paused' : 'running',
        reason: '矩阵测试',
      }),
  },
  {
    route: 'GET /api/cases/:id/statements',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/statements`),
  },
  {
    route: 'POST /api/cases/:id/statements',
    permission: 'cases.write',
    status: 201,
    call: (s, f, n) => importStatement(s, f.caseId, 10_000 + n),
  },
  {
    route: 'GET /api/cases/:id/statements/:batchId',
    permission: 'cases.read',
    status: 200,
    call: (s, f) => s.request('GET', `/api/cases/${f.caseId}/statements/${batchOf.get(f.caseId)}`),
  },
  {
    route: 'POST /api/cases/:id/statements/:batchId/withdraw',
    permission: 'cases.write',
    status: 200,
    // Withdraws a batch of its own when it may import one; otherwise asks for the fixture's batch.
    call: async (s, f, n) => {
      const imported = await importStatement(s, f.caseId, 20_000 + n);
      const batchId = imported.statusCode === 201 ? imported.json().batch.id : batchOf.get(f.caseId);
      return s.request('POST', `/api/cases/${f.caseId}/statements/${batchId}/withdraw`, {
        reason: '矩阵测试',
      });
    },
  },
];

/** Routes with no unit-scoped target: the same for every role, checked separately below. */
const UNSCOPED = [
  'GET /api/scam-types',
  'GET /api/task-kinds',
  'GET /api/institutions',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/auth/me',
  'POST /api/auth/password',
  'GET /api/auth/sessions',
  'DELETE /api/auth/sessions/:id',
  'GET /api/units',
  // Statement layouts and remembered mappings are not a unit's records (permissions: statement-import.test.ts).
  'GET /api/statement-presets',
  'GET /api/statement-mappings/:fingerprint',
  'PUT /api/statement-mappings/:fingerprint',
];

let baseUrl = '';

describe.each(DATABASES)('authorization matrix on %s', (database) => {
  let t: TestApp;
  const sessions = new Map<string, Session>();
  const fixtures = new Map<string, Fixture>();

  beforeAll(async () => {
    t = await createTestApp({ database });
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const db = t.ctx.store.db;
    matrixDb = db;
    let seq = 0;
    const codes = new Set(SUBJECTS.flatMap((s) => [s.unit, s.other, s.parent]));
    for (const code of codes) {
      const unit = (await findUnitByCode(db, code))!;
      const first17 = `420102199001${String(10 + seq).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
      const personId = await insertPerson(db, {
        unit_id: unit.id,
        name: `居民${seq}`,
        id_number: first17 + residentIdCheckChar(first17),
        phone: '13900000000',
        bank_card: '6222000011112222',
        category: 'victim',
        created_by: null,
        created_at: new Date().toISOString(),
      });
      const userId = await t.ctx.directory.createUser(
        undefined,
        {
          username: `target.${seq}`,
          displayName: `目标${seq}`,
          role: USER_ROLE_FOR_KIND[unit.kind]!,
          unitId: unit.id,
          password: PASSWORD,
        },
        { mustChangePassword: false },
      );
      const caseId = await insertCase(db, {
        case_no: `FIX-${seq}`,
        unit_id: unit.id,
        scam_type: 'investment',
        narrative: '',
        status: 'open',
        automation: 'running',
        loss_total: 0,
        reported_at: new Date().toISOString(),
        created_by: userId,
        created_at: new Date().toISOString(),
      });
      const isInstitution = unit.kind === 'bank' || unit.kind === 'payment';
      const now = new Date().toISOString();
      const requestId = (
        await db
          .insertInto('gateway_request')
          .values({
            request_id: `LV-FIXTURE-${seq}`,
            case_id: isInstitution ? null : caseId,
            institution_code: isInstitution ? unit.code : 'ABC',
            type: 'stop-payment',
            account: '6222000011112222',
            amount: 100,
            body: '{}',
            reason: 'fixture',
            created_by: 'test',
            state: 'executed',
            attempts: 1,
            next_attempt_at: now,
            lease_owner: null,
            lease_until: null,
            last_error: null,
            result: 'executed',
            feedback: null,
            held_amount: 100,
            deadline_at: null,
            renews_request_id: null,
            created_at: now,
            sent_at: now,
            acked_at: now,
            executed_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      fixtures.set(code, { unit, personId, userId, caseId, requestId });
      seq++;
    }
    for (const code of ['ICBC', 'CCB', 'ABC']) {
      await db
        .insertInto('institution_endpoint')
        .values({
          institution_code: code,
          base_url: 'http://127.0.0.1:9/none',
          public_key: 'unused',
          timeout_ms: 1000,
          rate_per_second: 10,
          enabled: 1,
          updated_at: new Date().toISOString(),
          updated_by: 'test',
        })
        .execute();
    }
    for (const subject of SUBJECTS) {
      const unit = fixtures.get(subject.unit)!.unit;
      const username = `subject.${subject.role}`;
      await t.ctx.directory.createUser(
        undefined,
        { username, displayName: subject.role, role: subject.role, unitId: unit.id, password: PASSWORD },
        { mustChangePassword: false },
      );
      sessions.set(subject.role, await t.login(username, PASSWORD));
    }
    const importer = await t.login('analyst');
    for (const f of fixtures.values()) {
      const r = await importStatement(importer, f.caseId, f.caseId);
      if (r.statusCode !== 201) throw new Error(`statement batch for case ${f.caseId}: ${r.body}`);
      batchOf.set(f.caseId, r.json().batch.id);
    }
  });
  afterAll(async () => t?.close());

  it('covers every route the API serves', () => {
    const served = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`);
    const covered = new Set([...ROUTES.map((r) => r.route), ...UNSCOPED]);
    expect(served.filter((r) => !covered.has(r))).toEqual([]);
  });

  let n = 0;
  for (const subject of SUBJECTS) {
    for (const route of ROUTES) {
      for (const scope of ['own', 'other', 'parent'] as Scope[]) {
        const allowed = POLICY[subject.role]!.includes(route.permission);
        const expected =
          route.expect?.(subject.role, scope) ??
          (!allowed
            ? 'LEVEE_FORBIDDEN'
            : scope === 'own' || route.unscoped
              ? route.status
              : 'LEVEE_OUT_OF_SCOPE');
        it(`${subject.role} · ${route.route} · ${scope} unit → ${expected}`, async () => {
          const code = scope === 'own' ? subject.unit : scope === 'other' ? subject.other : subject.parent;
          const auditBefore = await t.ctx.store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
          const response = await route.call(sessions.get(subject.role)!, fixtures.get(code)!, n++);
          if (typeof expected === 'number') {
            expect(response.statusCode, response.body).toBe(expected);
          } else {
            expect(response.statusCode, response.body).toBe(403);
            expect(JSON.parse(response.body).code).toBe(expected);
            // A refused request writes nothing, not even an audit row.
            const auditAfter = await t.ctx.store.db
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow();
            expect(Number(auditAfter.n)).toBe(Number(auditBefore.n));
          }
        });
      }
    }
  }

  it('GET /api/units lists exactly the caller’s subtree', async () => {
    for (const subject of SUBJECTS) {
      const response = await sessions.get(subject.role)!.request('GET', '/api/units');
      const own = fixtures.get(subject.unit)!.unit;
      const items = (response.json() as { items: { id: number; code: string }[] }).items;
      const codes = items.map((u) => u.code);
      expect(codes[0]).toBe(own.code);
      const subtree = await t.ctx.store.db
        .selectFrom('unit')
        .select('id')
        .where('path', 'like', `${own.path}%`)
        .execute();
      expect(items.map((u) => u.id).sort((a, b) => a - b)).toEqual(
        subtree.map((u) => u.id).sort((a, b) => a - b),
      );
      expect(codes).not.toContain(subject.other);
      expect(codes).not.toContain(subject.parent);
    }
  });

  it('institution liaison sees only its institution', async () => {
    const response = await sessions.get('institution_liaison')!.request('GET', '/api/units');
    expect((response.json() as { items: { code: string }[] }).items.map((u) => u.code)).toEqual(['ICBC']);
  });

  it('lists mask personal data; a reveal shows it in full and is audited with its reason', async () => {
    const analyst = sessions.get('analyst')!;
    const fixture = fixtures.get('WH-JA')!;
    const list = (await analyst.request('GET', `/api/persons?unitId=${fixture.unit.id}`)).json() as {
      items: { id: number; idNumber: string; phone: string; bankCard: string }[];
    };
    const masked = list.items.find((p) => p.id === fixture.personId)!;
    expect(masked.idNumber).toMatch(/^420102\*{8}\d{3}[\dX]$/);
    expect(masked.phone).toBe('139****0000');
    expect(masked.bankCard).toBe('6222 **** **** 2222');
    const noReason = await analyst.request('GET', `/api/persons/${fixture.personId}/reveal`);
    expect(noReason.json().code).toBe('LEVEE_REASON_REQUIRED');
    const full = (
      await analyst.request(
        'GET',
        `/api/persons/${fixture.personId}/reveal?reason=${encodeURIComponent('联系受害人')}`,
      )
    ).json();
    expect(full.idNumber).toMatch(/^420102\d{11}[\dX]$/);
    expect(full.phone).toBe('13900000000');
    const row = await t.ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.reveal')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      username: 'subject.analyst',
      target_type: 'person',
      target_id: String(fixture.personId),
      reason: '联系受害人',
    });
  });
});
