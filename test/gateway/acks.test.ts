/**
 * Acknowledgements stored together (`updateAcked`): each row gets its own attempt count and
 * times, only while its dispatcher still holds the lease and no answer came first — an ack held
 * back until after the answer must not turn an executed request back into an acknowledged one.
 * Answers stored together (`updateAnswered`): each row gets every one of its own values, in its
 * own column, and rows not named stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnsweredChanges,
  updateAcked,
  updateAnswered,
} from '../../src/repositories/gateway.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import type { GatewayState } from '../../src/storage/schema.js';
import { gatewayRequestRow } from './_gateway-harness.js';

describe.each(DATABASES)('acknowledgements on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  it('stores each leased row its own values and leaves answered, released and foreign rows alone', async () => {
    const due = new Date(Date.now() - 60_000).toISOString();
    const leaseUntil = new Date(Date.now() + 60_000).toISOString();
    const row = (requestId: string, state: GatewayState, owner: string | null, extra = {}) =>
      gatewayRequestRow(requestId, due, {
        state,
        lease_owner: owner,
        lease_until: owner ? leaseUntil : null,
        ...extra,
      });
    const inserted = await t.ctx.store.db
      .insertInto('gateway_request')
      .values([
        row('LV-ACK-1', 'sent', 'me'),
        row('LV-ACK-2', 'sent', 'me', { attempts: 2, sent_at: '2026-11-27T01:00:00.000Z' }),
        // Its answer came first: executed. (An answer also clears the lease; kept here so that
        // the state alone must keep the ack from writing.)
        row('LV-ACK-3', 'executed', 'me', { result: 'executed', executed_at: '2026-11-27T01:00:05.000Z' }),
        // Leased by another dispatcher meanwhile (this one's lease ran out).
        row('LV-ACK-4', 'sent', 'someone-else'),
      ])
      .returning(['id', 'request_id'])
      .execute();
    const id = (requestId: string) => Number(inserted.find((r) => r.request_id === requestId)!.id);
    const changed = await updateAcked(t.ctx.store.db, t.ctx.store.capabilities, 'me', [
      {
        id: id('LV-ACK-1'),
        attempts: 1,
        sent_at: '2026-11-27T02:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.010Z',
      },
      {
        id: id('LV-ACK-2'),
        attempts: 3,
        sent_at: '2026-11-27T01:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.020Z',
      },
      {
        id: id('LV-ACK-3'),
        attempts: 1,
        sent_at: '2026-11-27T02:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.030Z',
      },
      {
        id: id('LV-ACK-4'),
        attempts: 1,
        sent_at: '2026-11-27T02:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.040Z',
      },
    ]);
    expect(changed).toBe(2);
    const rows = await t.ctx.store.db
      .selectFrom('gateway_request')
      .select([
        'request_id',
        'state',
        'attempts',
        'sent_at',
        'acked_at',
        'lease_owner',
        'lease_until',
        'updated_at',
      ])
      .where('request_id', 'like', 'LV-ACK-%')
      .orderBy('request_id')
      .execute();
    expect(rows).toEqual([
      {
        request_id: 'LV-ACK-1',
        state: 'acknowledged',
        attempts: 1,
        sent_at: '2026-11-27T02:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.010Z',
        lease_owner: null,
        lease_until: null,
        updated_at: '2026-11-27T02:00:00.010Z',
      },
      {
        request_id: 'LV-ACK-2',
        state: 'acknowledged',
        attempts: 3,
        sent_at: '2026-11-27T01:00:00.000Z',
        acked_at: '2026-11-27T02:00:00.020Z',
        lease_owner: null,
        lease_until: null,
        updated_at: '2026-11-27T02:00:00.020Z',
      },
      expect.objectContaining({ request_id: 'LV-ACK-3', state: 'executed', acked_at: null }),
      expect.objectContaining({ request_id: 'LV-ACK-4', state: 'sent', lease_owner: 'someone-else' }),
    ]);
  });

  it('stores each answered row its own values, column by column, and leaves other rows alone', async () => {
    const due = new Date(Date.now() - 60_000).toISOString();
    const inserted = await t.ctx.store.db
      .insertInto('gateway_request')
      .values(
        ['LV-ANS-1', 'LV-ANS-2', 'LV-ANS-3'].map((requestId) =>
          gatewayRequestRow(requestId, due, { state: 'acknowledged', lease_owner: 'me' }),
        ),
      )
      .returning(['id', 'request_id'])
      .execute();
    const id = (requestId: string) => Number(inserted.find((r) => r.request_id === requestId)!.id);
    // Every value distinct, so a value written to another column or another row shows.
    const answer = (n: number, state: GatewayState): AnsweredChanges => ({
      state,
      result: state === 'executed' ? 'executed' : 'failed',
      feedback: `{"n":${n}}`,
      held_amount: n === 1 ? 12_345 : null,
      deadline_at: `2026-11-29T0${n}:00:00.000Z`,
      last_error: n === 2 ? 'account closed' : null,
      executed_at: `2026-11-27T0${n}:00:01.000Z`,
      acked_at: `2026-11-27T0${n}:00:02.000Z`,
      lease_owner: null,
      lease_until: null,
      updated_at: `2026-11-27T0${n}:00:03.000Z`,
    });
    await updateAnswered(t.ctx.store.db, t.ctx.store.capabilities, [
      { id: id('LV-ANS-1'), changes: answer(1, 'executed') },
      { id: id('LV-ANS-2'), changes: answer(2, 'failed') },
    ]);
    const rows = await t.ctx.store.db
      .selectFrom('gateway_request')
      .select([
        'request_id',
        'state',
        'result',
        'feedback',
        'held_amount',
        'deadline_at',
        'last_error',
        'executed_at',
        'acked_at',
        'lease_owner',
        'lease_until',
        'updated_at',
      ])
      .where('request_id', 'like', 'LV-ANS-%')
      .orderBy('request_id')
      .execute();
    expect(rows).toEqual([
      { request_id: 'LV-ANS-1', ...answer(1, 'executed') },
      { request_id: 'LV-ANS-2', ...answer(2, 'failed') },
      expect.objectContaining({
        request_id: 'LV-ANS-3',
        state: 'acknowledged',
        lease_owner: 'me',
        result: null,
      }),
    ]);
  });
});
