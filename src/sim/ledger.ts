/**
 * The simulated ledgers of every institution in one structure: accounts, transfers and holds.
 *
 * Layout (columnar, grown by doubling; an account or transfer is an index, not an object):
 *
 *   accounts  balance: Float64Array   held: Float64Array     (integer fen; f64 is exact to 2^53)
 *             inst: Uint16Array       holder: Int32Array     (person index, −1 for sinks)
 *             kind: Uint8Array        (0 ordinary, 1 sink)   number[], openedAt[], branch[], sinkKind[]
 *             movements: number[][]   transfer indexes touching the account, in time order
 *   transfers time, amount, fromBalanceAfter, toBalanceAfter: Float64Array
 *             from, to: Int32Array    (from = −1: cash paid in over the counter)
 *             channel: Uint8Array     (index into CHANNELS)
 *
 * Money conservation is by construction: a transfer debits exactly what it credits; cash enters
 * only through from = −1 and leaves only into sink accounts. `held` is the sum of the active
 * holds' held amounts, and no debit may take an account below it — "stopped money cannot leave".
 * A hold with a target above what it holds keeps absorbing later credits (and funds freed by
 * releases of earlier holds) in placement order, like a waiting freeze (轮候冻结).
 * The first version kept one object per account with a transfers array each; the columnar form
 * halves memory for the background population and keeps detail queries a slice of one index list.
 */
import { CHANNELS, type Channel, type HoldKind } from '../institution-protocol/schemas.js';

export type SinkKind = 'cash' | 'merchant' | 'exchange';

export class HeldFundsError extends Error {
  constructor(
    readonly account: number,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`account ${account}: debit of ${requested} fen exceeds the available ${available} fen`);
    this.name = 'HeldFundsError';
  }
}

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}

export interface Hold {
  readonly id: number;
  readonly requestId: string;
  readonly kind: HoldKind;
  readonly account: number;
  /** Amount to hold; null = everything. */
  readonly target: number | null;
  held: number;
  readonly startsAt: number;
  expiresAt: number;
  renewalsUsed: number;
  status: 'active' | 'released' | 'lapsed';
  endedAt: number | null;
  /** Name of the authority that placed it, as the protocol reports it to others. */
  readonly authority: string;
  /** Code of that authority: who "another authority" is (names need not be unique). */
  readonly authorityCode: string;
  readonly documentNumber: string;
}

export interface TransferView {
  index: number;
  time: number;
  from: number;
  to: number;
  amount: number;
  channel: Channel;
  fromBalanceAfter: number;
  toBalanceAfter: number;
}

export type TransferListener = (transfer: number) => void;

const CHANNEL_INDEX = new Map<Channel, number>(CHANNELS.map((c, i) => [c, i]));

function grow<T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

export class Ledger {
  // accounts
  accountCount = 0;
  balance = new Float64Array(1024);
  held = new Float64Array(1024);
  inst = new Uint16Array(1024);
  holder = new Int32Array(1024);
  kind = new Uint8Array(1024);
  readonly number: string[] = [];
  readonly openedAt: number[] = [];
  readonly branch: string[] = [];
  readonly sinkKind: (SinkKind | null)[] = [];
  readonly sinkName: string[] = [];
  readonly movements: number[][] = [];
  private readonly byNumber: Map<string, number>[] = [];
  // transfers
  transferCount = 0;
  tTime = new Float64Array(4096);
  tAmount = new Float64Array(4096);
  tFromAfter = new Float64Array(4096);
  tToAfter = new Float64Array(4096);
  tFrom = new Int32Array(4096);
  tTo = new Int32Array(4096);
  tChannel = new Uint8Array(4096);
  // holds
  readonly holds: Hold[] = [];
  private readonly holdsByAccount = new Map<number, number[]>();
  /** Each account's holds in force, oldest first: what expiry, absorption and answers walk. */
  private readonly activeByAccount = new Map<number, Hold[]>();
  /**
   * Per account, no hold in force lapses before this (a lower bound: a renewal only moves an
   * expiry later). Checking expiry is then one comparison, not a walk over every hold.
   */
  private readonly nextLapse = new Map<number, number>();
  /**
   * Per account, the holds in force that may still take money (no target, or below it), oldest
   * first. A hold that is full stays full until it ends, so it leaves this list for good: a credit
   * or a new hold then walks only the holds that wait for money, not every hold in force.
   */
  private readonly wantingByAccount = new Map<number, Hold[]>();
  /** Per account, how many holds in force each authority (by code) has. */
  private readonly activeByAuthority = new Map<number, Map<string, number>>();
  private readonly listeners: TransferListener[] = [];

