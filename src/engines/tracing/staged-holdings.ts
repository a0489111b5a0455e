/**
 * Final holdings of the lot-list rules (fifo, lifo), summed run by run of the application order.
 *
 * Why. No account takes part in two runs (compiled-ledger.ts: runEnds, runAccounts) except
 * sinks, so when a run is over its accounts' holdings are final. Summed then, an account's lots
 * are where the run left them: the run's nodes were allocated (or taken from the free list)
 * while it ran, so they lie close together in the pool and in cache. A pass over all lists at the
 * end instead follows a million lists of nodes spread over the whole pool in account order — a
 * cache and TLB miss a node, up to 40 % of a fifo run at 10 M transfers. The lots of a finished
 * run go back to the free list, so the pool holds the opening lots and one run's lots at a time.
 *
 * How. At the end of a run, `stage` sums each of its accounts' lists by origin into the staging
 * area (origins ascending), in run order. `finish` writes the holdings in account order: the
 * counts give every account its start, the staged entries are copied there (read in order, one
 * jump a account), then come the sinks' tables, sorted by origin, and the opening of accounts in
 * no run.
 */
import type { CompiledLedger } from './compiled-ledger.js';
import { resizePairs, sortFew } from './pair-columns.js';
import type { SinkTable } from './sink-table.js';
import type { Holdings } from './trace-document.js';

const NIL = -1;

export class StagedHoldings {
  /** entries staged per position in ledger.runAccounts */
  private readonly count: Int32Array;
  /** staged (origin, amount) entries, by position in runAccounts */
  private o: Int32Array;
  private x: Float64Array;
  private top = 0;
  /** per origin: the sum of one account's lots (0: not touched) */
  private readonly sums: Float64Array;
  private readonly touched: Int32Array;

  constructor(private readonly ledger: CompiledLedger) {
    this.count = new Int32Array(ledger.runAccounts.length);
    // one entry per (account, origin) held at the end, at most one a lot: the benchmark's
    // networks end with ~0.26 a transfer outside the sinks; more grows the area by half
    this.o = new Int32Array(Math.max(1024, Math.ceil(ledger.transferCount * 0.3)));
    this.x = new Float64Array(this.o.length);
    this.sums = new Float64Array(ledger.originIds.length);
    this.touched = new Int32Array(ledger.originIds.length);
  }

  get byteLength(): number {
    return (
      this.count.byteLength +
      this.o.byteLength +
      this.x.byteLength +
      this.sums.byteLength +
      this.touched.byteLength
    );
  }

  /**
   * Stages the holdings of the account at position p of runAccounts (positions in order), whose
   * lots are the list from `head` through the links at I[4i+3] (amount at F[2i], origin at
   * I[4i+2]). Returns the list's last node (NIL if empty).
   */
  stage(p: number, F: Float64Array, I: Int32Array, head: number): number {
    const sums = this.sums;
    const touched = this.touched;
    let t = 0;
    let last = NIL;
    for (let nd = head; nd !== NIL; nd = I[4 * nd + 3]!) {
      const o = I[4 * nd + 2]!;
      if (sums[o] === 0) touched[t++] = o;
      sums[o]! += F[2 * nd]!;
      last = nd;
    }
    sortFew(touched, t);
    let w = this.top;
    if (w + t > this.o.length) this.grow(w + t);
    const so = this.o;
    const sx = this.x;
    this.count[p] = t;
    for (let k = 0; k < t; k++) {
      const o = touched[k]!;
      so[w] = o;
      sx[w] = sums[o]!;
      sums[o] = 0;
      w++;
    }
    this.top = w;
    return last;
  }

  /** ×1.5: the staging area starts at a size taken from the transfer count */
  private grow(need: number): void {
    const cap = Math.max(need, Math.ceil(this.o.length * 1.5));
    [this.o, this.x] = resizePairs(this.o, this.x, this.top, cap);
  }

  /** The holdings in account order; the sinks' money comes from their tables. */
  finish(sinks: SinkTable): Holdings {
    const { isSink, openingOrigin, opening, runAccounts } = this.ledger;
    const n = isSink.length;
    const staged = this.count;
    const m = runAccounts.length;
    // entries per account, then each account's start
    const start = new Int32Array(n + 1);
    for (let a = 0; a < n; a++) start[a] = isSink[a] === 1 ? sinks.count(a) : openingOrigin[a]! >= 0 ? 1 : 0;
    for (let p = 0; p < m; p++) start[runAccounts[p]!] = staged[p]!;
    let total = 0;
    for (let a = 0; a < n; a++) {
      const c = start[a]!;
      start[a] = total;
      total += c;
    }
    start[n] = total;
    // one buffer for both columns: one allocation
    const buf = new ArrayBuffer(12 * total);
    const amount = new Float64Array(buf, 0, total);
    const origin = new Int32Array(buf, 8 * total, total);
    this.place(start, origin, amount);
    const sums = this.sums;
    const inRun = new Uint8Array(n);
    for (let p = 0; p < m; p++) inRun[runAccounts[p]!] = 1;
    for (let a = 0; a < n; a++) {
      const w = start[a]!;
      if (isSink[a] === 1) {
        const k = sinks.collect(a, origin, amount, w);
        if (k > 1) {
          for (let j = w; j < w + k; j++) sums[origin[j]!] = amount[j]!;
          origin.subarray(w, w + k).sort();
          for (let j = w; j < w + k; j++) {
            const o = origin[j]!;
            amount[j] = sums[o]!;
            sums[o] = 0;
          }
        }
      } else if (inRun[a] === 0 && openingOrigin[a]! >= 0) {
        origin[w] = openingOrigin[a]!;
        amount[w] = opening[a]!;
      }
    }
    return { start, origin, amount };
  }

  /**
   * Copies the staged entries (in run order) to their places (in account order): the reads are
   * sequential, the writes land at one place per account. (A two-pass placement through blocks of
   * accounts, meant to keep the writes within reach of the cache, measured no faster.)
   */
  private place(start: Int32Array, origin: Int32Array, amount: Float64Array): void {
    const { runAccounts } = this.ledger;
    const staged = this.count;
    const so = this.o;
    const sx = this.x;
    for (let p = 0, r = 0; p < runAccounts.length; p++) {
      let w = start[runAccounts[p]!]!;
      for (let e = r + staged[p]!; r < e; r++) {
        origin[w] = so[r]!;
        amount[w] = sx[r]!;
        w++;
      }
    }
  }
}
