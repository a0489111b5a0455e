/**
 * A case whose mule account the bank has stopped, with Levee on a clock the test moves and no
 * gateway running (requests stay queued; the test answers them itself through applyFeedback, as a
 * callback would). The payment is above the automatic freeze limit, so the freeze waits for an
 * analyst and the stop-payment is what holds the money.
 */
import type { Clock } from '../../src/core/clock.js';
import { DEFAULT_POLICY } from '../../src/engines/disposal/policy.js';
import type { Feedback } from '../../src/institution-protocol/schemas.js';
import { buildInstitutions } from '../../src/sim/institutions.js';
import { simKeysFile } from '../../src/sim/keys.js';
import { createTestApp, type TestApp } from './server.js';
import { victimReport } from './small-case.js';

export const HOUR = 3_600_000;
export const MULE_NUMBER = '6222020000000000001';
export const PAID_AT = Date.parse('2026-11-20T10:00:00+08:00');
export const AMOUNT = DEFAULT_POLICY.autoFreezeMax + 100_000_00;

export interface HeldCase {
  t: TestApp;
  caseId: number;
  stopId: string;
  /** moves Levee's clock */
  advance(ms: number): void;
  now(): number;
  requests(): Promise<
    {
      request_id: string;
      type: string;
      state: string;
      renews_request_id: string | null;
      account: string | null;
      institution_code: string;
    }[]
  >;
  /** answers a request as the institution would, by callback */
  answer(feedback: Omit<Feedback, 'feedbackId' | 'seq' | 'answeredAt' | 'result'>): Promise<void>;
}

export async function openHeldCase(): Promise<HeldCase> {
  let now = PAID_AT + HOUR;
  let seq = 0;
  const clock: Clock = { now: () => new Date(now) };
  const t = await createTestApp({ clock });
  // Institutions known to the gateway; nothing listens at their address (no request is sent).
  const institutions = buildInstitutions(4, 1);
  await t.ctx.gateway.importKeys(
    simKeysFile({ seed: 3, institutions, baseUrl: 'http://127.0.0.1:9' }),
    'test',
  );
  const duty = await t.login('duty');
  const created = await duty.request(
    'POST',
    '/api/cases',
    victimReport('42010219800101001', '张三', MULE_NUMBER, AMOUNT, new Date(PAID_AT).toISOString()),
  );
  if (created.statusCode !== 201) throw new Error(`intake: ${created.body}`);
  const caseId = (created.json().case as { id: number }).id;
  await t.ctx.disposal.idle();
  const requests = () =>
    t.ctx.store.db
      .selectFrom('gateway_request')
      .select(['request_id', 'type', 'state', 'renews_request_id', 'account', 'institution_code'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
  const answer: HeldCase['answer'] = async (feedback) => {
    seq++;
    await t.ctx.gateway.applyFeedback(
      {
        ...feedback,
        feedbackId: `F-${seq}`,
        seq,
        result: 'executed',
        answeredAt: new Date(now).toISOString(),
      } as Feedback,
      'callback',
    );
    await t.ctx.disposal.idle();
  };
  const stop = (await requests()).find((r) => r.type === 'stop-payment');
  if (!stop) throw new Error('no stop-payment was queued for the mule account');
  const startsAt = new Date(now).toISOString();
  await answer({
    type: 'stop-payment',
    institution: 'ICBC',
    requestId: stop.request_id,
    body: {
      kind: 'stop-payment',
      holdRequestId: stop.request_id,
      accountNumber: MULE_NUMBER,
      requestedAmount: AMOUNT,
      heldAmount: AMOUNT,
      balance: AMOUNT,
      availableBalance: 0,
      startsAt,
      expiresAt: new Date(now + 48 * HOUR).toISOString(),
      renewalsUsed: 0,
      renewalsLeft: 2,
      priorHolds: [],
    },
  });
  return {
    t,
    caseId,
    stopId: stop.request_id,
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
    requests,
    answer,
  };
}
