/** The case ledger: intake payments become levee.ledger/1 transfers; linked cases export together; the engine reads it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '../../src/engines/tracing/index.js';
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { addLedgerTransfers } from '../../src/services/case-ledger.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const validId = (first17: string) => first17 + residentIdCheckChar(first17);

describe.each(DATABASES)('case ledger on %s', (database) => {
  let t: TestApp;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp({ database });
    analyst = await t.login('analyst');
  });
  afterAll(async () => t?.close());

  const intake = async (idFirst17: string, name: string, account: string, amount: number, time: string) =>
    (
      await analyst.request('POST', '/api/cases', {
        scamType: 'investment',
        narrative: '',
        victim: { name, idNumber: validId(idFirst17), phone: '13800138000', address: '', unitId: 1 },
        payments: [
          { time, amount, channel: 'bank-transfer', institution: 'ICBC', account, accountName: '骡子甲' },
        ],
      })
    ).json();

  it('exports linked cases as one ledger the tracing engine accepts, with onward transfers added by detail answers', async () => {
    const a = await intake(
      '42010219800101001',
      '甲',
      '6222021111222233334',
      300_000_00,
      '2026-11-20T10:00:00+08:00',
    );
    const b = await intake(
      '42010219810101001',
      '乙',
      '6222021111222233334',
      100_000_00,
      '2026-11-20T10:30:00+08:00',
    );
    expect(b.linkedCases).toEqual([a.case.id]);

    // A detail answer from ICBC: the mule forwarded money to two level-2 accounts and an ATM.
    await t.ctx.store.db.transaction().execute((trx) =>
      addLedgerTransfers(
        trx,
        a.case.id,
        'detail-query',
        'R1',
        [
          {
            from: { institution: 'ICBC', account: '6222021111222233334', holder: '骡子甲' },
            to: { institution: 'CCB', account: '6217001111', holder: '骡子乙' },
            amount: 250_000_00,
            at: '2026-11-20T10:40:00+08:00',
          },
          {
            from: { institution: 'ICBC', account: '6222021111222233334', holder: '骡子甲' },
            to: { institution: 'ICBC', account: 'ATM-0001', holder: 'ATM', sink: 'cash' },
            amount: 50_000_00,
            at: '2026-11-20T10:45:00+08:00',
          },
        ],
        new Date().toISOString(),
        1,
      ),
    );
    // The same answer arriving twice adds nothing.
    const again = await t.ctx.store.db.transaction().execute((trx) =>
      addLedgerTransfers(
        trx,
        a.case.id,
        'detail-query',
        'R1-dup',
        [
          {
            from: { institution: 'ICBC', account: '6222021111222233334', holder: '骡子甲' },
            to: { institution: 'CCB', account: '6217001111', holder: '骡子乙' },
            amount: 250_000_00,
            at: '2026-11-20T10:40:00+08:00',
          },
        ],
        new Date().toISOString(),
        1,
      ),
    );
    expect(again).toBe(0);

    const ledger = (await analyst.request('GET', `/api/cases/${b.case.id}/ledger`)).json();
    expect(ledger.format).toBe('levee.ledger/1');
    expect(ledger.transfers).toHaveLength(4);
    expect(ledger.accounts.find((x: { id: string }) => x.id === 'ICBC/ATM-0001').sink).toBe('cash');

    const fifo = trace(ledger, 'fifo');
    const [va, vb] = ledger.parties.map((p: { id: string }) => p.id);
    expect(fifo.victims[va]!.sent + fifo.victims[vb]!.sent).toBe(400_000_00);
    // FIFO: the first 300,000 out of the mule account are 甲's: 250,000 to level 2, 50,000 to the ATM.
    expect(fifo.victims[va]).toMatchObject({
      located: { 'CCB/6217001111': 250_000_00 },
      sinks: { 'ICBC/ATM-0001': 50_000_00 },
    });
    expect(fifo.victims[vb]!.located).toEqual({ 'ICBC/6222021111222233334': 100_000_00 });
    const prorata = trace(ledger, 'prorata');
    expect(prorata.accounts['CCB/6217001111']!.byOrigin).toEqual({ [va]: 187_500_00, [vb]: 62_500_00 });
  });
});
