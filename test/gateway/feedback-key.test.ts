/**
 * Feedback rows are unique by request and feedbackId (migration 0008): a resent feedback is
 * stored once, the same feedbackId for another request is another feedback, and the rows'
 * later changes (own text, deletion of a refused one) reach exactly the row they name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteFeedback,
  type FeedbackInsert,
  feedbackKey,
  insertFeedbackMany,
  setFeedbackBodies,
} from '../../src/repositories/gateway.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

describe.each(DATABASES)('feedback keys on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  const row = (requestId: string, feedbackId: string, seq: number): FeedbackInsert => ({
    feedback_id: feedbackId,
    request_id: requestId,
    institution_code: 'ICBC',
    seq,
    type: 'holder-query',
    result: 'executed',
    body: null,
    received_at: '2026-11-27T02:00:00.000Z',
    via: 'callback',
  });

  it('stores a resent feedback once and the same feedbackId for another request apart', async () => {
    const db = t.ctx.store.db;
    const first = await insertFeedbackMany(db, [
      row('LV-FK-1', 'ICBC-1', 1),
      row('LV-FK-1', 'ICBC-1', 1), // resent within the same callback batch
      row('LV-FK-2', 'ICBC-1', 2), // an institution reusing its id for another request
      row('LV-FK-2', 'ICBC-2', 3),
    ]);
    expect([...first].sort()).toEqual(
      [
        feedbackKey('LV-FK-1', 'ICBC-1'),
        feedbackKey('LV-FK-2', 'ICBC-1'),
        feedbackKey('LV-FK-2', 'ICBC-2'),
      ].sort(),
    );
    // Resent later: nothing new.
    expect(await insertFeedbackMany(db, [row('LV-FK-1', 'ICBC-1', 1)])).toEqual(new Set());

    await setFeedbackBodies(db, [{ request_id: 'LV-FK-2', feedback_id: 'ICBC-1', body: '{"own":true}' }]);
    await deleteFeedback(db, [{ request_id: 'LV-FK-2', feedback_id: 'ICBC-2' }]);
    const rows = await db
      .selectFrom('gateway_feedback')
      .select(['request_id', 'feedback_id', 'body'])
      .where('request_id', 'like', 'LV-FK-%')
      .orderBy('request_id')
      .orderBy('feedback_id')
      .execute();
    expect(rows).toEqual([
      { request_id: 'LV-FK-1', feedback_id: 'ICBC-1', body: null },
      { request_id: 'LV-FK-2', feedback_id: 'ICBC-1', body: '{"own":true}' },
    ]);
  });
});
