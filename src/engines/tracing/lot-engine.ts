/**
 * The fast tracing engine: the four rules of tracing-ledger.md on flat typed arrays.
 *
 * Design. The ledger arrives compiled (compiled-ledger.ts): integer ids whose order is string
 * order, transfer columns, a stable time order. One pass over that order applies each transfer.
 * No objects are made per transfer or per lot; everything lives in a few typed arrays that grow
 * by doubling, so ten million transfers cost a few hundred megabytes at most.
 *
 * Two stores hold the money, chosen by rule:
 *
 * 1. Lot lists (fifo, lifo, and the own/unknown lots of libr). A pool of lot nodes, doubly
 *    linked per account in arrival order; freed nodes go to a free list.
 *
 *        node i:  lotOrigin[i] Int32 | lotAmount[i] Float64 | lotNext[i] Int32 | lotPrev[i] Int32
 *        account a:  head[a] -> oldest … newest <- tail[a]        (20 bytes a lot)
 *
 *    fifo takes from head, lifo from tail; the pieces are emitted oldest first (rule 6). A piece
 *    whose origin equals the destination's newest lot is merged into it: adjacent lots of one
 *    origin are indistinguishable under every rule, and merging keeps mule chains at one lot a
 *    hop. Amounts are doubles holding integers, exact to 2^53 (checked when compiling).
 *
 * 2. Origin maps (prorata and libr's claimant money). Per account a sorted run of (origin,
 *    amount) pairs inside one arena; an account that outgrows its run moves to the end of the
 *    arena with twice the room, and when the arena is full it is compacted, runs trimmed to 1.5×
 *    their length.
 *
 *        arena:  mapOrigin Int32 | mapAmount Float64       (12 bytes an entry)
 *        account a:  [mapStart[a], mapStart[a] + mapLen[a])   capacity mapCap[a]
 *
 *    A pro-rata debit of x from total B walks the run once: q = floor(amount·x / B) and the
 *    remainder r, exactly — in doubles when amount·x + B ≤ 2^53, in BigInt otherwise; the fen
 *    left over go to the largest r (ties: smaller origin = earlier in the run). Cost is linear in
 *    the number of origins the account holds; a debit of the whole balance (fast in, fast out,
 *    the common case for mules) moves the run as it is.
 *
 * Sinks are never debited, so their lot order is irrelevant: every rule credits them into one
 * hash table on (sink, origin) (sink-table.ts: 16 bytes a slot), sorted once at the end.
 *
 * Pieces of one debit go through a scratch buffer (pOrigin/pAmount) before being credited, which
 * makes a transfer from an account to itself safe and gives `onPieces` (explanations, poison
 * reach) the exact pieces each transfer carried. Without `onPieces` nothing else is recorded.
 *
 * What lost: sinks used to be origin maps like any account, but a sink collects nearly every
 * origin, and each new one cost a shift of the sorted run (the hash table replaced it).
 * Interleaving each lot, account and sink slot into one record (one cache line a touch instead
 * of three or four) was tried and showed no gain on the shared 2-core machine at 1 M or 10 M
 * transfers, so the plainer parallel arrays stayed. A JS Map per account was not tried.
 */
import type { CompiledLedger } from './compiled-ledger.js';
import { SinkTable } from './sink-table.js';
import type { Holdings } from './trace-document.js';
import type { TraceRule } from './types.js';

const NIL = -1;
const SAFE = Number.MAX_SAFE_INTEGER;

/** Receives the pieces of every transfer in time order; src < 0 is the party origin -(src+1). */
export type PieceListener = (
  transfer: number,
  src: number,
  dst: number,
  origins: Int32Array,
  amounts: Float64Array,
  count: number,
) => void;

export interface FastTraceOptions {
  onPieces?: PieceListener;
}

export interface FastTraceResult {
  holdings: Holdings;
  /** bytes of typed arrays held by the engine at the end (lot pool, arena, per-account arrays) */
  engineBytes: number;
  /** largest value engineBytes took during the run */
  peakEngineBytes: number;
}

const RULE_FIFO = 0;
const RULE_LIFO = 1;
const RULE_LIBR = 2;
const RULE_PRORATA = 3;

