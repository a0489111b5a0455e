/**
 * Money held by sinks, as an open-addressing hash table on (sink, origin) — sinks are credited
 * and never debited, so they need no order until the end; a sorted run per sink cost an O(n)
 * insertion for every new origin. Linear probing, load ≤ 1/2, three parallel typed arrays
 * (keySink Int32 | keyOrigin Int32 | amount Float64 = 16 bytes a slot); keySink -1 is empty.
 */
export class SinkTable {
  /** the slots, read directly by the engine when it builds the holdings */
  keySink: Int32Array;
  keyOrigin: Int32Array;
  amount: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.keySink = new Int32Array(cap).fill(-1);
    this.keyOrigin = new Int32Array(cap);
    this.amount = new Float64Array(cap);
    this.mask = cap - 1;
  }

  get byteLength(): number {
    return this.keySink.byteLength * 2 + this.amount.byteLength;
  }

  add(sink: number, origin: number, x: number): void {
    const ks = this.keySink;
    const ko = this.keyOrigin;
    let h = Math.imul(sink, 0x9e3779b1) ^ origin;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
    let i = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const s = ks[i]!;
      if (s === -1) break;
      if (s === sink && ko[i] === origin) {
        this.amount[i]! += x;
        return;
      }
      i = (i + 1) & this.mask;
    }
    ks[i] = sink;
    ko[i] = origin;
    this.amount[i] = x;
    if (++this.size * 2 > ks.length) this.rehash();
  }

  private rehash(): void {
    const ks = this.keySink;
    const ko = this.keyOrigin;
    const am = this.amount;
    const cap = ks.length * 2;
    this.keySink = new Int32Array(cap).fill(-1);
    this.keyOrigin = new Int32Array(cap);
    this.amount = new Float64Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < ks.length; i++) if (ks[i] !== -1) this.add(ks[i]!, ko[i]!, am[i]!);
  }

  /** Calls back for every (origin, amount) of every sink, in no particular order. */
  forEach(fn: (sink: number, origin: number, amount: number) => void): void {
    const ks = this.keySink;
    for (let i = 0; i < ks.length; i++) if (ks[i] !== -1) fn(ks[i]!, this.keyOrigin[i]!, this.amount[i]!);
  }
}
