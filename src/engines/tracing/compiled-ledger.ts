/**
 * A ledger compiled to columns: every id interned to an integer once, transfers in typed arrays,
 * the application order fixed, gaps found. Both engines start from here; the fast one never
 * touches a string again. Validation happens while compiling, so an engine never sees bad input.
 *
 * Integer ids are ranks in sorted string order (accounts among accounts, origins among origins),
 * so comparing ids compares strings code unit by code unit, as rule 5 needs, and the output is
 * the same whatever the order of parties and accounts in the file.
 *
 * Application order. Rule 1 applies transfers in time order, but accounts that never exchange
 * money cannot affect each other: a transfer changes only its source and its destination, and a
 * sink is only ever credited (its holdings are sums, which commute). So the transfers are grouped
 * by connected component of the account–account transfer graph (sinks and parties join nothing)
 * and applied component by component, in time order within a component (equal times in file
 * order). Every account sees exactly the transfers it saw in time order, in the same order, so
 * every figure is the same as in a pure time-order run — and the engine works on one component's
 * accounts at a time instead of jumping between interleaved networks.
 *
 * The engine's columns, per step k (position in the application order), stored in that order so
 * that a run reads them in one sequential pass:
 *   from[k]   Int32   >= 0 account, < 0 party origin -(o+1)
 *   to[k]     Int32   account
 *   amount[k] Float64 fen (integer, exact up to 2^53)
 *   file[k]   Uint32  the transfer's index in the file
 * and per file index i, like transferIds and timeText (the engines do not read them):
 *   timeMs[i] Float64 epoch ms; timeSub[i] Int32 ns within it
 * Transfers of one component are contiguous and in (time, file index) order; the components
 * follow each other in the order of their first transfer in time.
 */
import { IdSet } from './id-set.js';
import { idOrder } from './id-order.js';
import { parsedSubMs, parseIsoTime } from './iso-time.js';
import { LedgerError } from './ledger-error.js';
import { PackedIds } from './packed-ids.js';
import { timeOrder } from './time-order.js';
import { PARTY_ROLES, type PartyRole, ROLE_OWN, ROLE_UNKNOWN, roleCode } from './types.js';

export interface CompiledGap {
  account: number;
  /** index in the file */
  transfer: number;
  amount: number;
}

export interface CompiledLedger {
  currency: string;
  /** packed: the engines count them, results cut the strings out (packed-ids.ts says why) */
  accountIds: PackedIds;
  isSink: Uint8Array;
  opening: Float64Array;
  originIds: PackedIds;
  originRole: Uint8Array;
  /** origin of `opening:<id>` per account, -1 if the account has no opening balance */
  openingOrigin: Int32Array;
  /** origin of `unknown:<id>` per account, -1 if the account never has a gap */
  unknownOrigin: Int32Array;
  transferCount: number;
  /** by file index */
  transferIds: ArrayLike<string>;
  /** by step (application order), see above */
  from: Int32Array;
  to: Int32Array;
  amount: Float64Array;
  file: Uint32Array;
  /** by file index */
  timeMs: Float64Array;
  timeSub: Int32Array;
  /** connected components the transfers were grouped into (party → sink transfers count as one) */
  componentCount: number;
  /**
   * The runs of the application order: one per component, or one for the whole ledger when it is
   * applied in plain time order (one giant component). runEnds[r] is where run r ends (exclusive
   * step; the last is the transfer count); the non-sink accounts that take part in run r are
   * runAccounts[runAccountEnds[r-1] .. runAccountEnds[r]) (from 0 for r = 0), ascending. No account
   * takes part in two runs (sinks take part in none), so once its run is over an account's holdings
   * are final.
   */
  runEnds: Int32Array;
  /** per sink, in account order: the transfers into it (sizes its table of origins up front) */
  sinkTransfers: Int32Array;
  runAccounts: Int32Array;
  runAccountEnds: Int32Array;
  /** the time of each transfer as written, by file index, when the builder kept it */
  timeText: string[] | undefined;
  /** shortfalls (rule 3) in time order; they do not depend on the rule (nor on the grouping) */
  gaps: CompiledGap[];
  /** the same shortfalls by step, ascending, for the engine; a final -1 ends the list */
  gapSteps: Int32Array;
  gapAmounts: Float64Array;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function checkId(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new LedgerError('bad-format', `${where}: id must be a non-empty string, got ${describe(value)}`);
  if (value.includes(':'))
    throw new LedgerError('bad-format', `${where}: id "${value}" must not contain ':'`);
  return value;
}

/** Grows typed arrays by doubling; transfers arrive one by one (JSON array or a CSV stream). */
class Columns {
  n = 0;
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  amount = new Float64Array(1024);
  timeMs = new Float64Array(1024);
  timeSub = new Int32Array(1024);