class LotEngine {
  private readonly rule: number;
  private readonly nAcc: number;
  private readonly isSink: Uint8Array;
  private readonly originRole: Uint8Array;
  readonly balance: Float64Array;
  private readonly ownBal: Float64Array;
  // lot pool
  private lotOrigin = new Int32Array(1024);
  private lotAmount = new Float64Array(1024);
  private lotNext = new Int32Array(1024);
  private lotPrev = new Int32Array(1024);
  private lotTop = 0;
  private lotFree = NIL;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  // origin-map arena
  private readonly mapStart: Int32Array;
  private readonly mapLen: Int32Array;
  private readonly mapCap: Int32Array;
  private mapOrigin = new Int32Array(4096);
  private mapAmount = new Float64Array(4096);
  private arenaTop = 0;
  private readonly sinks: SinkTable;
  // scratch
  pOrigin = new Int32Array(256);
  pAmount = new Float64Array(256);
  pCount = 0;
  private qs = new Float64Array(256);
  private rs = new Float64Array(256);
  peakBytes = 0;

  constructor(ledger: CompiledLedger, rule: TraceRule) {
    this.rule =
      rule === 'fifo' ? RULE_FIFO : rule === 'lifo' ? RULE_LIFO : rule === 'libr' ? RULE_LIBR : RULE_PRORATA;
    const n = ledger.accountIds.length;
    this.nAcc = n;
    this.isSink = ledger.isSink;
    this.originRole = ledger.originRole;
    this.balance = new Float64Array(n);
    this.ownBal = new Float64Array(this.rule === RULE_LIBR ? n : 0);
    this.head = new Int32Array(n).fill(NIL);
    this.tail = new Int32Array(n).fill(NIL);
    this.mapStart = new Int32Array(n);
    this.mapLen = new Int32Array(n);
    this.mapCap = new Int32Array(n);
    // Size the sink table once from the number of transfers into sinks (most carry 1–2 pieces).
    let intoSinks = 0;
    for (let i = 0; i < ledger.transferCount; i++) intoSinks += ledger.isSink[ledger.to[i]!]!;
    this.sinks = new SinkTable(Math.min(intoSinks * 2, n * ledger.originIds.length));
  }

  bytes(): number {
    return (
      this.lotOrigin.byteLength * 2 +
      this.lotAmount.byteLength +
      this.lotNext.byteLength +
      this.mapOrigin.byteLength +
      this.mapAmount.byteLength +
      this.nAcc * (8 + 4 * 5 + (this.rule === RULE_LIBR ? 8 : 0)) +
      this.pOrigin.byteLength * 3 +
      this.sinks.byteLength +
      this.qs.byteLength * 2
    );
  }

  private notePeak(): void {
    const b = this.bytes();
    if (b > this.peakBytes) this.peakBytes = b;
  }

  // ---- lot lists ------------------------------------------------------------------------------

  private allocLot(): number {
    const f = this.lotFree;
    if (f !== NIL) {
      this.lotFree = this.lotNext[f]!;
      return f;
    }
    if (this.lotTop === this.lotOrigin.length) {
      const cap = this.lotOrigin.length * 2;
      const o = new Int32Array(cap);
      o.set(this.lotOrigin);
      this.lotOrigin = o;
      const a = new Float64Array(cap);
      a.set(this.lotAmount);
      this.lotAmount = a;
      const nx = new Int32Array(cap);
      nx.set(this.lotNext);
      this.lotNext = nx;
      const pv = new Int32Array(cap);
      pv.set(this.lotPrev);
      this.lotPrev = pv;
      this.notePeak();
    }
    return this.lotTop++;
  }

  appendLot(a: number, o: number, x: number): void {
    const t = this.tail[a]!;
    if (t !== NIL && this.lotOrigin[t] === o) {
      this.lotAmount[t]! += x;
      return;
    }
    const n = this.allocLot();
    this.lotOrigin[n] = o;
    this.lotAmount[n] = x;
    this.lotNext[n] = NIL;
    this.lotPrev[n] = t;
    if (t === NIL) this.head[a] = n;
    else this.lotNext[t] = n;
    this.tail[a] = n;
  }

