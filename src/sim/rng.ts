/**
 * Seeded randomness for the simulator: sfc32 (small fast counter, PractRand-clean) seeded through
 * a 32-bit string hash, so `fork(label)` gives independent, reproducible streams — the ledger's
 * stream never shifts because a fault stream drew one number more.
 */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly label: string;

  constructor(seed: number | string) {
    this.label = String(seed);
    this.a = hash32(`a${this.label}`);
    this.b = hash32(`b${this.label}`);
    this.c = hash32(`c${this.label}`);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  fork(label: string): Rng {
    return new Rng(`${this.label}/${label}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index drawn with probability proportional to weights (all ≥ 0, not all 0). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** k distinct items (k ≤ n), in draw order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }

  /** Split `total` (integer) into `parts` positive integers with random proportions. */
  split(total: number, parts: number): number[] {
    const n = Math.max(1, Math.min(parts, total));
    const weights = Array.from({ length: n }, () => 0.3 + this.next());
    const sum = weights.reduce((s, w) => s + w, 0);
    const out = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)));
    let rest = total - out.reduce((s, x) => s + x, 0);
    for (let i = 0; rest !== 0; i = (i + 1) % n) {
      if (rest > 0) {
        out[i] = (out[i] as number) + 1;
        rest--;
      } else if ((out[i] as number) > 1) {
        out[i] = (out[i] as number) - 1;
        rest++;
      }
    }
    return out;
  }
}
