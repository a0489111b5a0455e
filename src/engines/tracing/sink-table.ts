/**
 * Money held by sinks: per sink a small open-addressing hash table on origin — sinks are credited
 * and never debited, so they need no order until the end; a sorted run per sink cost an O(n)
 * insertion for every new origin. Every sink's table is a block of its own in one arena (origin
 * Int32 | amount Float64, 12 bytes a slot; origin -1 is empty), so the sinks a gang is using stay
 * in cache instead of being spread over one table for all sinks. Linear probing, load ≤ 3/4.
 * Tables come in the quarter steps of origin-runs.ts (8, 10, 12, 14, 16, 20, … slots; a hash is
 * mapped onto them by multiplication, not a mask), so a table is 1/2–3/4 full instead of 3/8–3/4
 * with powers of two: the tables are most of the sinks' memory, and under prorata at 1 M
 * transfers a sixth of all the engine's. A table starts with room for as many origins as
 * transfers go into its sink (see the constructor); one that fills up all the same (a transfer can
 * bring many origins) moves to a block with room for 1.75 times its origins and its old block goes to
 * a free list of its size for the next sink that grows. When the arena is full, its copy into
 * larger arrays keeps only the tables in use (compact).
 */
import { classFor, classSize } from './origin-runs.js';

const EMPTY = -1;

/**
 * A table that fills up moves to one with room for this many times its origins: 4/7 full, so it
 * grows by about a third of its size at a time (twice its origins, half full, measured a few bytes
 * a transfer more at 100 k–1 M under prorata; less than 1.6 grows too often).
 */
const GROWTH = 1.75;

/** The class of the smallest table (≥ 8 slots) holding `origins` at load ≤ 3/4. */
function tableClass(origins: number): number {
  return classFor(Math.max(8, Math.ceil((origins * 4) / 3)));
}

/**
 * Where origin's probe starts in a table of cap slots: a multiplicative hash whose high bits
 * (the best mixed) pick the slot, by multiplication instead of a mask so that any cap will do
 * (exact in doubles: below 2^32 · 2^21).
 */
function home(origin: number, cap: number): number {
  return Math.floor((Math.imul(origin, 0x9e3779b1) >>> 0) * cap * 2 ** -32);
}

export class SinkTable {
  /** sink number of each account (-1: not a sink) */
  private readonly slot: Int32Array;
  /** per sink: block start, capacity (a size of origin-runs.ts's classes, ≥ 8), number of origins */
  private readonly start: Int32Array;
  private readonly cap: Int32Array;
  private readonly held: Int32Array;
  private o: Int32Array;
  private x: Float64Array;
  private top = 0;
  /** first free block of each class, chained through the block's second origin slot */
  private readonly freeHead = new Int32Array(64).fill(-1);
  /** (sink, origin) pairs held */
  size = 0;
  /** transfers applied so far, when the caller keeps it up to date (sizes a compaction) */
  step = 0;

  /**
   * `transfers[k]`: how many transfers go into sink k (in account order), `origins`: how many
   * origins the ledger has. A sink's table starts with room for that many origins, times
   * `originsPerTransfer` (under fifo and lifo each transfer brings one at least, and often no new
   * one; under libr and prorata a transfer brings every origin its source holds, and room for two
   * a transfer spared the 10 M benchmark its compactions: the arena is allocated once, exactly, so
   * the first table to grow compacts it; at most `origins`): sized up front the tables rarely
   * grow, and the arena is allocated once instead of copied bigger again and again (it allocated
   * ~3× its final size, and every large allocation costs V8 a full garbage collection).
   */
  constructor(
    isSink: Uint8Array,
    transfers: Int32Array,
    origins: number,
    /** transfers in the ledger (with `step`: sizes a compaction) */
    private readonly steps = 0,
    /** origins a transfer into a sink is expected to bring (the tables' up-front room) */
    originsPerTransfer = 1,
  ) {
    const n = isSink.length;
    this.slot = new Int32Array(n).fill(-1);
    let sinks = 0;
    for (let a = 0; a < n; a++) if (isSink[a] === 1) this.slot[a] = sinks++;
    this.start = new Int32Array(sinks);
    this.cap = new Int32Array(sinks);
    this.held = new Int32Array(sinks);
    const size = new Int32Array(sinks);
    let total = 0;
    for (let k = 0; k < sinks; k++) {
      // an opening is one origin more
      const want = Math.min(Math.ceil((transfers[k] ?? 0) * originsPerTransfer) + 1, origins);
      const c = tableClass(want);
      size[k] = c;
      total += classSize(c);
    }
    this.o = new Int32Array(Math.max(1024, total));
    this.x = new Float64Array(this.o.length);
    for (let k = 0; k < sinks; k++) {
      this.start[k] = this.alloc(size[k]!);
      this.cap[k] = classSize(size[k]!);
    }
  }