  push(from: number, to: number, amount: number, ms: number, sub: number): void {
    if (this.n === this.from.length) this.grow();
    const i = this.n++;
    this.from[i] = from;
    this.to[i] = to;
    this.amount[i] = amount;
    this.timeMs[i] = ms;
    this.timeSub[i] = sub;
  }

  private grow(): void {
    const cap = this.from.length * 2;
    const f = new Int32Array(cap);
    f.set(this.from);
    this.from = f;
    const t = new Int32Array(cap);
    t.set(this.to);
    this.to = t;
    const a = new Float64Array(cap);
    a.set(this.amount);
    this.amount = a;
    const m = new Float64Array(cap);
    m.set(this.timeMs);
    this.timeMs = m;
    const s = new Int32Array(cap);
    s.set(this.timeSub);
    this.timeSub = s;
  }
}

/**
 * Builds a CompiledLedger from parties, then accounts, then transfers in file order. Used by
 * `compileLedger` (JSON) and by the CSV reader, which streams transfers without holding the text.
 */
export class LedgerBuilder {
  private readonly partyIndex = new Map<string, number>();
  private readonly partyIds: string[] = [];
  private readonly partyRoles: PartyRole[] = [];
  private readonly accountIndex = new Map<string, number>();
  private readonly accounts: { id: string; opening: number; sink: boolean }[] = [];
  private readonly transferIds: string[] = [];
  private readonly seenTransfers = new IdSet(this.transferIds);
  private readonly cols = new Columns();
  private readonly timeText: string[] | undefined;

  constructor(
    private readonly currency = 'CNY',
    options: { keepTimeText?: boolean } = {},
  ) {
    this.timeText = options.keepTimeText === false ? undefined : [];
  }

  addParty(id: unknown, role: unknown, where = `party ${describe(id)}`): void {
    const pid = checkId(id, where);
    if (typeof role !== 'string' || !(PARTY_ROLES as readonly string[]).includes(role))
      throw new LedgerError(
        'bad-format',
        `party "${pid}": role must be one of ${PARTY_ROLES.join(', ')}, got ${describe(role)}`,
        { party: pid },
      );
    if (this.partyIndex.has(pid))
      throw new LedgerError('duplicate-id', `party "${pid}" is listed twice`, { party: pid });
    this.partyIndex.set(pid, this.partyIds.length);
    this.partyIds.push(pid);
    this.partyRoles.push(role as PartyRole);
  }

  addAccount(id: unknown, opening: unknown, sink: unknown, where = `account ${describe(id)}`): void {
    const aid = checkId(id, where);
    if (this.accountIndex.has(aid))
      throw new LedgerError('duplicate-id', `account "${aid}" is listed twice`, { account: aid });
    if (this.partyIndex.has(aid))
      throw new LedgerError(
        'duplicate-id',
        `account "${aid}" has the id of a party; a transfer from "${aid}" would be ambiguous`,
        { account: aid },
      );
    const open = opening === undefined || opening === null ? 0 : opening;
    if (typeof open !== 'number' || !Number.isSafeInteger(open) || open < 0)
      throw new LedgerError(
        'bad-amount',
        `account "${aid}": opening must be a whole number of minor units, 0 or more, got ${describe(opening)}`,
        { account: aid },
      );
    if (sink !== undefined && sink !== null && (typeof sink !== 'string' || sink.length === 0))
      throw new LedgerError('bad-format', `account "${aid}": sink must be a non-empty string`, {
        account: aid,
      });
    this.accountIndex.set(aid, this.accounts.length);
    this.accounts.push({ id: aid, opening: open, sink: typeof sink === 'string' });
  }

