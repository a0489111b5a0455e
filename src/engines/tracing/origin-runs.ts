/**
 * Origin maps of the fast engine (prorata, and libr's claimant money): per account a run of
 * (origin, amount) pairs sorted by origin in one arena, and the exact pro-rata split of rule 5
 * (largest remainders, ties to the smaller origin = earlier in the run). lot-engine.ts drives them.
 */

import { resizePairs } from './pair-columns.js';

const NIL = -1;
const SAFE = Number.MAX_SAFE_INTEGER;
/** balances up to 2^35 fen take the chunked exact split (three 16-bit steps) instead of BigInt */
const CHUNKED_MAX = 2 ** 35;
/** buckets of remainders in the selection of the largest (giveLeftover) */
const BUCKETS = 16;

/**
 * Block sizes: 1, 2, 3, then 4, 5, 6, 7 times each power of two (4, 5, 6, 7, 8, 10, 12, 14, 16, 20,
 * …): a quarter step instead of a doubling keeps a block ~90% full instead of ~70% (the arena is
 * most of prorata's and libr's memory), at the price of a growing run moving more often — and a
 * run moves anyway when a merge outgrows its block, in the merge's one pass.
 */
export function classSize(c: number): number {
  return c < 3 ? c + 1 : (4 + ((c - 3) & 3)) << ((c - 3) >> 2);
}

/** The smallest class whose blocks hold `need` (≥ 1) entries. */
export function classFor(need: number): number {
  if (need <= 3) return need - 1;
  const e = 29 - Math.clz32(need); // 4·2^e ≤ need < 8·2^e
  const m = ((need - 1) >> e) + 1; // ⌈need / 2^e⌉, 4..8
  return 3 + 4 * e + m - 4;
}

/** The class of a block of `cap` entries (a class size). */
function classOf(cap: number): number {
  if (cap <= 3) return cap - 1;
  const e = 29 - Math.clz32(cap);
  return 3 + 4 * e + (cap >> e) - 4;
}

/**
 * Per account a run of (origin, amount) pairs sorted by origin, inside one arena (origin Int32 |
 * amount Float64, 12 bytes an entry). The run's start, length and capacity live in the caller's
 * account records at meta[m], meta[m+1], meta[m+2] (m = a·stride + offset). A run that outgrows
 * its block moves to a block of the next size class that fits and its old block goes to the free
 * list of its class, where the next run of that class takes it. An emptied run gives its block
 * back. Nothing is ever compacted (a compacting arena was tried: at 10 M transfers the compactions,
 * and the full garbage collections their new arrays set off, took half the time); the arena grows
 * when all blocks are in use (grow) from a start taken from the transfer count (arenaCapacity).
 */
export class MapArena {
  o: Int32Array;
  x: Float64Array;
  top = 0;
  /** first free block of each class, chained through the block's first origin slot */
  private readonly freeHead = new Int32Array(64).fill(NIL);

  /** transfers applied so far, kept up to date by the run: a growth is sized from the rate so far */
  step = 0;

  constructor(
    readonly meta: Int32Array,
    cap: number,
    /** transfers the run will apply */
    private readonly steps: number,
  ) {
    this.o = new Int32Array(Math.max(4096, cap));
    this.x = new Float64Array(this.o.length);
  }

  get byteLength(): number {
    return this.o.byteLength + this.x.byteLength;
  }

  private alloc(c: number): number {
    const f = this.freeHead[c]!;
    if (f !== NIL) {
      this.freeHead[c] = this.o[f]!;
      return f;
    }
    const size = classSize(c);
    if (this.top + size > this.o.length) this.grow(size);
    const s = this.top;
    this.top += size;
    return s;
  }

