/**
 * The small case the analysis and report tests share: one victim pays ¥100,000 to an ICBC mule,
 * whose detail answer shows ¥60,000 forwarded to a CCB account and ¥30,000 spent at a merchant
 * (¥10,000 stays).
 */
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { addLedgerTransfers } from '../../src/services/case-ledger.js';
import type { Session, TestApp } from './server.js';

export const MULE = 'ICBC/6222020000000000001';
export const LEVEL2 = 'CCB/6217000000000002';
export const MERCHANT = 'ALIPAY/MERCHANT-1';

/** A one-payment report of an order-brushing victim in unit 1. */
export function victimReport(idFirst17: string, name: string, account: string, amount: number, time: string) {
  return {
    scamType: 'order-brushing',
    narrative: '',
    victim: {
      name,
      idNumber: idFirst17 + residentIdCheckChar(idFirst17),
      phone: '13800138000',
      address: '',
      unitId: 1,
    },
    payments: [{ time, amount, channel: 'bank-transfer', institution: 'ICBC', account, accountName: '骡子' }],
  };
}

export async function enterSmallCase(
  t: TestApp,
  session: Session,
  victimName: string,
): Promise<{ caseId: number; caseNo: string }> {
  const created = await session.request(
    'POST',
    '/api/cases',
    victimReport(
      '42010219800101001',
      victimName,
      '6222020000000000001',
      100_000_00,
      '2026-11-20T10:00:00+08:00',
    ),
  );
  if (created.statusCode !== 201) throw new Error(`intake: ${created.body}`);
  const { id: caseId, caseNo } = created.json().case as { id: number; caseNo: string };
  await t.ctx.store.db.transaction().execute((trx) =>
    addLedgerTransfers(
      trx,
      caseId,
      'detail-query',
      'R1',
      [
        {
          from: { institution: 'ICBC', account: '6222020000000000001', holder: '骡子' },
          to: { institution: 'CCB', account: '6217000000000002', holder: '二级' },
          amount: 60_000_00,
          at: '2026-11-20T10:05:00+08:00',
        },
        {
          from: { institution: 'ICBC', account: '6222020000000000001', holder: '骡子' },
          to: { institution: 'ALIPAY', account: 'MERCHANT-1', holder: '商户', sink: 'merchant' },
          amount: 30_000_00,
          at: '2026-11-20T10:06:00+08:00',
        },
      ],
      new Date().toISOString(),
      1,
    ),
  );
  return { caseId, caseNo };
}