  /** `amount` is a number (JSON) or the digits of a CSV field; `where` names it in messages. */
  addTransfer(id: unknown, from: unknown, to: unknown, amount: unknown, time: unknown, where?: string): void {
    const text = typeof time === 'string' ? time : '';
    this.addTransferAt(id, from, to, amount, text, 0, typeof time === 'string' ? text.length : -1, where);
  }

  /**
   * As addTransfer, with the time given as the part [timeStart, timeEnd) of `timeText`, so a CSV
   * reader can pass its chunk without cutting the field out (timeEnd -1: no time at all).
   */
  addTransferAt(
    id: unknown,
    from: unknown,
    to: unknown,
    amount: unknown,
    timeText: string,
    timeStart: number,
    timeEnd: number,
    where?: string,
  ): void {
    const tid = checkId(id, where ?? `transfer ${describe(id)}`);
    const at = { transfer: tid };
    this.transferIds.push(tid);
    if (!this.seenTransfers.add(this.transferIds.length - 1)) {
      this.transferIds.pop();
      throw new LedgerError('duplicate-id', `transfer "${tid}" appears twice`, at);
    }
    if (typeof from !== 'string')
      throw new LedgerError('bad-format', `transfer "${tid}": from must be a string`, at);
    if (typeof to !== 'string')
      throw new LedgerError('bad-format', `transfer "${tid}": to must be a string`, at);
    let src: number;
    const acc = this.accountIndex.get(from);
    if (acc !== undefined) {
      if (this.accounts[acc]!.sink)
        throw new LedgerError(
          'sink-debit',
          `transfer "${tid}" debits sink account "${from}"; money never leaves a sink`,
          {
            transfer: tid,
            account: from,
          },
        );
      src = acc;
    } else {
      const party = this.partyIndex.get(from);
      if (party === undefined)
        throw new LedgerError('unknown-id', `transfer "${tid}": from "${from}" is no party or account`, at);
      src = -(party + 1);
    }
    const dst = this.accountIndex.get(to);
    if (dst === undefined)
      throw new LedgerError(
        'unknown-id',
        `transfer "${tid}": to "${to}" is no account${this.partyIndex.has(to) ? ' (it is a party)' : ''}`,
        at,
      );
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0)
      throw new LedgerError(
        'bad-amount',
        `transfer "${tid}": amount must be a whole number of minor units above 0, got ${describe(amount)}`,
        at,
      );
    const ms = timeEnd < 0 ? Number.NaN : parseIsoTime(timeText, timeStart, timeEnd);
    if (Number.isNaN(ms))
      throw new LedgerError(
        'bad-time',
        `transfer "${tid}": time must be ISO 8601 with an offset (2023-10-27T14:00:00+08:00), got ${
          timeEnd < 0 ? 'nothing' : describe(timeText.slice(timeStart, timeEnd))
        }`,
        at,
      );
    this.timeText?.push(
      timeStart === 0 && timeEnd === timeText.length ? timeText : timeText.slice(timeStart, timeEnd),
    );
    this.cols.push(src, dst, amount, ms, parsedSubMs);
  }

  get transferCount(): number {
    return this.cols.n;
  }

  finish(): CompiledLedger {
    const n = this.cols.n;
    return compileColumns({
      currency: this.currency,
      parties: this.partyIds.map((id, p) => ({ id, role: this.partyRoles[p]! })),
      accounts: this.accounts,
      from: this.cols.from.slice(0, n),
      to: this.cols.to.slice(0, n),
      amount: this.cols.amount.slice(0, n),
      timeMs: this.cols.timeMs.slice(0, n),
      timeSub: this.cols.timeSub.slice(0, n),
      transferIds: this.transferIds,
      timeText: this.timeText,
    });
  }
}

/**
 * Raw columns, ids still in input order: `from` is an account index or -(party index + 1), `to`
 * an account index. Bulk loaders (and the benchmark's generator) that validated their own input
 * call compileColumns directly; the arrays are taken over (timeMs and timeSub kept as they are,
 * from and to rewritten in place on the way to the columns in application order).
 */
export interface RawColumns {
  currency: string;
  parties: { id: string; role: PartyRole }[];
  accounts: { id: string; opening: number; sink: boolean }[];
  from: Int32Array;
  to: Int32Array;
  amount: Float64Array;
  timeMs: Float64Array;
  timeSub: Int32Array;
  transferIds: ArrayLike<string>;
  timeText?: string[] | undefined;
}