  get byteLength(): number {
    return this.slot.byteLength + this.start.byteLength * 3 + this.o.byteLength + this.x.byteLength;
  }

  /** A block of classSize(c) slots, all empty. */
  private alloc(c: number): number {
    const size = classSize(c);
    let s = this.freeHead[c]!;
    if (s !== -1) this.freeHead[c] = this.o[s + 1]!;
    else {
      if (this.top + size > this.o.length) this.compact(size);
      s = this.top;
      this.top += size;
    }
    this.o.fill(EMPTY, s, s + size);
    return s;
  }

  /**
   * Copies the tables in use to new arrays with room for `size` more slots and more for the
   * tables still to grow. The arrays are copied anyway, so the copy drops the free blocks: their
   * sizes are those the sinks have grown out of, which no sink may want again. When the caller
   * keeps `step` up to date (libr and prorata, whose transfers bring several origins each and
   * outgrow the up-front sizing), the room is what the tables in use would need at the end at
   * the rate so far, plus a 16th — at least a quarter more, at most twice: half as much again
   * every time left a third of the arena unused at the end; with a quarter every time prorata
   * compacted six times at 10 M transfers (each a large allocation, and V8 runs a full garbage
   * collection every ~64 MB of them). Without it, half as much again.
   */
  private compact(size: number): void {
    const sinks = this.start.length;
    let live = 0;
    for (let k = 0; k < sinks; k++) live += this.cap[k]!;
    const need = live + size;
    const done = this.step / Math.max(1, this.steps);
    const room =
      done > 0
        ? Math.max(need * 1.25, Math.min(need * 2, (need / Math.min(1, done)) * (1 + 1 / 16)))
        : need * 1.5;
    const cap = Math.max(1024, Math.ceil(room));
    const o = new Int32Array(cap);
    const x = new Float64Array(cap);
    let w = 0;
    for (let k = 0; k < sinks; k++) {
      const c = this.cap[k]!;
      if (c === 0) continue;
      const s = this.start[k]!;
      o.set(this.o.subarray(s, s + c), w);
      x.set(this.x.subarray(s, s + c), w);
      this.start[k] = w;
      w += c;
    }
    this.o = o;
    this.x = x;
    this.top = w;
    this.freeHead.fill(-1);
  }

  add(sink: number, origin: number, x: number): void {
    const k = this.slot[sink]!;
    const s = this.start[k]!;
    const cap = this.cap[k]!;
    const o = this.o;
    let i = home(origin, cap);
    for (;;) {
      const oo = o[s + i]!;
      if (oo === origin) {
        this.x[s + i]! += x;
        return;
      }
      if (oo === EMPTY) break;
      if (++i === cap) i = 0;
    }
    o[s + i] = origin;
    this.x[s + i] = x;
    this.size++;
    if (++this.held[k]! * 4 > cap * 3) this.grow(k);
  }

  /** Moves sink k's table to a block with room for GROWTH times its origins. */
  private grow(k: number): void {
    const cap = this.cap[k]!;
    const c2 = classFor(Math.ceil(GROWTH * this.held[k]!));
    const s2 = this.alloc(c2);
    const s = this.start[k]!; // after alloc: a compaction moves the tables
    const o = this.o;
    const x = this.x;
    const cap2 = classSize(c2);
    for (let j = 0; j < cap; j++) {
      const origin = o[s + j]!;
      if (origin === EMPTY) continue;
      let i = home(origin, cap2);
      while (o[s2 + i] !== EMPTY) if (++i === cap2) i = 0;
      o[s2 + i] = origin;
      x[s2 + i] = x[s + j]!;
    }
    const c = classFor(cap);
    o[s + 1] = this.freeHead[c]!;
    this.freeHead[c] = s;
    this.start[k] = s2;
    this.cap[k] = cap2;
  }

  /** Origins the sink at account `sink` holds. */
  count(sink: number): number {
    return this.held[this.slot[sink]!]!;
  }

  /** Writes the (origin, amount) pairs of one sink at `at` of the given arrays, in no order; returns how many. */
  collect(sink: number, origins: Int32Array, amounts: Float64Array, at: number): number {
    const k = this.slot[sink]!;
    if (k < 0) return 0;
    const s = this.start[k]!;
    const cap = this.cap[k]!;
    let w = at;
    for (let j = 0; j < cap; j++) {
      const origin = this.o[s + j]!;
      if (origin === EMPTY) continue;
      origins[w] = origin;
      amounts[w] = this.x[s + j]!;
      w++;
    }
    return w - at;
  }
}
