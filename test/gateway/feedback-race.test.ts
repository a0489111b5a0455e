/**
 * Two answers to one request stored by two processes at once (two feedback transactions): the
 * first becomes the request's answer, the second keeps its own text. On PostgreSQL the feedback
 * transaction reads its requests locked; read unlocked, both took the request for unanswered and
 * the second answer overwrote the first one's text, which its feedback row does not keep.
 * SQLite runs one writer at a time: the race is PostgreSQL's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { createContext, type LeveeContext } from '../../src/context.js';
import type { Feedback } from '../../src/institution-protocol/schemas.js';
import { findFeedbackOf } from '../../src/repositories/gateway.repository.js';
import { hasPostgres } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import { gatewayRequestRow, sleep } from './_gateway-harness.js';

describe.skipIf(!hasPostgres)('two feedback transactions answering one request on postgres', () => {
  let t: TestApp;
  let other: LeveeContext;
  beforeAll(async () => {
    t = await createTestApp({ database: 'postgres', demo: false });
    other = await createContext(
      loadConfig({
        LEVEE_DATABASE_URL: t.ctx.config.databaseUrl,
        LEVEE_DATA_DIR: mkdtempSync(join(tmpdir(), 'levee-data-')),
        LEVEE_LOG_LEVEL: 'silent',
        LEVEE_DEMO: 'false',
      }),
    );
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('makes one of them the answer and keeps the text of both', async () => {
    const now = new Date().toISOString();
    await t.ctx.store.db
      .insertInto('gateway_request')
      .values(
        gatewayRequestRow('LV-RACE-1', now, {
          state: 'acknowledged',
          attempts: 1,
          sent_at: now,
          acked_at: now,
        }),
      )
      .execute();
    const answer = (n: number): Feedback =>
      ({
        feedbackId: `FB-RACE-${n}`,
        seq: n,
        institution: 'ICBC',
        requestId: 'LV-RACE-1',
        type: 'holder-query',
        result: 'executed',
        answeredAt: now,
        body: { n },
      }) as unknown as Feedback;
    // A third connection holds the row, so that both transactions have read it before either writes.
    const locker = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`select id from gateway_request where request_id = 'LV-RACE-1' for update`);
      const stored = Promise.all([
        t.ctx.gateway.applyFeedback(answer(1), 'callback'),
        other.gateway.applyFeedback(answer(2), 'callback'),
      ]);
      await sleep(300);
      await locker.query('commit');
      expect(await stored).toEqual(['applied', 'applied']);
    } finally {
      await locker.end();
    }
    const evidence = (await findFeedbackOf(t.ctx.store.db, 'LV-RACE-1')).map((f) => JSON.parse(f.body!).body);
    expect(evidence.sort((a, b) => a.n - b.n)).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
