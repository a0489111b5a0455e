/**
 * A stop-payment lasts 48 hours. When nothing else happens in a case — no answer, no report, no
 * analyst — Levee must still renew it before it lapses: the disposal service wakes the case when
 * the hold enters its renewal window (engines/disposal/policy.ts `nextTimedAction`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { DEFAULT_POLICY } from '../../src/engines/disposal/policy.js';
import { buildInstitutions } from '../../src/sim/institutions.js';
import { simKeysFile } from '../../src/sim/keys.js';
import { eventually } from '../gateway/_gateway-harness.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import { victimReport } from '../helpers/small-case.js';

const HOUR = 3_600_000;
const PAID_AT = Date.parse('2026-11-20T10:00:00+08:00');

describe('stop-payments are renewed on time in a case where nothing happens', () => {
  let t: TestApp;
  let now = PAID_AT + HOUR;
  const clock: Clock = { now: () => new Date(now) };
  let caseId: number;
  let stopId: string;
  let stopWatching: (() => void) | undefined;

  const requestsOfCase = () =>
    t.ctx.store.db
      .selectFrom('gateway_request')
      .select(['request_id', 'type', 'state', 'renews_request_id', 'account', 'amount'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    // Institutions known to the gateway; nothing listens at their address (no request is sent).
    const institutions = buildInstitutions(4, 1);
    await t.ctx.gateway.importKeys(
      simKeysFile({ seed: 3, institutions, baseUrl: 'http://127.0.0.1:9' }),
      'test',
    );
    const duty = await t.login('duty');
    // Above the automatic freeze limit: the freeze waits for an analyst, the stop-payment must hold.
    const amount = DEFAULT_POLICY.autoFreezeMax + 100_000_00;
    const created = await duty.request(
      'POST',
      '/api/cases',
      victimReport(
        '42010219800101001',
        '张三',
        '6222020000000000001',
        amount,
        new Date(PAID_AT).toISOString(),
      ),
    );
    expect(created.statusCode).toBe(201);
    caseId = (created.json().case as { id: number }).id;
    await t.ctx.disposal.idle();
    const stop = (await requestsOfCase()).find((r) => r.type === 'stop-payment');
    expect(stop).toBeDefined();
    stopId = stop!.request_id;
    // The bank stops the whole amount for 48 hours.
    const answeredAt = new Date(now).toISOString();
    await t.ctx.gateway.applyFeedback(
      {
        type: 'stop-payment',
        feedbackId: `F-${stopId}`,
        seq: 1,
        institution: 'ICBC',
        requestId: stopId,
        result: 'executed',
        answeredAt,
        body: {
          kind: 'stop-payment',
          holdRequestId: stopId,
          accountNumber: '6222020000000000001',
          requestedAmount: amount,
          heldAmount: amount,
          balance: amount,
          availableBalance: 0,
          startsAt: answeredAt,
          expiresAt: new Date(now + 48 * HOUR).toISOString(),
          renewalsUsed: 0,
          renewalsLeft: 2,
          priorHolds: [],
        },
      },
      'callback',
    );
    await t.ctx.disposal.idle();
  });
  afterAll(async () => {
    stopWatching?.();
    await t?.close();
  });

  it('asks for no renewal while the hold has time left', async () => {
    expect((await requestsOfCase()).filter((r) => r.type === 'stop-payment-renewal')).toEqual([]);
    now += (48 - DEFAULT_POLICY.renewStopHoursBefore - 1) * HOUR;
    expect(t.ctx.disposal.wakeTimedCases()).toBe(0);
    await t.ctx.disposal.idle();
    expect((await requestsOfCase()).filter((r) => r.type === 'stop-payment-renewal')).toEqual([]);
  });

  it('renews it when its renewal window opens, with nothing but the clock moving', async () => {
    stopWatching = await t.ctx.disposal.watchDeadlines(20);
    now += HOUR;
    const renewal = await eventually(async () =>
      (await requestsOfCase()).find((r) => r.type === 'stop-payment-renewal'),
    );
    expect(renewal).toMatchObject({ renews_request_id: stopId, state: 'queued' });
    // once: the case is not woken again for the same window
    expect(t.ctx.disposal.wakeTimedCases()).toBe(0);
    await t.ctx.disposal.idle();
    expect((await requestsOfCase()).filter((r) => r.type === 'stop-payment-renewal')).toHaveLength(1);
  });
});