  /** Takes x (≤ what the list holds) oldest first; pieces oldest first. */
  private takeHead(a: number, x: number): void {
    const lotOrigin = this.lotOrigin;
    const lotAmount = this.lotAmount;
    const lotNext = this.lotNext;
    let need = x;
    let node = this.head[a]!;
    while (need > 0) {
      const amt = lotAmount[node]!;
      if (amt <= need) {
        this.pushPiece(lotOrigin[node]!, amt);
        need -= amt;
        const next = lotNext[node]!;
        lotNext[node] = this.lotFree;
        this.lotFree = node;
        node = next;
      } else {
        this.pushPiece(lotOrigin[node]!, need);
        lotAmount[node] = amt - need;
        need = 0;
      }
    }
    this.head[a] = node;
    if (node === NIL) this.tail[a] = NIL;
    else this.lotPrev[node] = NIL;
  }

  /** Takes x newest first; pieces still emitted oldest first (rule 6). */
  private takeTail(a: number, x: number): void {
    const lotOrigin = this.lotOrigin;
    const lotAmount = this.lotAmount;
    const lotNext = this.lotNext;
    const lotPrev = this.lotPrev;
    let need = x;
    let node = this.tail[a]!;
    let oldestFull = NIL;
    while (need > 0) {
      const amt = lotAmount[node]!;
      if (amt > need) break;
      need -= amt;
      oldestFull = node;
      node = lotPrev[node]!;
    }
    if (need > 0) {
      this.pushPiece(lotOrigin[node]!, need);
      lotAmount[node]! -= need;
    }
    let cur = oldestFull;
    while (cur !== NIL) {
      this.pushPiece(lotOrigin[cur]!, lotAmount[cur]!);
      const next = lotNext[cur]!;
      lotNext[cur] = this.lotFree;
      this.lotFree = cur;
      cur = next;
    }
    this.tail[a] = node;
    if (node === NIL) this.head[a] = NIL;
    else lotNext[node] = NIL;
  }

  // ---- origin maps ----------------------------------------------------------------------------

  private ensureMapCap(a: number, need: number): void {
    const cap = this.mapCap[a]!;
    if (cap >= need) return;
    const newCap = Math.max(4, need, cap * 2);
    if (this.arenaTop + newCap > this.mapOrigin.length) this.compact(newCap);
    const s = this.mapStart[a]!;
    const len = this.mapLen[a]!;
    const top = this.arenaTop;
    this.mapOrigin.copyWithin(top, s, s + len);
    this.mapAmount.copyWithin(top, s, s + len);
    this.mapStart[a] = top;
    this.mapCap[a] = newCap;
    this.arenaTop = top + newCap;
  }

  /**
   * Copies every live run into a fresh arena with room for `extra` more. Runs are trimmed to
   * 1.5× their length (empty ones released), so the arena stays near 2× the live entries.
   */
  private compact(extra: number): void {
    let live = 0;
    for (let a = 0; a < this.nAcc; a++) {
      const len = this.mapLen[a]!;
      const cap = len === 0 ? 0 : Math.max(4, len + (len >> 1));
      this.mapCap[a] = cap;
      live += cap;
    }
    const size = Math.max(4096, Math.ceil(1.5 * (live + extra)));
    const o = new Int32Array(size);
    const m = new Float64Array(size);
    let top = 0;
    for (let a = 0; a < this.nAcc; a++) {
      const cap = this.mapCap[a]!;
      if (cap === 0) continue;
      const s = this.mapStart[a]!;
      const len = this.mapLen[a]!;
      for (let k = 0; k < len; k++) {
        o[top + k] = this.mapOrigin[s + k]!;
        m[top + k] = this.mapAmount[s + k]!;
      }
      this.mapStart[a] = top;
      top += cap;
    }
    this.mapOrigin = o;
    this.mapAmount = m;
    this.arenaTop = top;
    this.notePeak();
  }