  /**
   * Copies the arena into larger arrays. The arena fills about in proportion to the transfers
   * applied (on the benchmark's networks the projection below was within 1% of the final need),
   * so it is sized for the whole ledger at the rate so far, plus a 32nd — at least a 32nd more, at
   * most twice as much: growing by a fixed factor either overshoots (×1.5 left a third of it
   * unused) or grows again, and each growth of a large array costs a copy and a full garbage
   * collection.
   */
  private grow(size: number): void {
    const len = this.o.length;
    const done = Math.min(1, Math.max(1, this.step) / Math.max(1, this.steps));
    const margin = 1 + 1 / 32;
    const projected = (this.top / done) * margin;
    const cap = Math.ceil(Math.max(this.top + size, Math.min(2 * len, Math.max(len * margin, projected))));
    [this.o, this.x] = resizePairs(this.o, this.x, this.top, cap);
  }

  private free(s: number, cap: number): void {
    const c = classOf(cap);
    this.o[s] = this.freeHead[c]!;
    this.freeHead[c] = s;
  }

  /** Gives the block of the run at meta[m] back (the run must be empty). */
  release(m: number): void {
    const meta = this.meta;
    const cap = meta[m + 2]!;
    if (cap === 0) return;
    this.free(meta[m]!, cap);
    meta[m + 2] = 0;
  }

  /** Makes room for `need` entries in the run at meta[m]; may move the run. */
  ensure(m: number, need: number): void {
    const meta = this.meta;
    const cap = meta[m + 2]!;
    if (cap >= need) return;
    const c = classFor(need);
    const s2 = this.alloc(c);
    const len = meta[m + 1]!;
    const s = meta[m]!;
    // loops, not copyWithin: runs are short and the builtin's call costs more than the copy
    const mo = this.o;
    const ma = this.x;
    for (let k = 0; k < len; k++) {
      mo[s2 + k] = mo[s + k]!;
      ma[s2 + k] = ma[s + k]!;
    }
    if (cap > 0) this.free(s, cap);
    meta[m] = s2;
    meta[m + 2] = classSize(c);
  }

