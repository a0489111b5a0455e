/**
 * Shares of `amount` proportional to weights, none above its cap, in whole fen that add up
 * exactly: water-filling (whoever would get more than the cap gets the cap, the rest is shared
 * again among the others), then largest remainders, ties to the smaller id. What the caps
 * cannot absorb is returned as `left`.
 */
import { largestRemainder } from '../tracing/apportion.js';
import { RestitutionError } from './restitution-error.js';

export function allocateCapped(
  amount: number,
  weights: Map<string, number>,
  caps: Map<string, number>,
): { shares: Map<string, number>; left: number } {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RestitutionError(`bad amount ${amount}`);
  const shares = new Map<string, number>();
  let open = [...weights.keys()].filter((k) => weights.get(k)! > 0 && (caps.get(k) ?? 0) > 0).sort();
  for (const k of weights.keys()) shares.set(k, 0);
  let rest = amount;
  for (;;) {
    if (rest === 0 || open.length === 0) break;
    const total = open.reduce((s, k) => s + BigInt(weights.get(k)!), 0n);
    // Whoever's exact share reaches the cap is capped; repeat until nobody is.
    const capped = open.filter((k) => BigInt(rest) * BigInt(weights.get(k)!) >= BigInt(caps.get(k)!) * total);
    if (capped.length === 0) {
      const split = largestRemainder(
        rest,
        open.map((k) => ({ key: k, weight: weights.get(k)! })),
      );
      for (const [k, v] of split) shares.set(k, v);
      rest = 0;
      break;
    }
    for (const k of capped) {
      shares.set(k, caps.get(k)!);
      rest -= caps.get(k)!;
    }
    open = open.filter((k) => !capped.includes(k));
  }
  return { shares, left: rest };
}
