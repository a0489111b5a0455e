/**
 * Running-balance reconciliation: each row's balance must follow from its neighbour's. Banks
 * list statements oldest-first or newest-first, so both readings are checked side by side in
 * O(1) memory per account; the transaction times decide which one the file is in (if every
 * time is equal, the reading with fewer breaks wins). A break is reported at the first row,
 * in file order, whose balance does not follow.
 *
 *   oldest first:  balance[i] = balance[i-1] + signed[i]
 *   newest first:  balance[i] = balance[i-1] - signed[i-1]
 */

export interface BalanceBreak {
  readonly sheet: string;
  readonly line: number;
  readonly previousLine: number;
  /** The balance this row should show, and the one it shows (fen). */
  readonly expected: number;
  readonly found: number;
}

export interface AccountReconciliation {
  readonly account: string;
  readonly status: 'reconciled' | 'broken' | 'no-balance';
  readonly order: 'oldest-first' | 'newest-first';
  readonly rows: number;
  readonly rowsWithBalance: number;
  readonly checkedPairs: number;
  readonly breaks: number;
  readonly firstBreak: BalanceBreak | undefined;
  /** Balance before the earliest row and after the latest (fen), when balances are given. */
  readonly opening: number | undefined;
  readonly closing: number | undefined;
}

export interface Reconciliation {
  readonly status: 'reconciled' | 'broken' | 'no-balance';
  readonly accounts: readonly AccountReconciliation[];
}

interface Reading {
  breaks: number;
  first: BalanceBreak | undefined;
}

interface Where {
  sheet: string;
  line: number;
}

class AccountState {
  rows = 0;
  withBalance = 0;
  pairs = 0;
  prev: { balance: number; signed: number; line: number } | undefined;
  forward: Reading = { breaks: 0, first: undefined };
  backward: Reading = { breaks: 0, first: undefined };
  later = 0;
  earlier = 0;
  prevEpoch: number | undefined;
  first: { balance: number | undefined; signed: number } | undefined;
  last: { balance: number | undefined; signed: number } | undefined;

  constructor(readonly account: string) {}
}

function note(reading: Reading, where: Where, previousLine: number, expected: number, found: number) {
  if (expected === found) return;
  reading.breaks++;
  reading.first ??= { sheet: where.sheet, line: where.line, previousLine, expected, found };
}

export class BalanceReconciler {
  private readonly states = new Map<string, AccountState>();

  /** `signed`: + for money in, − for money out (fen). */
  push(account: string, signed: number, balance: number | undefined, epochMs: number, where: Where): void {
    let s = this.states.get(account);
    if (s === undefined) {
      s = new AccountState(account);
      this.states.set(account, s);
    }
    s.rows++;
    if (s.prevEpoch !== undefined) {
      if (epochMs > s.prevEpoch) s.later++;
      else if (epochMs < s.prevEpoch) s.earlier++;
    }
    s.prevEpoch = epochMs;
    s.first ??= { balance, signed };
    s.last = { balance, signed };
    if (balance === undefined) {
      s.prev = undefined; // a row without a balance breaks the chain; the next pair starts afresh
      return;
    }
    s.withBalance++;
    if (s.prev !== undefined) {
      s.pairs++;
      note(s.forward, where, s.prev.line, s.prev.balance + signed, balance);
      note(s.backward, where, s.prev.line, s.prev.balance - s.prev.signed, balance);
    }
    s.prev = { balance, signed, line: where.line };
  }

  result(): Reconciliation {
    const accounts = [...this.states.values()].map(summarise);
    const status = accounts.some((a) => a.status === 'broken')
      ? 'broken'
      : accounts.length > 0 && accounts.every((a) => a.status === 'reconciled')
        ? 'reconciled'
        : accounts.some((a) => a.status === 'reconciled')
          ? 'reconciled'
          : 'no-balance';
    return { status, accounts };
  }
}

function summarise(s: AccountState): AccountReconciliation {
  let newestFirst: boolean;
  if (s.later !== s.earlier) newestFirst = s.earlier > s.later;
  else newestFirst = s.backward.breaks < s.forward.breaks;
  const reading = newestFirst ? s.backward : s.forward;
  const earliest = newestFirst ? s.last : s.first;
  const latest = newestFirst ? s.first : s.last;
  const opening = earliest?.balance === undefined ? undefined : earliest.balance - earliest.signed;
  return {
    account: s.account,
    status: s.withBalance === 0 ? 'no-balance' : reading.breaks > 0 ? 'broken' : 'reconciled',
    order: newestFirst ? 'newest-first' : 'oldest-first',
    rows: s.rows,
    rowsWithBalance: s.withBalance,
    checkedPairs: s.pairs,
    breaks: reading.breaks,
    firstBreak: reading.first,
    opening,
    closing: latest?.balance,
  };
}