  /** Adds x of origin o to the run at meta[m]. */
  credit(m: number, o: number, x: number): void {
    const meta = this.meta;
    let s = meta[m]!;
    const len = meta[m + 1]!;
    let lo = 0;
    let hi = len;
    const origins = this.o;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (origins[s + mid]! < o) lo = mid + 1;
      else hi = mid;
    }
    if (lo < len && origins[s + lo] === o) {
      this.x[s + lo]! += x;
      return;
    }
    this.ensure(m, len + 1);
    s = meta[m]!;
    const mo = this.o;
    const ma = this.x;
    for (let k = s + len; k > s + lo; k--) {
      mo[k] = mo[k - 1]!;
      ma[k] = ma[k - 1]!;
    }
    mo[s + lo] = o;
    ma[s + lo] = x;
    meta[m + 1] = len + 1;
  }

  /**
   * Hands the whole run at meta[ms] to the empty run at meta[md] (d ≠ s): the two records swap
   * blocks, and the emptied block goes back to the free list.
   */
  handOver(ms: number, md: number): void {
    const meta = this.meta;
    const s = meta[ms]!;
    const len = meta[ms + 1]!;
    const cap = meta[ms + 2]!;
    meta[ms] = meta[md]!;
    meta[ms + 1] = 0;
    meta[ms + 2] = meta[md + 2]!;
    meta[md] = s;
    meta[md + 1] = len;
    meta[md + 2] = cap;
    this.release(ms);
  }

  /** Moves the whole run at meta[ms] into the run at meta[md] (d ≠ s) and frees its block. */
  mergeRun(ms: number, md: number): void {
    const meta = this.meta;
    const s = meta[ms]!;
    const len = meta[ms + 1]!;
    if (meta[md + 1] === 0) {
      this.handOver(ms, md);
      return;
    }
    // The source's entries stay where they are while the destination grows: if the arena is
    // copied into larger arrays meanwhile, the old arrays passed here still hold them.
    this.creditSorted(md, this.o, this.x, s, s + len);
    meta[ms + 1] = 0;
    this.release(ms);
  }

  /**
   * Credits pieces [from, to) of (po, pa), ascending by origin, to the run at meta[m]. The pieces
   * may be another run of this arena (mergeRun): they are only read, from po and pa as given.
   */
  creditSorted(m: number, po: Int32Array, pa: Float64Array, from: number, to: number): void {
    const k = to - from;
    if (k === 0) return;
    const meta = this.meta;
    const len = meta[m + 1]!;
    if (len === 0) {
      this.ensure(m, k);
      const s = meta[m]!;
      // a loop, not set(subarray): the views cost an allocation each
      const mo = this.o;
      const ma = this.x;
      for (let i = 0; i < k; i++) {
        mo[s + i] = po[from + i]!;
        ma[s + i] = pa[from + i]!;
      }
      meta[m + 1] = k;
      return;
    }
    if (k <= 2) {
      for (let i = from; i < to; i++) this.credit(m, po[i]!, pa[i]!);
      return;
    }
    const cap = meta[m + 2]!;
    if (len + k > cap) {
      this.mergeForward(m, po, pa, from, to);
      return;
    }
    const s = meta[m]!;
    const mo = this.o;
    const ma = this.x;
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
      const oi = i >= 0 ? mo[s + i]! : -1;
      if (oi > oj) {
        mo[w] = oi;
        ma[w] = ma[s + i]!;
        i--;
      } else if (oi === oj) {
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
    meta[m + 1] = total;
  }

  /**
   * The merge of creditSorted when the union may not fit the block: one forward pass into a new
   * block sized for len + k, instead of moving the run and then merging it in place.
   */
  private mergeForward(m: number, po: Int32Array, pa: Float64Array, from: number, to: number): void {
    const meta = this.meta;
    const len = meta[m + 1]!;
    const c = classFor(len + to - from);
    const s2 = this.alloc(c);
    // after alloc: it may have copied the arena into larger arrays
    const s = meta[m]!;
    const mo = this.o;
    const ma = this.x;
    let w = s2;
    let i = s;
    const iEnd = s + len;
    let j = from;
    while (i < iEnd && j < to) {
      const oi = mo[i]!;
      const oj = po[j]!;
      if (oi < oj) {
        mo[w] = oi;
        ma[w] = ma[i]!;
        i++;
      } else if (oj < oi) {
        mo[w] = oj;
        ma[w] = pa[j]!;
        j++;
      } else {
        mo[w] = oi;
        ma[w] = ma[i]! + pa[j]!;
        i++;
        j++;
      }
      w++;
    }
    for (; i < iEnd; i++, w++) {
      mo[w] = mo[i]!;
      ma[w] = ma[i]!;
    }
    for (; j < to; j++, w++) {
      mo[w] = po[j]!;
      ma[w] = pa[j]!;
    }
    this.free(s, meta[m + 2]!);
    meta[m] = s2;
    meta[m + 1] = w - s2;
    meta[m + 2] = classSize(c);
  }
}

/** Where a split writes its pieces: (o, x) from index n on, after reserve(count). */
export interface PieceBuffer {
  o: Int32Array;
  x: Float64Array;
  n: number;
  reserve(count: number): void;
}

/**
 * The pro-rata split of rule 5 on a run: each origin gets floor(amount·y/total) — exactly: in
 * doubles while amount·y + total ≤ 2^53 (checked once for the whole run when total·(y+1) is),
 * by long division in base 2^16 while total ≤ 2^35 (every intermediate below 2^53), in BigInt
 * beyond — and the fen left over go one each to the largest remainders, ties to the earlier
 * origin (the smaller id).
 */
export class ProRataSplit {
  private qs = new Float64Array(256);
  private rs = new Float64Array(256);
  private idx = new Int32Array(256);
  private count = new Int32Array(BUCKETS + 1);

  get byteLength(): number {
    return this.qs.byteLength + this.rs.byteLength + this.idx.byteLength + this.count.byteLength;
  }