export function compileColumns(raw: RawColumns): CompiledLedger {
  const { from, to, amount, timeMs, timeSub } = raw;
  const n = from.length;
  const nAcc = raw.accounts.length;
  const byId = idOrder(raw.accounts.map((a) => a.id));
  const rank = new Int32Array(nAcc);
  const accountIds: string[] = new Array(nAcc);
  const isSink = new Uint8Array(nAcc);
  const opening = new Float64Array(nAcc);
  for (let r = 0; r < nAcc; r++) {
    const i = byId[r]!;
    rank[i] = r;
    const acc = raw.accounts[i]!;
    accountIds[r] = acc.id;
    isSink[r] = acc.sink ? 1 : 0;
    opening[r] = acc.opening;
  }
  // Ids to ranks, and the connected components of the account–account transfer graph by
  // union-find (a transfer into a sink joins nothing: a sink is only credited, and its sums
  // commute). comp[nAcc] stands for party → sink transfers, which touch no account at all.
  const comp = new Int32Array(nAcc + 1);
  for (let a = 0; a <= nAcc; a++) comp[a] = a;
  /** transfers into each sink (0 for other accounts) */
  const inflow = new Int32Array(nAcc);
  const find = (a: number): number => {
    let r = a;
    while (comp[r] !== r) r = comp[r]!;
    while (comp[a] !== r) {
      const p = comp[a]!;
      comp[a] = r;
      a = p;
    }
    return r;
  };
  for (let i = 0; i < n; i++) {
    let f = from[i]!;
    if (f >= 0) from[i] = f = rank[f]!;
    const d = rank[to[i]!]!;
    to[i] = d;
    if (isSink[d] === 1) inflow[d]!++;
    if (f < 0 || isSink[d] === 1) continue;
    const rf = find(f);
    const rd = find(d);
    if (rf !== rd) comp[Math.max(rf, rd)] = Math.min(rf, rd);
  }
  // roots are the smallest of their set, so one step each gives every account its root
  for (let a = 0; a <= nAcc; a++) comp[a] = isSink[a] === 1 ? -1 : comp[comp[a]!]!;
  const order = timeOrder(timeMs, timeSub);

  // Gap pass: balances do not depend on the rule, so neither do the shortfalls (rule 3). It also
  // numbers the components by their first transfer in time and counts their transfers.
  const bal = opening.slice();
  let total = 0;
  for (let a = 0; a < nAcc; a++) total += opening[a]!;
  const gaps: CompiledGap[] = [];
  /** position in time order of each gap's transfer */
  const gapAt: number[] = [];
  const label = new Int32Array(nAcc + 1).fill(-1);
  const count: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const f = from[i]!;
    const d = to[i]!;
    const x = amount[i]!;
    // a transfer belongs to its destination's component, or its source's when that is a sink
    let r = comp[d]!;
    if (r < 0) r = f >= 0 ? comp[f]! : nAcc;
    let c = label[r]!;
    if (c < 0) {
      c = count.length;
      label[r] = c;
      count.push(0);
    }
    count[c]!++;
    if (f >= 0) {
      const b = bal[f]!;
      if (x > b) {
        gaps.push({ account: f, transfer: i, amount: x - b });
        gapAt.push(k);
        total += x - b;
        bal[f] = 0;
      } else bal[f] = b - x;
    } else total += x;
    if (total > Number.MAX_SAFE_INTEGER)
      throw new LedgerError(
        'bad-amount',
        `transfer "${raw.transferIds[i]}": the money in the case passes 2^53 minor units and cannot be kept exact`,
        { transfer: raw.transferIds[i] ?? '' },
      );
    bal[d]! += x;
  }
  // from now on comp[a] is the number of a's component (sinks stay -1)
  for (let a = 0; a <= nAcc; a++) if (comp[a]! >= 0) comp[a] = label[comp[a]!]!;

  // Origins: parties, opening:<account>, unknown:<account> for accounts with a gap.
  const names: { id: string; role: number; party: number; opening: number; unknown: number }[] = [];
  raw.parties.forEach((p, k) => {
    names.push({ id: p.id, role: roleCode(p.role), party: k, opening: -1, unknown: -1 });
  });
  for (let a = 0; a < nAcc; a++)
    if (opening[a]! > 0)
      names.push({ id: `opening:${accountIds[a]}`, role: ROLE_OWN, party: -1, opening: a, unknown: -1 });
  const gapAccounts = new Set(gaps.map((g) => g.account));
  for (const a of [...gapAccounts].sort((x, y) => x - y))
    names.push({ id: `unknown:${accountIds[a]}`, role: ROLE_UNKNOWN, party: -1, opening: -1, unknown: a });
  const byName = idOrder(names.map((o) => o.id));
  const origins = Array.from(byName, (k) => names[k]!);
  const originIds = origins.map((o) => o.id);
  const originRole = new Uint8Array(origins.length);
  const partyOrigin = new Int32Array(raw.parties.length);
  const openingOrigin = new Int32Array(nAcc).fill(-1);
  const unknownOrigin = new Int32Array(nAcc).fill(-1);
  origins.forEach((o, k) => {
    originRole[k] = o.role;
    if (o.party >= 0) partyOrigin[o.party] = k;
    if (o.opening >= 0) openingOrigin[o.opening] = k;
    if (o.unknown >= 0) unknownOrigin[o.unknown] = k;
  });

  // One giant component (gangs that share cards, one city-wide web): grouping buys nothing, and
  // the time order is an application order too.
  let largest = 0;
  for (const c of count) if (c > largest) largest = c;
  const grouped = largest < GIANT * n;

  let sinks = 0;
  for (let a = 0; a < nAcc; a++) sinks += isSink[a]!;
  const sinkTransfers = new Int32Array(sinks);
  for (let a = 0, k = 0; a < nAcc; a++) if (isSink[a] === 1) sinkTransfers[k++] = inflow[a]!;

  // what both orders share: the ids, the times (by file index) and the gaps
  const ids = {
    sinkTransfers,
    ...accountsByRun(comp, nAcc, grouped ? count.length : n > 0 ? 1 : 0, grouped),
    currency: raw.currency,
    accountIds: new PackedIds(accountIds),
    isSink,
    opening,
    originIds: new PackedIds(originIds),
    originRole,
    openingOrigin,
    unknownOrigin,
    transferCount: n,
    transferIds: raw.transferIds,
    componentCount: count.length,
    timeMs,
    timeSub,
    timeText: raw.timeText,
    gaps,
  };

  // Not grouped, a file already in time order is used as it is, with no copy at all.
  let sorted = !grouped;
  for (let k = 0; k < n && sorted; k++) sorted = order[k] === k;
  if (sorted) {
    for (let i = 0; i < n; i++) {
      const f = from[i]!;
      if (f < 0) from[i] = -(partyOrigin[-f - 1]! + 1);
    }
    const gapSteps = new Int32Array(gaps.length + 1).fill(-1);
    const gapAmounts = new Float64Array(gaps.length + 1);
    gaps.forEach((g, k) => {
      gapSteps[k] = gapAt[k]!;
      gapAmounts[k] = g.amount;
    });
    const runEnds = n > 0 ? Int32Array.of(n) : new Int32Array(0);
    return { ...ids, from, to, amount, file: order, gapSteps, gapAmounts, runEnds };
  }

  // The application order: the time order sorted stably by component (counting sort), the
  // columns copied into it on the way (party sources renumbered to their origins), into one
  // buffer: one large allocation, and each sets off a full garbage collection.
  const next = new Float64Array(count.length);
  for (let c = 1; c < count.length; c++) next[c] = next[c - 1]! + count[c - 1]!;
  const runEnds = grouped
    ? Int32Array.from(count, (c, k) => next[k]! + c)
    : n > 0
      ? Int32Array.of(n)
      : new Int32Array(0);
  const buf = new ArrayBuffer(20 * n);
  const amountOut = new Float64Array(buf, 0, n);
  const fromOut = new Int32Array(buf, 8 * n, n);
  const toOut = new Int32Array(buf, 12 * n, n);
  const file = new Uint32Array(buf, 16 * n, n);
  const gapSteps = new Int32Array(gaps.length + 1).fill(-1);
  for (let k = 0, g = 0, gk = gapAt[0] ?? -1; k < n; k++) {
    const i = order[k]!;
    const f = from[i]!;
    const d = to[i]!;
    let c = comp[d]!;
    if (c < 0) c = f >= 0 ? comp[f]! : comp[nAcc]!;
    const p = grouped ? next[c]!++ : k;
    file[p] = i;
    fromOut[p] = f >= 0 ? f : -(partyOrigin[-f - 1]! + 1);
    toOut[p] = d;
    amountOut[p] = amount[i]!;
    if (k === gk) {
      gapSteps[g] = p;
      gk = gapAt[++g] ?? -1;
    }
  }
  // the gaps by step: their indices sorted by step (a gap's step is unique)
  const byStep = Array.from({ length: gaps.length }, (_, g) => g).sort((x, y) => gapSteps[x]! - gapSteps[y]!);
  const steps = gapSteps.slice();
  const gapAmounts = new Float64Array(gaps.length + 1);
  byStep.forEach((g, w) => {
    gapSteps[w] = steps[g]!;
    gapAmounts[w] = gaps[g]!.amount;
  });
  return {
    ...ids,
    from: fromOut,
    to: toOut,
    amount: amountOut,
    file,
    gapSteps,
    gapAmounts,
    runEnds,
  };
}

