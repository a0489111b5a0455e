/**
 * A compiled ledger's account and origin ids, held as one string and an array of end offsets.
 *
 * Why: V8's full garbage collection marks every live string, and a run at 10 M transfers sets off
 * two or three of them when it allocates its typed arrays. With a million account ids as a million
 * strings each collection took ~65 ms (libr at 10 M: ~0.2 s of a ~2.2 s run); packed, the ids are
 * two heap objects and a collection takes ~8 ms. The engines only count ids; the strings are cut
 * out on demand when a result is written or an id is looked up.
 */
export class PackedIds implements Iterable<string> {
  readonly length: number;
  private readonly text: string;
  /** ends[i]: where id i ends in `text` (it starts where id i − 1 ends) */
  private readonly ends: Int32Array;

  constructor(ids: readonly string[]) {
    this.length = ids.length;
    this.text = ids.join('');
    this.ends = new Int32Array(ids.length);
    let end = 0;
    for (let i = 0; i < ids.length; i++) {
      end += ids[i]!.length;
      this.ends[i] = end;
    }
  }

  /** Id number `i` (0 ≤ i < length). */
  at(i: number): string {
    if (i < 0 || i >= this.length) throw new RangeError(`no id ${i} among ${this.length}`);
    return this.text.slice(i === 0 ? 0 : this.ends[i - 1]!, this.ends[i]!);
  }

  /** The number of `id`, or −1 (a scan: for one-off lookups, not loops). */
  indexOf(id: string): number {
    let start = 0;
    for (let i = 0; i < this.length; i++) {
      const end = this.ends[i]!;
      if (end - start === id.length && this.text.startsWith(id, start)) return i;
      start = end;
    }
    return -1;
  }

  includes(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  forEach(visit: (id: string, i: number) => void): void {
    for (let i = 0; i < this.length; i++) visit(this.at(i), i);
  }

  map<T>(f: (id: string, i: number) => T): T[] {
    const out: T[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = f(this.at(i), i);
    return out;
  }

  toArray(): string[] {
    return this.map((id) => id);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}
