/**
 * Money held by sinks: per sink a small open-addressing hash table on origin — sinks are credited
 * and never debited, so they need no order until the end; a sorted run per sink cost an O(n)
 * insertion for every new origin. Every sink's table is a block of its own in one arena (origin
 * Int32 | amount Float64, 12 bytes a slot; origin -1 is empty), so the sinks a gang is using stay
 * in cache instead of being spread over one table for all sinks. Linear probing, load ≤ 3/4. A
 * table starts with room for as many origins as transfers go into its sink (see the constructor);
 * one that fills up all the same (a transfer can bring many origins) moves to a block twice the size and its old block goes to a free list of
 * its size for the next sink that grows. When the arena is full, its copy into larger arrays keeps
 * only the tables in use (compact).
 */
const EMPTY = -1;

export class SinkTable {
  /** sink number of each account (-1: not a sink) */
  private readonly slot: Int32Array;
  /** per sink: block start, capacity (a power of two), number of origins */
  private readonly start: Int32Array;
  private readonly cap: Int32Array;
  private readonly held: Int32Array;
  private o: Int32Array;
  private x: Float64Array;
  private top = 0;
  private readonly freeHead = new Int32Array(32).fill(-1);
  /** (sink, origin) pairs held */
  size = 0;

  /**
   * `transfers[k]`: how many transfers go into sink k (in account order), `origins`: how many
   * origins the ledger has. A sink's table starts with room for that many origins (each transfer
   * brings one at least, and often no new one; at most `origins`): sized up front the tables rarely
   * grow, and the arena is allocated once instead of copied bigger again and again (it allocated
   * ~3× its final size, and every large allocation costs V8 a full garbage collection).
   */
  constructor(isSink: Uint8Array, transfers: Int32Array, origins: number) {
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
      const want = Math.min((transfers[k] ?? 0) + 1, origins);
      let c = 0;
      while ((8 << c) * 3 < want * 4) c++;
      size[k] = c;
      total += 8 << c;
    }
    this.o = new Int32Array(Math.max(1024, total));
    this.x = new Float64Array(this.o.length);
    for (let k = 0; k < sinks; k++) {
      this.start[k] = this.alloc(size[k]!);
      this.cap[k] = 8 << size[k]!;
    }
  }

  get byteLength(): number {
    return this.slot.byteLength + this.start.byteLength * 3 + this.o.byteLength + this.x.byteLength;
  }

  /** A block of 8·2^c slots, all empty. */
  private alloc(c: number): number {
    const size = 8 << c;
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
   * Copies the tables in use to new arrays with room for `size` more slots and half as much again.
   * The arrays are copied anyway, so the copy drops the free blocks: their sizes are those the
   * sinks have grown out of, which no sink may want again.
   */
  private compact(size: number): void {
    const sinks = this.start.length;
    let live = 0;
    for (let k = 0; k < sinks; k++) live += this.cap[k]!;
    const cap = Math.max(1024, Math.ceil((live + size) * 1.5));
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
    const mask = this.cap[k]! - 1;
    const o = this.o;
    const h = Math.imul(origin, 0x9e3779b1);
    let i = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const oo = o[s + i]!;
      if (oo === origin) {
        this.x[s + i]! += x;
        return;
      }
      if (oo === EMPTY) break;
      i = (i + 1) & mask;
    }
    o[s + i] = origin;
    this.x[s + i] = x;
    this.size++;
    if (++this.held[k]! * 4 > (mask + 1) * 3) this.grow(k);
  }

  private grow(k: number): void {
    const cap = this.cap[k]!;
    const c = 31 - Math.clz32(cap) - 3;
    const s2 = this.alloc(c + 1);
    const s = this.start[k]!; // after alloc: a compaction moves the tables
    const o = this.o;
    const x = this.x;
    const mask = 2 * cap - 1;
    for (let j = 0; j < cap; j++) {
      const origin = o[s + j]!;
      if (origin === EMPTY) continue;
      const h = Math.imul(origin, 0x9e3779b1);
      let i = (h ^ (h >>> 15)) & mask;
      while (o[s2 + i] !== EMPTY) i = (i + 1) & mask;
      o[s2 + i] = origin;
      x[s2 + i] = x[s + j]!;
    }
    o[s + 1] = this.freeHead[c]!;
    this.freeHead[c] = s;
    this.start[k] = s2;
    this.cap[k] = 2 * cap;
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
