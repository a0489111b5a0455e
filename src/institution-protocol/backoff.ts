/** Exponential backoff with full jitter (AWS Architecture Blog, 2015): uniform in [0, min(cap, base·2^n)]. */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Uniform [0,1) source; pass a seeded one in tests. */
  random?: () => number;
}

export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 200;
  const cap = options.capMs ?? 60_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
