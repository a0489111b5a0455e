/** `enqueueMany` writes a batch as `enqueue` writes its requests one by one, or writes none of it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { LeveeError } from '../../src/core/errors.js';
import type { EnqueueInput } from '../../src/gateway/gateway.service.js';
import { buildInstitutions } from '../../src/sim/institutions.js';
import { simKeysFile } from '../../src/sim/keys.js';
import type { GatewayRequestRow } from '../../src/storage/schema.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import { victimReport } from '../helpers/small-case.js';

const NOW = Date.parse('2026-11-20T12:00:00+08:00');

describe.each(DATABASES)('enqueueMany on %s', (database) => {
  let t: TestApp;
  let caseId: number;
  let codes: string[];
  beforeAll(async () => {
    const clock: Clock = { now: () => new Date(NOW) };
    t = await createTestApp({ database, clock });
    // Institutions known to the gateway; nothing listens at their address (no request is sent).
    const institutions = buildInstitutions(4, 1);
    codes = institutions.map((i) => i.code);
    await t.ctx.gateway.importKeys(
      simKeysFile({ seed: 5, institutions, baseUrl: 'http://127.0.0.1:9' }),
      'test',
    );
    const duty = await t.login('duty');
    const created = await duty.request(
      'POST',
      '/api/cases',
      victimReport(
        '42010219800101001',
        '张三',
        '6222020000000000001',
        500_00,
        new Date(NOW - 3_600_000).toISOString(),
      ),
    );
    expect(created.statusCode).toBe(201);
    caseId = created.json().case.id;
    await t.ctx.disposal.idle();
  });
  afterAll(async () => t?.close());

  const inputs = (by: string): EnqueueInput[] =>
    Array.from({ length: 7 }, (_, i) => ({
      caseId: i % 3 === 0 ? null : caseId,
      institution: codes[i % codes.length]!,
      draft:
        i % 2
          ? { type: 'holder-query', account: { number: `62220200000000000${10 + i}` } }
          : {
              type: 'stop-payment',
              account: { number: `62220200000000000${10 + i}`, name: '某' },
              amount: (i + 1) * 100,
            },
      reason: `reason ${i}`,
      createdBy: by,
    }));

  const rowsBy = (by: string) =>
    t.ctx.store.db
      .selectFrom('gateway_request')
      .selectAll()
      .where('created_by', '=', by)
      .orderBy('id')
      .execute();

  /** A row without what differs between two enqueues of the same input (ids, and the id inside the body). */
  const comparable = (row: GatewayRequestRow) => {
    const { id: _id, request_id, created_by: _by, body, ...rest } = row;
    const parsed = JSON.parse(body);
    expect(parsed.requestId).toBe(request_id);
    expect(parsed.document.number.endsWith(`-${request_id.slice(-8).toUpperCase()}`)).toBe(true);
    const { requestId: _r, document, ...fields } = parsed;
    return { ...rest, body: { ...fields, document: document.number.slice(0, -9) } };
  };

  it('returns ids and request ids in input order and writes the rows enqueue writes one by one', async () => {
    const many = await t.ctx.store.db
      .transaction()
      .execute((trx) => t.ctx.gateway.enqueueMany(trx, inputs('many')));
    const single = await t.ctx.store.db.transaction().execute(async (trx) => {
      const out = [];
      for (const input of inputs('single')) out.push(await t.ctx.gateway.enqueue(trx, input));
      return out;
    });
    const manyRows = await rowsBy('many');
    expect(manyRows).toHaveLength(7);
    expect(many.map((r) => r.id)).toEqual(manyRows.map((r) => r.id));
    expect(many.map((r) => r.requestId)).toEqual(manyRows.map((r) => r.request_id));
    // Input order is visible in the rows themselves: their reasons count up.
    expect(manyRows.map((r) => r.reason)).toEqual(inputs('x').map((i) => i.reason));
    const singleRows = await rowsBy('single');
    expect(single.map((r) => r.requestId)).toEqual(singleRows.map((r) => r.request_id));
    expect(manyRows.map(comparable)).toEqual(singleRows.map(comparable));
    // The body names the case and the centre as enqueue does.
    const withCase = JSON.parse(manyRows[1]!.body);
    expect(withCase.caseNumber).not.toBe('LEVEE-ADHOC');
    expect(JSON.parse(manyRows[0]!.body).caseNumber).toBe('LEVEE-ADHOC');
  });

  it('splits a batch larger than one statement takes and keeps the order', async () => {
    const batch = Array.from({ length: 230 }, (_, i) => ({ ...inputs('big')[i % 7]!, reason: `big ${i}` }));
    const out = await t.ctx.store.db.transaction().execute((trx) => t.ctx.gateway.enqueueMany(trx, batch));
    const rows = await rowsBy('big');
    expect(rows.map((r) => r.reason)).toEqual(batch.map((b) => b.reason));
    expect(out.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(out.map((r) => r.requestId)).toEqual(rows.map((r) => r.request_id));
  });

  const refusal = async (batch: EnqueueInput[]) => {
    try {
      await t.ctx.store.db.transaction().execute((trx) => t.ctx.gateway.enqueueMany(trx, batch));
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses the whole batch when one request in the middle is bad, naming it', async () => {
    const batch = inputs('bad-middle');
    batch[3] = {
      ...batch[3]!,
      draft: { type: 'stop-payment', account: { number: '6222020000000000013', name: '某' }, amount: -5 },
    };
    const error = await refusal(batch);
    expect(error).toBeInstanceOf(LeveeError);
    const e = error as LeveeError;
    expect(e.code).toBe('LEVEE_VALIDATION');
    expect(e.message).toContain(`request 3 of 7 (${batch[3]!.institution})`);
    expect(e.extra).toEqual({ index: 3, institution: batch[3]!.institution });
    expect(await rowsBy('bad-middle')).toEqual([]);
  });

  it('refuses a batch addressing an unknown institution, and a case that does not exist', async () => {
    const unknown = inputs('unknown');
    unknown[5] = { ...unknown[5]!, institution: 'NO-SUCH-BANK' };
    const e1 = (await refusal(unknown)) as LeveeError;
    expect(e1).toBeInstanceOf(LeveeError);
    expect(e1.message).toContain('request 5 of 7 (NO-SUCH-BANK)');
    const noCase = inputs('unknown');
    noCase[2] = { ...noCase[2]!, caseId: 999_999 };
    const e2 = (await refusal(noCase)) as LeveeError;
    expect(e2).toBeInstanceOf(LeveeError);
    expect(e2.message).toContain(`request 2 of 7 (${noCase[2]!.institution}): no case 999999`);
    expect(await rowsBy('unknown')).toEqual([]);
  });

  it('refuses an unknown institution alone with the message enqueue always gave', async () => {
    const e = (await refusal([{ ...inputs('alone')[0]!, institution: 'NO-SUCH-BANK' }])) as LeveeError;
    expect(e).toBeInstanceOf(LeveeError);
    expect(e.message).toMatch(/^stop-payment to NO-SUCH-BANK: /);
    expect(e.extra).toBeUndefined();
    expect(await rowsBy('alone')).toEqual([]);
  });
});