  /**
   * Takes y (0 < y ≤ total) from the run [s, s+len) of (mo, ma), whose amounts add up to `total`.
   * Appends the pieces, ascending by origin, to `out` and compacts the run in place (origins left
   * with nothing drop out); returns the run's new length.
   */
  take(
    mo: Int32Array,
    ma: Float64Array,
    s: number,
    len: number,
    y: number,
    total: number,
    out: PieceBuffer,
  ): number {
    out.reserve(len);
    const po = out.o;
    const px = out.x;
    let n = out.n;
    if (y === total) {
      for (let k = 0; k < len; k++) {
        po[n] = mo[s + k]!;
        px[n] = ma[s + k]!;
        n++;
      }
      out.n = n;
      return 0;
    }
    if (len === 1) {
      // one origin: it gives all of y, nothing to divide
      po[n] = mo[s]!;
      px[n] = y;
      out.n = n + 1;
      ma[s] = total - y;
      return 1;
    }
    if (this.qs.length < len) {
      this.qs = new Float64Array(len * 2);
      this.rs = new Float64Array(len * 2);
      this.idx = new Int32Array(len * 2);
    }
    const qs = this.qs;
    const rs = this.rs;
    let given = 0;
    if (total * (y + 1) <= SAFE) {
      // every amount·y + total ≤ 2^53 − 1: exact in doubles (the product test is exact too: a
      // product above 2^53 − 1 cannot round down to it)
      for (let k = 0; k < len; k++) {
        const p = ma[s + k]! * y;
        let q = Math.floor(p / total);
        let r = p - q * total;
        // p / total rounds to the nearest double, never below an integer it reaches, so q can
        // only be one too large
        if (r < 0) {
          q--;
          r += total;
        }
        qs[k] = q;
        rs[k] = r;
        given += q;
      }
    } else given = this.divideWide(ma, s, len, y, total);
    const left = y - given;
    if (left > 0) this.giveLeftover(len, left, total);
    let w = s;
    for (let k = 0; k < len; k++) {
      const q = qs[k]!;
      const o = mo[s + k]!;
      const rest = ma[s + k]! - q;
      if (q > 0) {
        po[n] = o;
        px[n] = q;
        n++;
      }
      if (rest > 0) {
        mo[w] = o;
        ma[w] = rest;
        w++;
      }
    }
    out.n = n;
    return w - s;
  }

