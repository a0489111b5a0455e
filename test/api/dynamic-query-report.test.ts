/**
 * A standing dynamic query reports new movements on a held account. When a report shows the
 * money leaving, Levee must treat it like a detail answer: the transfer enters the case ledger, the
 * timeline says what came, and the receiving account is chased at once (stop-payment, detail query).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Movement } from '../../src/institution-protocol/schemas.js';
import { AMOUNT, type HeldCase, HOUR, MULE_NUMBER, openHeldCase } from '../helpers/held-case.js';

const NEXT = '6217000000000009999';

describe('a dynamic-query report moves the case on', () => {
  let c: HeldCase;
  let subscriptionId: string;

  beforeAll(async () => {
    c = await openHeldCase();
    // The detail answer: the victim's money came in and is still there.
    const detail = (await c.requests()).find((r) => r.type === 'transaction-query');
    expect(detail).toBeDefined();
    await c.answer({
      type: 'transaction-query',
      institution: 'ICBC',
      requestId: detail!.request_id,
      body: {
        accountNumber: MULE_NUMBER,
        name: '骡子',
        from: new Date(c.now() - 3 * HOUR).toISOString(),
        to: new Date(c.now()).toISOString(),
        transfers: [],
        balance: AMOUNT,
      },
    });
    // The chase is over: after a while the held account gets its standing query.
    c.advance(10 * 60_000);
    c.t.ctx.disposal.schedule(c.caseId);
    await c.t.ctx.disposal.idle();
    const subscription = (await c.requests()).find((r) => r.type === 'subscription');
    expect(subscription, 'a dynamic query on the held account').toBeDefined();
    subscriptionId = subscription!.request_id;
  });
  afterAll(async () => {
    await c?.t.close();
  });

  it('records the reported transfer, says so on the timeline and chases the receiving account', async () => {
    const out: Movement = {
      transferId: 'ICBC-T-1',
      time: new Date(c.now() - 60_000).toISOString(),
      direction: 'out',
      amount: 30_000_00,
      counterparty: { institution: 'CCB', institutionName: '建设银行', accountNumber: NEXT, name: '下家' },
      channel: 'mobile',
      balanceAfter: AMOUNT - 30_000_00,
      remark: '',
    };
    await c.answer({
      type: 'subscription-report',
      institution: 'ICBC',
      requestId: subscriptionId,
      body: {
        subscriptionRequestId: subscriptionId,
        accountNumber: MULE_NUMBER,
        reportNumber: 1,
        transfers: [out],
        balance: AMOUNT - 30_000_00,
        availableBalance: 0,
      },
    });
    const db = c.t.ctx.store.db;
    const ledger = await db
      .selectFrom('case_transfer')
      .selectAll()
      .where('case_id', '=', c.caseId)
      .where('to_key', '=', `CCB/${NEXT}`)
      .execute();
    expect(ledger).toHaveLength(1);
    expect(Number(ledger[0]!.amount)).toBe(30_000_00);
    const events = await db
      .selectFrom('case_event')
      .select(['kind', 'summary'])
      .where('case_id', '=', c.caseId)
      .where('kind', '=', 'answer.subscription-report')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.summary).toMatch(/动态报告第1次.*1 笔交易，新增 1 笔/);
    const chased = (await c.requests())
      .filter((r) => r.account === NEXT)
      .map((r) => `${r.institution_code} ${r.type}`);
    expect(chased).toEqual(expect.arrayContaining(['CCB stop-payment', 'CCB transaction-query']));
    const account = await db
      .selectFrom('case_account')
      .select(['balance'])
      .where('case_id', '=', c.caseId)
      .where('account', '=', MULE_NUMBER)
      .executeTakeFirstOrThrow();
    expect(Number(account.balance)).toBe(AMOUNT - 30_000_00);
  });
});
