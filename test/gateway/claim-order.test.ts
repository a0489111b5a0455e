/** The outbox hands out stop-payments before anything else that is due, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/repositories/gateway.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

describe.each(DATABASES)('outbox claim order on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  it('claims a due stop-payment before older queries, then the rest oldest first', async () => {
    const now = new Date();
    const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
    const queue = async (requestId: string, type: string, dueSecondsAgo: number) =>
      t.ctx.store.db
        .insertInto('gateway_request')
        .values({
          request_id: requestId,
          case_id: null,
          institution_code: 'ICBC',
          type,
          account: '6222000011112222',
          amount: type === 'stop-payment' ? 100 : null,
          body: '{}',
          reason: 'test',
          created_by: 'test',
          state: 'queued',
          attempts: 0,
          next_attempt_at: at(dueSecondsAgo),
          lease_owner: null,
          lease_until: null,
          last_error: null,
          result: null,
          feedback: null,
          held_amount: null,
          deadline_at: null,
          renews_request_id: null,
          created_at: at(dueSecondsAgo),
          sent_at: null,
          acked_at: null,
          executed_at: null,
          updated_at: at(dueSecondsAgo),
        })
        .execute();
    await queue('LV-Q1', 'transaction-query', 30);
    await queue('LV-Q2', 'holder-query', 20);
    await queue('LV-S1', 'stop-payment', 5);
    await queue('LV-LATER', 'stop-payment', -60); // not due yet
    const claim = async () =>
      (
        await claimDue(
          t.ctx.store.db,
          t.ctx.store.capabilities,
          'test',
          now.toISOString(),
          new Date(now.getTime() + 30_000).toISOString(),
          1,
        )
      ).map((r) => r.request_id);
    expect(await claim()).toEqual(['LV-S1']);
    expect(await claim()).toEqual(['LV-Q1']);
    expect(await claim()).toEqual(['LV-Q2']);
    expect(await claim()).toEqual([]);
  });
});
