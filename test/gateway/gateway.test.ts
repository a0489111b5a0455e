/** The gateway against the simulated institutions: exactly once, bad input refused before queueing, forged callbacks refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feedback } from '../../src/institution-protocol/schemas.js';
import { findFeedbackOf } from '../../src/repositories/gateway.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';
import {
  eventually,
  type GatewayHarness,
  gatewayRequestRow,
  simAccount,
  startGatewayHarness,
} from './_gateway-harness.js';

describe('gateway with a clean institution network', () => {
  let h: GatewayHarness;
  let duty: Session;
  let caseId: number;
  beforeAll(async () => {
    h = await startGatewayHarness();
    duty = await h.t.login('duty');
    const intake = await duty.request('POST', '/api/cases', {
      scamType: 'investment',
      narrative: '',
      victim: { name: '测试', idNumber: '11010519491231002X', phone: '13800138000', address: '', unitId: 1 },
      payments: [
        {
          time: '2026-11-01T10:00:00+08:00',
          amount: 1000_00,
          channel: 'bank-transfer',
          institution: 'ICBC',
          account: '6222020000000000001',
          accountName: '某',
        },
      ],
    });
    caseId = intake.json().case.id;
  });
  afterAll(async () => h?.close());

  /**
   * Requests people asked for. The case's own automation (started by the intake) keeps chasing the
   * money — its standing dynamic queries report for as long as the test runs — so its requests are
   * left out of the count.
   */
  const count = async () =>
    Number(
      (
        await h.t.ctx.store.db
          .selectFrom('gateway_request')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('created_by', '!=', 'automation')
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('sends a stop-payment, the institution executes it once, the feedback comes back by callback', async () => {
    const mule = simAccount(h.sim, 0, 0);
    const created = await duty.request('POST', '/api/gateway/requests', {
      caseId,
      institution: mule.institution,
      reason: '紧急止付',
      request: { type: 'stop-payment', account: { number: mule.number, name: mule.name }, amount: 500_00 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, requestId } = created.json();
    const done = await eventually(async () => {
      const r = (await duty.request('GET', `/api/gateway/requests/${id}`)).json();
      return r.state === 'executed' || r.state === 'failed' ? r : undefined;
    });
    expect(done).toMatchObject({ state: 'executed', type: 'stop-payment', institution: mule.institution });
    expect(done.deadlineAt).not.toBeNull();
    expect(h.sim.simulator.executionCount(mule.institution, requestId)).toBe(1);
    const feedback = await h.t.ctx.store.db
      .selectFrom('gateway_feedback')
      .selectAll()
      .where('request_id', '=', requestId)
      .execute();
    expect(feedback.map((f) => f.via)).toEqual(['callback']);
    // The answer's text is stored once, in the request row; the feedback row points to it.
    const row = await h.t.ctx.store.db
      .selectFrom('gateway_request')
      .selectAll()
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(feedback[0]!.body).toBeNull();
    const answer = JSON.parse(row.feedback!) as Feedback;
    expect(answer).toMatchObject({ requestId, feedbackId: feedback[0]!.feedback_id, type: 'stop-payment' });

    // Another answer to a request already answered changes nothing and keeps its own text.
    const late: Feedback = {
      ...answer,
      feedbackId: `${answer.feedbackId}-late`,
      seq: answer.seq + 1_000_000,
    };
    expect(await h.t.ctx.gateway.applyFeedback(late, 'poll')).toBe('applied');
    expect(await h.t.ctx.gateway.applyFeedback(late, 'poll')).toBe('duplicate');
    const after = await h.t.ctx.store.db
      .selectFrom('gateway_request')
      .select('feedback')
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    expect(after.feedback).toBe(row.feedback);
    const evidence = await findFeedbackOf(h.t.ctx.store.db, requestId);
    expect(evidence.map((f) => [f.feedback_id, f.via, JSON.parse(f.body!)])).toEqual([
      [answer.feedbackId, 'callback', answer],
      [late.feedbackId, 'poll', late],
    ]);
  });

  it('refuses bad input before anything is queued, naming the field', async () => {
    const mule = simAccount(h.sim, 0, 1);
    const before = await count();
    const cases: [unknown, string, RegExp][] = [
      [
        {
          caseId,
          institution: 'NOBANK',
          reason: '测试',
          request: { type: 'holder-query', account: { number: mule.number } },
        },
        'institution',
        /unknown institution/,
      ],
      [
        {
          caseId,
          institution: mule.institution,
          reason: '测试',
          request: { type: 'holder-query', account: { number: '12AB' } },
        },
        'account.number',
        /number/,
      ],
      [
        {
          caseId,
          institution: mule.institution,
          reason: '测试',
          request: { type: 'stop-payment', account: { number: mule.number, name: mule.name }, amount: 0 },
        },
        'amount',
        /amount/,
      ],
      [
        {
          caseId,
          institution: mule.institution,
          reason: '测试',
          request: {
            type: 'transaction-query',
            account: { number: mule.number, name: mule.name },
            from: '2099-01-01T00:00:00Z',
            to: '2099-01-02T00:00:00Z',
          },
        },
        'from',
        /future/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const response = await duty.request('POST', '/api/gateway/requests', body);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().field).toBe(field);
      expect(response.json().detail).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it('refuses a forged callback and stores nothing', async () => {
    // Counted by the forged feedback's own ids: the case's chase may store real feedback meanwhile.
    const forged = async () =>
      Number(
        (
          await h.t.ctx.store.db
            .selectFrom('gateway_feedback')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where((eb) => eb.or([eb('feedback_id', '=', 'forged-1'), eb('request_id', '=', 'LV-forged')]))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const response = await fetch(`${h.url}/gateway/callbacks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-levee-key-id': 'ICBC',
        'x-levee-timestamp': String(Date.now()),
        'x-levee-nonce': 'abcdefgh12345678',
        'x-levee-signature': 'AAAA',
      },
      body: JSON.stringify({
        type: 'stop-payment',
        feedbackId: 'forged-1',
        seq: 1,
        institution: 'ICBC',
        requestId: 'LV-forged',
        result: 'executed',
        answeredAt: new Date().toISOString(),
      }),
    });
    expect(response.status).toBe(401);
    expect(await forged()).toBe(0);
  });

  it('shows a liaison only the requests addressed to its institution', async () => {
    const liaison = await h.t.login('liaison.icbc');
    const mine = (await liaison.request('GET', '/api/gateway/requests')).json().items;
    expect(mine.every((r: { institution: string }) => r.institution === 'ICBC')).toBe(true);
    const other = await liaison.request('GET', '/api/gateway/requests?institution=CCB');
    expect(other.json().code).toBe('LEVEE_OUT_OF_SCOPE');
  });
});

describe('gateway under injected faults', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({ faults: 'chaos' });
  });
  afterAll(async () => h?.close());

  it('gets every request executed exactly once at the institution despite 5xx, timeouts, lost acks and dropped or duplicated callbacks', async () => {
    const ids: { id: number; requestId: string; institution: string }[] = [];
    await h.t.ctx.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 30; i++) {
        const mule = simAccount(h.sim, i % 3, Math.floor(i / 3) % 2);
        const r = await h.t.ctx.gateway.enqueue(trx, {
          caseId: null,
          institution: mule.institution,
          draft:
            i % 2
              ? { type: 'holder-query', account: { number: mule.number } }
              : { type: 'freeze', account: { number: mule.number, name: mule.name }, amount: 1_00 },
          reason: 'chaos test',
          createdBy: 'test',
        });
        ids.push({ ...r, institution: mule.institution });
      }
    });
    h.t.ctx.gateway.kick(ids.map((r) => r.id));
    const settled = await eventually(
      async () => {
        const rows = await h.t.ctx.store.db
          .selectFrom('gateway_request')
          .select(['state'])
          .where(
            'id',
            'in',
            ids.map((r) => r.id),
          )
          .execute();
        return rows.every((r) => r.state === 'executed' || r.state === 'failed') ? rows : undefined;
      },
      1200,
      50,
    );
    expect(settled?.map((r) => r.state)).toEqual(ids.map(() => 'executed'));
    for (const r of ids) expect(h.sim.simulator.executionCount(r.institution, r.requestId)).toBe(1);
    expect(h.sim.simulator.stats().duplicateExecutions).toBe(0);
    const feedback = await h.t.ctx.store.db.selectFrom('gateway_feedback').select(['request_id']).execute();
    expect(new Set(feedback.map((f) => f.request_id)).size).toBe(feedback.length);
  });
});

describe.each(DATABASES)('feedback storage on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  const request = async (requestId: string, type: string) => {
    const now = new Date().toISOString();
    await t.ctx.store.db
      .insertInto('gateway_request')
      .values(
        gatewayRequestRow(requestId, now, {
          type,
          state: 'acknowledged',
          attempts: 1,
          sent_at: now,
          acked_at: now,
        }),
      )
      .execute();
  };
  let seq = 0;
  const answer = (requestId: string, type: string, body: unknown): Feedback =>
    ({
      feedbackId: `FB-${requestId}-${++seq}`,
      seq,
      institution: 'ICBC',
      requestId,
      type,
      result: 'executed',
      answeredAt: '2026-11-01T10:00:00.000+08:00',
      body,
    }) as Feedback;
  const stored = async (requestId: string) => ({
    request: (
      await t.ctx.store.db
        .selectFrom('gateway_request')
        .select('feedback')
        .where('request_id', '=', requestId)
        .executeTakeFirstOrThrow()
    ).feedback,
    bodies: (
      await t.ctx.store.db
        .selectFrom('gateway_feedback')
        .select('body')
        .where('request_id', '=', requestId)
        .orderBy('id')
        .execute()
    ).map((f) => f.body),
    evidence: (await findFeedbackOf(t.ctx.store.db, requestId)).map((f) => JSON.parse(f.body!)),
  });

  it("stores an answer's text once, in its request; other feedback keeps its own", async () => {
    await request('LV-ANSWERED-1', 'holder-query');
    const first = answer('LV-ANSWERED-1', 'holder-query', { n: 1 });
    const second = answer('LV-ANSWERED-1', 'holder-query', { n: 2 });
    expect(await t.ctx.gateway.applyFeedbackMany([first, first, second], 'callback')).toEqual([
      'applied',
      'duplicate',
      'applied',
    ]);
    const s = await stored('LV-ANSWERED-1');
    expect(JSON.parse(s.request!)).toEqual(first);
    expect(s.bodies).toEqual([null, JSON.stringify(second)]);
    expect(s.evidence).toEqual([first, second]);
  });

  it("keeps a standing query's answer and reports in their own rows (each report replaces the request's text)", async () => {
    await request('LV-STANDING-1', 'subscription');
    const accepted = answer('LV-STANDING-1', 'subscription', { reportsSent: 0 });
    const reports = [1, 2].map((n) => answer('LV-STANDING-1', 'subscription-report', { reportNumber: n }));
    for (const f of [accepted, ...reports])
      expect(await t.ctx.gateway.applyFeedback(f, 'callback')).toBe('applied');
    const s = await stored('LV-STANDING-1');
    expect(JSON.parse(s.request!)).toEqual(reports[1]);
    expect(s.bodies.map((b) => JSON.parse(b!))).toEqual([accepted, ...reports]);
    expect(s.evidence).toEqual([accepted, ...reports]);
  });
});