/**
 * The non-sink accounts of each run, ascending within a run (a counting sort of the accounts by
 * component number; comp[a] < 0: a sink, or an account in no transfer). Ungrouped, the one run
 * holds every account of every component.
 */
function accountsByRun(
  comp: Int32Array,
  nAcc: number,
  runs: number,
  grouped: boolean,
): { runAccounts: Int32Array; runAccountEnds: Int32Array } {
  const runAccountEnds = new Int32Array(runs);
  let total = 0;
  for (let a = 0; a < nAcc; a++) {
    const c = comp[a]!;
    if (c < 0) continue;
    total++;
    if (grouped) runAccountEnds[c]!++;
  }
  const runAccounts = new Int32Array(total);
  if (!grouped) {
    for (let a = 0, w = 0; a < nAcc; a++) if (comp[a]! >= 0) runAccounts[w++] = a;
    if (runs > 0) runAccountEnds[0] = total;
    return { runAccounts, runAccountEnds };
  }
  // starts, then each account at its run's cursor; the cursors end at the runs' ends
  for (let c = 0, s = 0; c < runs; c++) {
    const k = runAccountEnds[c]!;
    runAccountEnds[c] = s;
    s += k;
  }
  for (let a = 0; a < nAcc; a++) {
    const c = comp[a]!;
    if (c >= 0) runAccounts[runAccountEnds[c]!++] = a;
  }
  return { runAccounts, runAccountEnds };
}

