/**
 * Duplicate check for transfer ids: an open-addressing table of indices into the id list, with
 * the 32-bit FNV-1a hash of each id beside it so strings are compared only on a full hash match.
 * Adding a million fresh strings to a JS Set took 1.3 s on the shared build machine; this table
 * costs 16 bytes a slot (load ≤ 1/2) and a short loop over the characters.
 */
export class IdSet {
  private slot = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private size = 0;

  constructor(private readonly ids: ArrayLike<string>) {}

  private static hash(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 15);
  }

  /** Adds ids[index]; false if an equal id was added before. */
  add(index: number): boolean {
    const id = this.ids[index]!;
    const h = IdSet.hash(id);
    let i = h & this.mask;
    for (;;) {
      const k = this.slot[i]!;
      if (k === -1) break;
      if (this.hashes[i] === h && this.ids[k] === id) return false;
      i = (i + 1) & this.mask;
    }
    this.slot[i] = index;
    this.hashes[i] = h;
    if (++this.size * 2 > this.slot.length) this.grow();
    return true;
  }

  private grow(): void {
    const slot = this.slot;
    const hashes = this.hashes;
    this.slot = new Int32Array(slot.length * 2).fill(-1);
    this.hashes = new Int32Array(slot.length * 2);
    this.mask = this.slot.length - 1;
    for (let j = 0; j < slot.length; j++) {
      const k = slot[j]!;
      if (k === -1) continue;
      let i = hashes[j]! & this.mask;
      while (this.slot[i] !== -1) i = (i + 1) & this.mask;
      this.slot[i] = k;
      this.hashes[i] = hashes[j]!;
    }
  }
}