  mapCredit(a: number, o: number, x: number): void {
    let s = this.mapStart[a]!;
    let len = this.mapLen[a]!;
    let lo = 0;
    let hi = len;
    const origins = this.mapOrigin;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (origins[s + mid]! < o) lo = mid + 1;
      else hi = mid;
    }
    if (lo < len && origins[s + lo] === o) {
      this.mapAmount[s + lo]! += x;
      return;
    }
    this.ensureMapCap(a, len + 1);
    s = this.mapStart[a]!;
    len = this.mapLen[a]!;
    const mo = this.mapOrigin;
    const ma = this.mapAmount;
    mo.copyWithin(s + lo + 1, s + lo, s + len);
    ma.copyWithin(s + lo + 1, s + lo, s + len);
    mo[s + lo] = o;
    ma[s + lo] = x;
    this.mapLen[a] = len + 1;
  }

  /** Credits pieces [from, to) of the scratch, ascending by origin, by one backward merge. */
  private mapCreditSorted(a: number, from: number, to: number): void {
    const k = to - from;
    if (k <= 4) {
      for (let i = from; i < to; i++) this.mapCredit(a, this.pOrigin[i]!, this.pAmount[i]!);
      return;
    }
    const len = this.mapLen[a]!;
    this.ensureMapCap(a, len + k);
    const s = this.mapStart[a]!;
    const mo = this.mapOrigin;
    const ma = this.mapAmount;
    const po = this.pOrigin;
    const pa = this.pAmount;
    // Count distinct origins of the union to know where the merged run ends.
    let i = 0;
    let j = from;
    let total = 0;
    while (i < len && j < to) {
      const oi = mo[s + i]!;
      const oj = po[j]!;
      if (oi < oj) i++;
      else if (oj < oi) j++;
      else {
        i++;
        j++;
      }
      total++;
    }
    total += len - i + (to - j);
    // Merge from the back so nothing is overwritten before it is read.
    let w = s + total - 1;
    i = len - 1;
    j = to - 1;
    while (j >= from) {
      const oj = po[j]!;
      if (i >= 0 && mo[s + i]! > oj) {
        mo[w] = mo[s + i]!;
        ma[w] = ma[s + i]!;
        i--;
      } else if (i >= 0 && mo[s + i] === oj) {
        mo[w] = oj;
        ma[w] = ma[s + i]! + pa[j]!;
        i--;
        j--;
      } else {
        mo[w] = oj;
        ma[w] = pa[j]!;
        j--;
      }
      w--;
    }
    this.mapLen[a] = total;
  }

  /** Takes x of the map's `total` pro rata with largest remainders (rule 5); pieces ascending. */
  private takeMap(a: number, x: number, total: number): void {
    const s = this.mapStart[a]!;
    const len = this.mapLen[a]!;
    const mo = this.mapOrigin;
    const ma = this.mapAmount;
    if (x === total) {
      for (let k = 0; k < len; k++) this.pushPiece(mo[s + k]!, ma[s + k]!);
      this.mapLen[a] = 0;
      return;
    }
    if (this.qs.length < len) {
      this.qs = new Float64Array(len * 2);
      this.rs = new Float64Array(len * 2);
    }
    const qs = this.qs;
    const rs = this.rs;
    let given = 0;
    for (let k = 0; k < len; k++) {
      const amt = ma[s + k]!;
      const p = amt * x;
      let q: number;
      let r: number;
      if (p <= SAFE - total) {
        q = Math.floor(p / total);
        r = p - q * total;
        if (r < 0) {
          q--;
          r += total;
        } else if (r >= total) {
          q++;
          r -= total;
        }
      } else {
        const P = BigInt(amt) * BigInt(x);
        const T = BigInt(total);
        q = Number(P / T);
        r = Number(P % T);
      }
      qs[k] = q;
      rs[k] = r;
      given += q;
    }
    let left = x - given;
    if (left > 0) {
      if (left * len <= 1024) {
        // a few scans beat sorting for small runs
        while (left > 0) {
          let best = -1;
          let bestR = 0;
          for (let k = 0; k < len; k++) {
            const r = rs[k]!;
            if (r > bestR) {
              bestR = r;
              best = k;
            }
          }
          qs[best]!++;
          rs[best] = 0;
          left--;
        }
      } else {
        const idx = new Int32Array(len);
        for (let k = 0; k < len; k++) idx[k] = k;
        idx.sort((p, q) => rs[q]! - rs[p]! || p - q);
        for (let k = 0; k < left; k++) qs[idx[k]!]!++;
      }
    }
    let w = s;
    for (let k = 0; k < len; k++) {
      const q = qs[k]!;
      const o = mo[s + k]!;
      const rest = ma[s + k]! - q;
      if (q > 0) this.pushPiece(o, q);
      if (rest > 0) {
        mo[w] = o;
        ma[w] = rest;
        w++;
      }
    }
    this.mapLen[a] = w - s;
  }

  // ---- pieces and transfers -------------------------------------------------------------------

  private pushPiece(o: number, x: number): void {
    const c = this.pCount;
    if (c === this.pOrigin.length) {
      const po = new Int32Array(c * 2);
      po.set(this.pOrigin);
      this.pOrigin = po;
      const pa = new Float64Array(c * 2);
      pa.set(this.pAmount);
      this.pAmount = pa;
    }
    this.pOrigin[c] = o;
    this.pAmount[c] = x;
    this.pCount = c + 1;
  }

  /** Money from outside (a party, an opening balance or a gap) arrives as the newest lot. */
  deposit(a: number, o: number, x: number): void {
    this.balance[a]! += x;
    if (this.isSink[a] === 1) this.sinks.add(a, o, x);
    else if (this.rule === RULE_PRORATA) this.mapCredit(a, o, x);
    else if (this.rule === RULE_LIBR) {
      if (this.originRole[o]! >= 2) {
        this.appendLot(a, o, x);
        this.ownBal[a]! += x;
      } else this.mapCredit(a, o, x);
    } else this.appendLot(a, o, x);
  }

  /** Debits x from account a into the scratch pieces (rule 4, pieces in the order of rule 6). */
  debit(a: number, x: number): void {
    this.pCount = 0;
    const bal = this.balance[a]!;
    switch (this.rule) {
      case RULE_FIFO:
        this.takeHead(a, x);
        break;
      case RULE_LIFO:
        this.takeTail(a, x);
        break;
      case RULE_PRORATA:
        this.takeMap(a, x, bal);
        break;
      default: {
        const own = this.ownBal[a]!;
        const fromOwn = Math.min(x, own);
        if (fromOwn > 0) {
          this.takeHead(a, fromOwn);
          this.ownBal[a] = own - fromOwn;
        }
        if (x > fromOwn) this.takeMap(a, x - fromOwn, bal - own);
      }
    }
    this.balance[a] = bal - x;
  }

  /** Credits the scratch pieces to account d. */
  credit(d: number, x: number): void {
    this.balance[d]! += x;
    const n = this.pCount;
    const po = this.pOrigin;
    const pa = this.pAmount;
    if (this.isSink[d] === 1) {
      for (let i = 0; i < n; i++) this.sinks.add(d, po[i]!, pa[i]!);
    } else if (this.rule === RULE_PRORATA) {
      this.mapCreditSorted(d, 0, n);
    } else if (this.rule === RULE_LIBR) {
      // own/unknown pieces come first (oldest first), then the claimants ascending
      let i = 0;
      while (i < n && this.originRole[po[i]!]! >= 2) {
        this.appendLot(d, po[i]!, pa[i]!);
        this.ownBal[d]! += pa[i]!;
        i++;
      }
      this.mapCreditSorted(d, i, n);
    } else {
      for (let i = 0; i < n; i++) this.appendLot(d, po[i]!, pa[i]!);
    }
  }

  /** Final holdings per account, origins ascending: lots summed in a dense scratch by origin. */
  holdings(nOrig: number): Holdings {
    const n = this.nAcc;
    const start = new Int32Array(n + 1);
    let outO: Int32Array = new Int32Array(Math.max(16, this.arenaTop + this.lotTop + this.sinks.size));
    let outA: Float64Array = new Float64Array(outO.length);
    let top = 0;
    const sums = new Float64Array(nOrig);
    const touched = new Int32Array(nOrig);
    // Sinks: bucket the hash table by sink (counting sort), then sort each bucket by origin.
    const sinkCount = new Int32Array(n + 1);
    this.sinks.forEach((sink) => {
      sinkCount[sink + 1]!++;
    });
    for (let a = 0; a < n; a++) sinkCount[a + 1]! += sinkCount[a]!;
    const sinkOrigin = new Int32Array(this.sinks.size);
    const sinkAmount = new Float64Array(this.sinks.size);
    const fill = sinkCount.slice(0, n);
    this.sinks.forEach((sink, o, x) => {
      const k = fill[sink]!++;
      sinkOrigin[k] = o;
      sinkAmount[k] = x;
    });
    for (let a = 0; a < n; a++) {
      start[a] = top;
      if (this.isSink[a] === 1) {
        const lo = sinkCount[a]!;
        const hi = sinkCount[a + 1]!;
        for (let k = lo; k < hi; k++) sums[sinkOrigin[k]!] = sinkAmount[k]!;
        const keys = sinkOrigin.subarray(lo, hi).sort();
        if (top + keys.length > outO.length) [outO, outA] = grow(outO, outA, top + keys.length);
        for (let k = 0; k < keys.length; k++) {
          const o = keys[k]!;
          outO[top] = o;
          outA[top] = sums[o]!;
          sums[o] = 0;
          top++;
        }
        continue;
      }
      let t = 0;
      const s = this.mapStart[a]!;
      const len = this.mapLen[a]!;
      const lotsHead = this.head[a]!;
      if (lotsHead === NIL) {
        // only a map: already sorted and summed
        if (top + len > outO.length) [outO, outA] = grow(outO, outA, top + len);
        for (let k = 0; k < len; k++) {
          outO[top] = this.mapOrigin[s + k]!;
          outA[top] = this.mapAmount[s + k]!;
          top++;
        }
        continue;
      }
      for (let node = lotsHead; node !== NIL; node = this.lotNext[node]!) {
        const o = this.lotOrigin[node]!;
        if (sums[o] === 0) touched[t++] = o;
        sums[o]! += this.lotAmount[node]!;
      }
      for (let k = 0; k < len; k++) {
        const o = this.mapOrigin[s + k]!;
        if (sums[o] === 0) touched[t++] = o;
        sums[o]! += this.mapAmount[s + k]!;
      }
      // Few origins per account: insertion sort in place beats a subarray and its sort.
      if (t > 32) touched.subarray(0, t).sort();
      else
        for (let k = 1; k < t; k++) {
          const v = touched[k]!;
          let j = k - 1;
          while (j >= 0 && touched[j]! > v) {
            touched[j + 1] = touched[j]!;
            j--;
          }
          touched[j + 1] = v;
        }
      if (top + t > outO.length) [outO, outA] = grow(outO, outA, top + t);
      for (let k = 0; k < t; k++) {
        const o = touched[k]!;
        outO[top] = o;
        outA[top] = sums[o]!;
        sums[o] = 0;
        top++;
      }
    }
    start[n] = top;
    return { start, origin: outO.slice(0, top), amount: outA.slice(0, top) };
  }
}

