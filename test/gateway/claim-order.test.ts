/** The outbox hands out stop-payments before anything else that is due, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/repositories/gateway.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import { gatewayRequestRow } from './_gateway-harness.js';

describe.each(DATABASES)('outbox claim order on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  it('claims a due stop-payment before older queries, then the rest oldest first', async () => {
    const now = new Date();
    const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
    const queue = async (
      requestId: string,
      type: string,
      dueSecondsAgo: number,
      lease?: { leaseEndedSecondsAgo: number },
    ) =>
      t.ctx.store.db
        .insertInto('gateway_request')
        .values(
          gatewayRequestRow(requestId, at(dueSecondsAgo), {
            type,
            amount: type === 'stop-payment' ? 100 : null,
            state: lease ? 'sent' : 'queued',
            lease_owner: lease ? 'a-dead-process' : null,
            lease_until: lease ? at(lease.leaseEndedSecondsAgo) : null,
          }),
        )
        .execute();
    await queue('LV-Q1', 'transaction-query', 30);
    await queue('LV-Q2', 'holder-query', 20);
    await queue('LV-S1', 'stop-payment', 5);
    await queue('LV-LATER', 'stop-payment', -60); // not due yet
    // Sent by a process that died: due again once its lease ran out, in its place in the order.
    await queue('LV-LEASED', 'holder-query', 25, { leaseEndedSecondsAgo: 1 });
    await queue('LV-LEASED-S', 'stop-payment', 50, { leaseEndedSecondsAgo: 1 });
    await queue('LV-HELD', 'stop-payment', 60, { leaseEndedSecondsAgo: -30 }); // lease still running
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
    expect(await claim()).toEqual(['LV-LEASED-S']);
    expect(await claim()).toEqual(['LV-S1']);
    expect(await claim()).toEqual(['LV-Q1']);
    expect(await claim()).toEqual(['LV-LEASED']);
    expect(await claim()).toEqual(['LV-Q2']);
    expect(await claim()).toEqual([]);
    const row = await t.ctx.store.db
      .selectFrom('gateway_request')
      .select(['state', 'lease_owner'])
      .where('request_id', '=', 'LV-LEASED')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sent', lease_owner: 'test' });
  });

  it('claims several at once in the same order', async () => {
    const now = new Date(Date.now() + 120_000); // everything above is due again by then (leases of 30 s)
    const rows = await claimDue(
      t.ctx.store.db,
      t.ctx.store.capabilities,
      'test-2',
      now.toISOString(),
      new Date(now.getTime() + 30_000).toISOString(),
      10,
    );
    expect(rows.map((r) => r.request_id)).toEqual([
      'LV-HELD',
      'LV-LEASED-S',
      'LV-S1',
      'LV-LATER',
      'LV-Q1',
      'LV-LEASED',
      'LV-Q2',
    ]);
  });

  it('leaves requests whose lease ran out when told to, and takes them when not', async () => {
    const now = new Date(Date.now() + 240_000); // the leases of the test above ran out by then
    await t.ctx.store.db
      .insertInto('gateway_request')
      .values(gatewayRequestRow('LV-NEW', new Date(now.getTime() - 1_000).toISOString()))
      .execute();
    const claim = async (expired: boolean) =>
      (
        await claimDue(
          t.ctx.store.db,
          t.ctx.store.capabilities,
          'test-3',
          now.toISOString(),
          new Date(now.getTime() + 30_000).toISOString(),
          10,
          { expired },
        )
      ).map((r) => r.request_id);
    expect(await claim(false)).toEqual(['LV-NEW']);
    expect(await claim(false)).toEqual([]);
    expect(await claim(true)).toHaveLength(7);
  });
});
