/**
 * A stop-payment lasts 48 hours. When nothing else happens in a case — no answer, no report, no
 * analyst — Levee must still renew it before it lapses: the disposal service wakes the case when
 * the hold enters its renewal window (engines/disposal/policy.ts `nextTimedAction`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/engines/disposal/policy.js';
import { eventually } from '../gateway/_gateway-harness.js';
import { HOUR, type HeldCase, openHeldCase } from '../helpers/held-case.js';

describe('stop-payments are renewed on time in a case where nothing happens', () => {
  let c: HeldCase;
  let stopWatching: (() => void) | undefined;
  const renewals = async () => (await c.requests()).filter((r) => r.type === 'stop-payment-renewal');

  beforeAll(async () => {
    c = await openHeldCase();
  });
  afterAll(async () => {
    stopWatching?.();
    await c?.t.close();
  });

  it('asks for no renewal while the hold has time left', async () => {
    expect(await renewals()).toEqual([]);
    c.advance((48 - DEFAULT_POLICY.renewStopHoursBefore - 1) * HOUR);
    expect(c.t.ctx.disposal.wakeTimedCases()).toBe(0);
    await c.t.ctx.disposal.idle();
    expect(await renewals()).toEqual([]);
  });

  it('renews it when its renewal window opens, with nothing but the clock moving', async () => {
    stopWatching = await c.t.ctx.disposal.watchDeadlines(20);
    c.advance(HOUR);
    const renewal = await eventually(async () => (await renewals())[0]);
    expect(renewal).toMatchObject({ renews_request_id: c.stopId, state: 'queued' });
    // once: the case is not woken again for the same window
    expect(c.t.ctx.disposal.wakeTimedCases()).toBe(0);
    await c.t.ctx.disposal.idle();
    expect(await renewals()).toHaveLength(1);
  });

  it('audits what the automation sent, with the policy’s reason', async () => {
    const rows = await c.t.ctx.store.db
      .selectFrom('audit_log')
      .select(['username', 'action', 'target_id', 'reason', 'detail'])
      .where('username', '=', 'automation')
      .orderBy('id')
      .execute();
    const byTarget = new Map(rows.map((r) => [r.target_id, r]));
    const stop = byTarget.get(c.stopId);
    expect(stop).toMatchObject({ action: 'disposal.stop-payment' });
    expect(JSON.parse(stop!.detail)).toMatchObject({
      caseId: c.caseId,
      institution: 'ICBC',
      policy: 'stop-payment',
    });
    const [renewal] = await renewals();
    expect(byTarget.get(renewal!.request_id)).toMatchObject({ action: 'disposal.stop-payment-renewal' });
    expect(byTarget.get(renewal!.request_id)!.reason).toMatch(/续止付/);
    // every request the automation queued has its row
    const automated = (await c.requests()).map((r) => r.request_id);
    expect(automated.every((id) => byTarget.has(id))).toBe(true);
    expect(await c.t.ctx.audit.verify(c.t.ctx.store.db)).toMatchObject({ ok: true });
  });
});