function grow(o: Int32Array, a: Float64Array, need: number): [Int32Array, Float64Array] {
  const o2 = new Int32Array(need * 2);
  o2.set(o);
  const a2 = new Float64Array(need * 2);
  a2.set(a);
  return [o2, a2];
}

/** Runs one rule over the whole ledger. Pure: the ledger is not modified. */
export function traceFast(
  ledger: CompiledLedger,
  rule: TraceRule,
  options: FastTraceOptions = {},
): FastTraceResult {
  const e = new LotEngine(ledger, rule);
  const { from, to, amount, order, unknownOrigin, openingOrigin, opening } = ledger;
  const listener = options.onPieces;
  for (let a = 0; a < ledger.accountIds.length; a++) {
    const o = openingOrigin[a]!;
    if (o >= 0) e.deposit(a, o, opening[a]!);
  }
  const balance = e.balance;
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const t = order[k]!;
    const f = from[t]!;
    const d = to[t]!;
    const x = amount[t]!;
    if (f < 0) {
      const o = -f - 1;
      e.deposit(d, o, x);
      if (listener) {
        e.pCount = 0;
        e.pOrigin[0] = o;
        e.pAmount[0] = x;
        e.pCount = 1;
        listener(t, f, d, e.pOrigin, e.pAmount, 1);
      }
      continue;
    }
    const b = balance[f]!;
    if (x > b) e.deposit(f, unknownOrigin[f]!, x - b); // rule 3: the gap is the newest lot
    e.debit(f, x);
    if (listener) listener(t, f, d, e.pOrigin, e.pAmount, e.pCount);
    e.credit(d, x);
  }
  const holdings = e.holdings(ledger.originIds.length);
  const engineBytes = e.bytes();
  return { holdings, engineBytes, peakEngineBytes: Math.max(e.peakBytes, engineBytes) };
}