  /** The quotients and remainders when some amount·y may pass 2^53; returns their sum. */
  private divideWide(ma: Float64Array, s: number, len: number, y: number, total: number): number {
    const qs = this.qs;
    const rs = this.rs;
    let given = 0;
    // y split in 16-bit chunks for the chunked path: y = y2·2^32 + y1·2^16 + y0
    const y0 = y % 65536;
    const y1 = Math.floor(y / 65536) % 65536;
    const y2 = Math.floor(y / 4294967296);
    const chunked = total <= CHUNKED_MAX;
    for (let k = 0; k < len; k++) {
      const amt = ma[s + k]!;
      const p = amt * y;
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
      } else if (chunked) {
        // amt·y / total by long division in base 2^16; every intermediate stays below 2^53
        // (r < total ≤ 2^35, amt ≤ total, chunks < 2^16).
        let v = amt * y2;
        q = Math.floor(v / total);
        r = v - q * total;
        if (r < 0) {
          q--;
          r += total;
        } else if (r >= total) {
          q++;
          r -= total;
        }
        v = r * 65536 + amt * y1;
        let d = Math.floor(v / total);
        r = v - d * total;
        if (r < 0) {
          d--;
          r += total;
        } else if (r >= total) {
          d++;
          r -= total;
        }
        q = q * 65536 + d;
        v = r * 65536 + amt * y0;
        d = Math.floor(v / total);
        r = v - d * total;
        if (r < 0) {
          d--;
          r += total;
        } else if (r >= total) {
          d++;
          r -= total;
        }
        q = q * 65536 + d;
      } else {
        const P = BigInt(amt) * BigInt(y);
        const T = BigInt(total);
        q = Number(P / T);
        r = Number(P % T);
      }
      qs[k] = q;
      rs[k] = r;
      given += q;
    }
    return given;
  }

  /**
   * Gives `left` (0 < left < len) fen, one each, to the origins with the largest remainders, ties
   * to the earlier. One fen (or all but one): one scan for the largest (smallest) remainder.
   * Otherwise the remainders fall in buckets of [0, total) — 16, or beyond 64 origins a power of
   * two ≥ half as many as origins — by floor(r·buckets/total), which never puts a larger remainder in a lower bucket; the buckets
   * above the one where the `left`-th largest falls all win without comparing their remainders,
   * and only that edge bucket's few are compared (sorted when more than 8 of them win: equal
   * remainders). Branch mispredictions are what a selection costs here: the scans it replaced (one
   * per fen) mispredicted a few times each, the buckets about twice in all; and a comparison sort
   * beyond 64 origins made a split of 1,024 origins cost 40 µs (now linear in the origins).
   */
  private giveLeftover(len: number, left: number, total: number): void {
    const qs = this.qs;
    const rs = this.rs;
    if (left === 1) {
      let best = 0;
      let bestR = rs[0]!;
      for (let k = 1; k < len; k++) {
        const r = rs[k]!;
        if (r > bestR) {
          bestR = r;
          best = k;
        }
      }
      qs[best]!++;
      return;
    }
    if (left === len - 1) {
      let worst = len - 1;
      let worstR = rs[worst]!;
      for (let k = len - 2; k >= 0; k--) {
        const r = rs[k]!;
        if (r < worstR) {
          worstR = r;
          worst = k;
        }
      }
      for (let k = 0; k < len; k++) qs[k]!++;
      qs[worst]!--;
      return;
    }
    // 16 up to 64 origins, beyond a power of two ≥ half of them: the edge bucket holds ~2 on
    // average, and the walk down to it stays short
    const buckets = len <= 64 ? BUCKETS : 1 << (32 - Math.clz32((len >> 1) - 1));
    if (this.count.length <= buckets) this.count = new Int32Array(buckets + 1);
    const key = this.idx;
    // all zero between calls: cleared below, bucket by bucket
    const count = this.count;
    // a remainder just below total may round to bucket `buckets`: one bucket more holds it
    const scale = buckets / total;
    for (let k = 0; k < len; k++) {
      const b = Math.floor(rs[k]! * scale);
      key[k] = b;
      count[b]!++;
    }
    let above = 0;
    let edge = buckets;
    while (above + count[edge]! < left) above += count[edge--]!;
    let need = left - above;
    // every origin above the edge bucket gets a fen, and the edge bucket's too when all of it wins:
    // key > cut ⇔ the sign bit of cut − key is set (one pass, which also clears the buckets)
    const cut = need === count[edge] ? edge - 1 : edge;
    for (let k = 0; k < len; k++) {
      const b = key[k]!;
      count[b] = 0;
      qs[k]! += (cut - b) >>> 31;
    }
    if (cut < edge) return;
    if (need > 8) {
      // many equal or close remainders (equal amounts, say): sort the edge bucket's origins
      this.sortEdge(len, edge, need);
      return;
    }
    // the edge bucket's largest remainders, ties to the earlier
    for (; need > 0; need--) {
      let best = -1;
      let bestR = -1;
      for (let k = 0; k < len; k++)
        if (key[k] === edge && rs[k]! > bestR) {
          bestR = rs[k]!;
          best = k;
        }
      qs[best]!++;
      key[best] = -1;
    }
  }

  /** Gives a fen to the `need` origins of bucket `edge` with the largest remainders (ties: the earlier). */
  private sortEdge(len: number, edge: number, need: number): void {
    const key = this.idx;
    const rs = this.rs;
    const qs = this.qs;
    const picked: number[] = [];
    for (let k = 0; k < len; k++) if (key[k] === edge) picked.push(k);
    picked.sort((p, q) => rs[q]! - rs[p]! || p - q);
    for (let i = 0; i < need; i++) qs[picked[i]!]!++;
  }
}

/**
 * The arena's first size: one entry a transfer, which the benchmark's mule networks fill to
 * 0.87–0.95 at 10 M transfers (1.1–1.5 at 100 k–1 M, where a growth is cheap).
 */
export function arenaCapacity(transfers: number, accounts: number): number {
  return Math.max(accounts * 2, transfers);
}