/** Share of the transfers in one component above which they are applied in plain time order. */
const GIANT = 0.9;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed levee.ledger/1 document and compiles it. Throws LedgerError. */
export function compileLedger(doc: unknown): CompiledLedger {
  if (!isObject(doc)) throw new LedgerError('bad-format', 'the ledger must be a JSON object');
  if (doc['format'] !== 'levee.ledger/1')
    throw new LedgerError('bad-format', `format must be "levee.ledger/1", got ${describe(doc['format'])}`);
  const currency = doc['currency'] === undefined ? 'CNY' : doc['currency'];
  if (typeof currency !== 'string') throw new LedgerError('bad-format', 'currency must be a string');
  for (const key of ['parties', 'accounts', 'transfers'])
    if (!Array.isArray(doc[key])) throw new LedgerError('bad-format', `${key} must be an array`);
  const b = new LedgerBuilder(currency);
  (doc['parties'] as unknown[]).forEach((p, k) => {
    if (!isObject(p)) throw new LedgerError('bad-format', `parties[${k}] must be an object`);
    b.addParty(p['id'], p['role'], `parties[${k}]`);
  });
  (doc['accounts'] as unknown[]).forEach((a, k) => {
    if (!isObject(a)) throw new LedgerError('bad-format', `accounts[${k}] must be an object`);
    b.addAccount(a['id'], a['opening'], a['sink'], `accounts[${k}]`);
  });
  (doc['transfers'] as unknown[]).forEach((t, k) => {
    if (!isObject(t)) throw new LedgerError('bad-format', `transfers[${k}] must be an object`);
    b.addTransfer(t['id'], t['from'], t['to'], t['amount'], t['time'], `transfers[${k}]`);
  });
  return b.finish();
}