  addAccount(a: {
    inst: number;
    number: string;
    holder: number;
    openedAt: number;
    branch: string;
    sink?: SinkKind;
    sinkName?: string;
  }): number {
    const i = this.accountCount++;
    this.balance = grow(this.balance, i + 1);
    this.held = grow(this.held, i + 1);
    this.inst = grow(this.inst, i + 1);
    this.holder = grow(this.holder, i + 1);
    this.kind = grow(this.kind, i + 1);
    this.inst[i] = a.inst;
    this.holder[i] = a.holder;
    this.kind[i] = a.sink ? 1 : 0;
    this.number.push(a.number);
    this.openedAt.push(a.openedAt);
    this.branch.push(a.branch);
    this.sinkKind.push(a.sink ?? null);
    this.sinkName.push(a.sinkName ?? '');
    this.movements.push([]);
    let map = this.byNumber[a.inst];
    if (!map) {
      map = new Map();
      this.byNumber[a.inst] = map;
    }
    if (map.has(a.number)) throw new LedgerError(`duplicate account number ${a.number}`);
    map.set(a.number, i);
    return i;
  }

  find(inst: number, number: string): number | undefined {
    return this.byNumber[inst]?.get(number);
  }

  isSink(account: number): boolean {
    return this.kind[account] === 1;
  }

  available(account: number, at: number): number {
    this.expireHolds(account, at);
    return (this.balance[account] as number) - (this.held[account] as number);
  }

  onTransfer(listener: TransferListener): void {
    this.listeners.push(listener);
  }

  /**
   * Move `amount` fen from `from` (−1: cash paid in) to `to` at `time`. Throws HeldFundsError when
   * the source's available balance is short (nothing changes), LedgerError on a sink debit.
   */
  transfer(from: number, to: number, amount: number, time: number, channel: Channel): number {
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw new LedgerError(`amount must be > 0 fen, got ${amount}`);
    if (from === to) throw new LedgerError('a transfer needs two different accounts');
    if (from >= 0) {
      if (this.isSink(from))
        throw new LedgerError(`account ${this.number[from]} is a sink and is never debited`);
      const available = this.available(from, time);
      if (amount > available) throw new HeldFundsError(from, amount, available);
      this.balance[from] = (this.balance[from] as number) - amount;
    }
    this.balance[to] = (this.balance[to] as number) + amount;
    const t = this.transferCount++;
    if (t >= this.tTime.length) {
      const n = t + 1;
      this.tTime = grow(this.tTime, n);
      this.tAmount = grow(this.tAmount, n);
      this.tFromAfter = grow(this.tFromAfter, n);
      this.tToAfter = grow(this.tToAfter, n);
      this.tFrom = grow(this.tFrom, n);
      this.tTo = grow(this.tTo, n);
      this.tChannel = grow(this.tChannel, n);
    }
    this.tTime[t] = time;
    this.tAmount[t] = amount;
    this.tFrom[t] = from;
    this.tTo[t] = to;
    this.tChannel[t] = CHANNEL_INDEX.get(channel) ?? 0;
    this.tFromAfter[t] = from >= 0 ? (this.balance[from] as number) : 0;
    this.tToAfter[t] = this.balance[to] as number;
    if (from >= 0) this.movements[from]?.push(t);
    this.movements[to]?.push(t);
    if (!this.isSink(to)) this.absorb(to, time);
    for (const listener of this.listeners) listener(t);
    return t;
  }

  transferView(t: number): TransferView {
    return {
      index: t,
      time: this.tTime[t] as number,
      from: this.tFrom[t] as number,
      to: this.tTo[t] as number,
      amount: this.tAmount[t] as number,
      channel: CHANNELS[this.tChannel[t] as number] as Channel,
      fromBalanceAfter: this.tFromAfter[t] as number,
      toBalanceAfter: this.tToAfter[t] as number,
    };
  }

