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

/**
 * Per-account state is scalars only: the hot path (one push per row) allocates nothing, and the
 * last account's state is cached so single-account statements skip the map lookup.
 */
class AccountState {
  rows = 0;
  withBalance = 0;
  pairs = 0;
  hasPrev = false;
  prevBalance = 0;
  prevSigned = 0;
  prevLine = 0;
  forward: Reading = { breaks: 0, first: undefined };
  backward: Reading = { breaks: 0, first: undefined };
  later = 0;
  earlier = 0;
  prevEpoch: number | undefined;
  hasFirst = false;
  firstBalance: number | undefined;
  firstSigned = 0;
  lastBalance: number | undefined;
  lastSigned = 0;

  constructor(readonly account: string) {}
}

function note(
  reading: Reading,
  sheet: string,
  line: number,
  previousLine: number,
  expected: number,
  found: number,
) {
  if (expected === found) return;
  reading.breaks++;
  reading.first ??= { sheet, line, previousLine, expected, found };
}

export class BalanceReconciler {
  private readonly states = new Map<string, AccountState>();
  private last: AccountState | undefined;

  /**
   * `signed`: + for money in, − for money out (fen). The row's place is `{ sheet, line }` or, on
   * the hot path, the sheet name and the line as two arguments (no object per row).
   */
  push(
    account: string,
    signed: number,
    balance: number | undefined,
    epochMs: number,
    where: { readonly sheet: string; readonly line: number } | string,
    lineNumber = 0,
  ): void {
    const sheet = typeof where === 'string' ? where : where.sheet;
    const line = typeof where === 'string' ? lineNumber : where.line;
    let s = this.last;
    if (s === undefined || s.account !== account) {
      s = this.states.get(account);
      if (s === undefined) {
        s = new AccountState(account);
        this.states.set(account, s);
      }
      this.last = s;
    }
    s.rows++;
    if (s.prevEpoch !== undefined) {
      if (epochMs > s.prevEpoch) s.later++;
      else if (epochMs < s.prevEpoch) s.earlier++;
    }
    s.prevEpoch = epochMs;
    if (!s.hasFirst) {
      s.hasFirst = true;
      s.firstBalance = balance;
      s.firstSigned = signed;
    }
    s.lastBalance = balance;
    s.lastSigned = signed;
    if (balance === undefined) {
      s.hasPrev = false; // a row without a balance breaks the chain; the next pair starts afresh
      return;
    }
    s.withBalance++;
    if (s.hasPrev) {
      s.pairs++;
      note(s.forward, sheet, line, s.prevLine, s.prevBalance + signed, balance);
      note(s.backward, sheet, line, s.prevLine, s.prevBalance - s.prevSigned, balance);
    }
    s.hasPrev = true;
    s.prevBalance = balance;
    s.prevSigned = signed;
    s.prevLine = line;
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
  const first = s.hasFirst ? { balance: s.firstBalance, signed: s.firstSigned } : undefined;
  const last = s.hasFirst ? { balance: s.lastBalance, signed: s.lastSigned } : undefined;
  const earliest = newestFirst ? last : first;
  const latest = newestFirst ? first : last;
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
