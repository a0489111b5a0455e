/**
 * Reading an institution's transaction-detail answer the way an analyst does: each outgoing
 * movement is a transfer to the next level, unless it leaves the traceable trail — cash at an
 * ATM or counter, a purchase at a merchant (POS), a crypto over-the-counter dealer; each incoming
 * movement from outside the case is money of unknown origin, except the victims' own payments,
 * which the case already holds.
 */

export type SinkKind = 'cash' | 'merchant' | 'exchange';

export interface DetailMovement {
  readonly transferId: string;
  readonly time: string;
  readonly direction: 'in' | 'out';
  readonly amount: number;
  readonly counterparty: {
    readonly institution: string;
    readonly accountNumber: string;
    readonly name: string;
  };
  readonly channel: string;
  readonly remark: string;
}

const EXCHANGE_WORDS = /(场外|OTC|交易所|币商|虚拟币|USDT|承兑)/i;

/** Where an outgoing movement goes when it leaves the trail; null when it goes to another account. */
export function sinkOf(m: DetailMovement): SinkKind | null {
  if (m.counterparty.accountNumber === '' || m.channel === 'atm' || /取现|取款/.test(m.remark)) return 'cash';
  if (EXCHANGE_WORDS.test(m.counterparty.name)) return 'exchange';
  if (m.channel === 'pos' || /消费|商户/.test(m.remark) || /商户/.test(m.counterparty.name))
    return 'merchant';
  return null;
}

/** The key Levee gives a sink: one per institution and kind for cash, the account itself otherwise. */
export function sinkAccount(
  m: DetailMovement,
  ownInstitution: string,
  kind: SinkKind,
): { institution: string; account: string } {
  if (kind === 'cash') return { institution: m.counterparty.institution || ownInstitution, account: 'CASH' };
  return { institution: m.counterparty.institution || ownInstitution, account: m.counterparty.accountNumber };
}