  /** Transfers touching `account` with from ≤ time < to. */
  transfersOf(account: number, from: number, to: number): number[] {
    return (this.movements[account] ?? []).filter((t) => {
      const time = this.tTime[t] as number;
      return time >= from && time < to;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Holds

  placeHold(h: {
    requestId: string;
    kind: HoldKind;
    account: number;
    target: number | null;
    startsAt: number;
    expiresAt: number;
    authority: string;
    authorityCode: string;
    documentNumber: string;
  }): Hold {
    this.expireHolds(h.account, h.startsAt);
    // Object.assign: on Node 20 `{ ...h, id, … }` takes a slow path per property after the spread.
    const hold: Hold = Object.assign({}, h, {
      id: this.holds.length,
      held: 0,
      renewalsUsed: 0,
      status: 'active' as const,
      endedAt: null,
    });
    this.holds.push(hold);
    const list = this.holdsByAccount.get(h.account) ?? [];
    list.push(hold.id);
    this.holdsByAccount.set(h.account, list);
    const active = this.activeByAccount.get(h.account) ?? [];
    active.push(hold);
    this.activeByAccount.set(h.account, active);
    this.nextLapse.set(
      h.account,
      Math.min(this.nextLapse.get(h.account) ?? Number.POSITIVE_INFINITY, hold.expiresAt),
    );
    const wanting = this.wantingByAccount.get(h.account) ?? [];
    wanting.push(hold);
    this.wantingByAccount.set(h.account, wanting);
    const byAuthority = this.activeByAuthority.get(h.account) ?? new Map<string, number>();
    byAuthority.set(h.authorityCode, (byAuthority.get(h.authorityCode) ?? 0) + 1);
    this.activeByAuthority.set(h.account, byAuthority);
    this.absorb(h.account, h.startsAt);
    return hold;
  }

  /** End a hold (released or lapsed); its money becomes available or flows to waiting holds. */
  endHold(hold: Hold, at: number, status: 'released' | 'lapsed'): number {
    if (hold.status !== 'active') return 0;
    const amount = hold.held;
    hold.status = status;
    hold.endedAt = at;
    const active = this.activeByAccount.get(hold.account) as Hold[];
    active.splice(active.indexOf(hold), 1);
    const byAuthority = this.activeByAuthority.get(hold.account) as Map<string, number>;
    byAuthority.set(hold.authorityCode, (byAuthority.get(hold.authorityCode) as number) - 1);
    this.held[hold.account] = (this.held[hold.account] as number) - amount;
    hold.held = 0;
    this.absorb(hold.account, at);
    return amount;
  }

  /** Move `hold`'s money into `into` (a stop-payment turned into a freeze) without ever freeing it. */
  convertHold(hold: Hold, into: Hold, at: number): void {
    if (hold.status !== 'active' || into.status !== 'active') return;
    const room = into.target === null ? hold.held : Math.max(0, into.target - into.held);
    const moved = Math.min(room, hold.held);
    hold.held -= moved;
    into.held += moved;
    this.endHold(hold, at, 'released');
  }

  holdsOf(account: number): Hold[] {
    return (this.holdsByAccount.get(account) ?? []).map((id) => this.holds[id] as Hold);
  }

  /** The holds in force on `account` at `at`, oldest first (a copy). */
  activeHolds(account: number, at: number): Hold[] {
    this.expireHolds(account, at);
    return this.activeByAccount.get(account)?.slice() ?? [];
  }

  /** The holds in force on `account` at `at` placed before `hold` by other authorities, oldest first. */
  priorHoldsOfOthers(hold: Hold, at: number): Hold[] {
    this.expireHolds(hold.account, at);
    const active = this.activeByAccount.get(hold.account) ?? [];
    const own = this.activeByAuthority.get(hold.account)?.get(hold.authorityCode) ?? 0;
    if (own >= active.length) return [];
    return active.filter((h) => h.id < hold.id && h.authorityCode !== hold.authorityCode);
  }

  /** End the holds of `account` that lapsed by `at`, oldest first. */
  expireHolds(account: number, at: number): void {
    const next = this.nextLapse.get(account);
    if (next === undefined || at < next) return;
    const active = this.activeByAccount.get(account) as Hold[];
    for (const hold of active.slice()) if (at >= hold.expiresAt) this.endHold(hold, hold.expiresAt, 'lapsed');
    let lapse = Number.POSITIVE_INFINITY;
    for (const hold of active) if (hold.expiresAt < lapse) lapse = hold.expiresAt;
    this.nextLapse.set(account, lapse);
  }

  /** Let active holds below their target take free money, oldest hold first. */
  private absorb(account: number, at: number): void {
    const wanting = this.wantingByAccount.get(account);
    if (!wanting) return;
    // No free money: no hold takes any, and the walk would only skip them all (a drained mule
    // account collects hundreds of unfilled holds; every hold and credit walked them). Ended and
    // full ones are dropped by the next walk that has money to hand out.
    if ((this.balance[account] as number) - (this.held[account] as number) <= 0) return;
    let kept = 0;
    let spent = false;
    for (const hold of wanting) {
      // Ended or full: never takes money again.
      if (hold.status !== 'active' || (hold.target !== null && hold.held >= hold.target)) continue;
      wanting[kept++] = hold;
      if (spent || at >= hold.expiresAt) continue;
      const free = (this.balance[account] as number) - (this.held[account] as number);
      if (free <= 0) {
        spent = true;
        continue;
      }
      const want = hold.target === null ? free : Math.min(free, hold.target - hold.held);
      if (want <= 0) continue;
      hold.held += want;
      this.held[account] = (this.held[account] as number) + want;
    }
    wanting.length = kept;
  }
}
