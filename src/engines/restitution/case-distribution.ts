/**
 * Case-wide distribution of a recovered pool among claimants who paid in and took some out:
 *
 * - net-loss pro rata: each claim is what was put in less what was taken out; the pool is shared
 *   in proportion to the claims.
 * - rising tide (SEC v Huber, 7th Cir. 2012): everyone is brought up to the same fraction L of
 *   what they put in, counting what they already took out; whoever took out more than L·invested
 *   gets nothing. L is exact, a fraction of two integers, recorded in the result.
 *
 * Shares are whole fen by largest remainders (ties to the smaller id) and add up exactly; if the
 * pool is more than everyone's net loss, each gets the net loss and the rest is `undistributed`.
 */
import { largestRemainder } from '../tracing/apportion.js';
import { RestitutionError } from './restitution-error.js';

export interface Claimant {
  id: string;
  invested: number;
  withdrawn: number;
}

export interface Distribution {
  method: 'net-loss-pro-rata' | 'rising-tide';
  pool: number;
  shares: Record<string, number>;
  distributed: number;
  undistributed: number;
  /** rising tide: the level everyone is brought up to, numerator/denominator of what they put in */
  level?: { numerator: number; denominator: number };
}

function check(claimants: Claimant[], pool: number): void {
  if (!Number.isSafeInteger(pool) || pool < 0)
    throw new RestitutionError(`pool must be whole fen ≥ 0, got ${pool}`);
  const seen = new Set<string>();
  for (const c of claimants) {
    if (seen.has(c.id)) throw new RestitutionError(`claimant "${c.id}" is listed twice`);
    seen.add(c.id);
    for (const k of ['invested', 'withdrawn'] as const)
      if (!Number.isSafeInteger(c[k]) || c[k] < 0)
        throw new RestitutionError(`claimant "${c.id}": ${k} must be whole fen ≥ 0, got ${c[k]}`);
  }
}

function finish(
  method: Distribution['method'],
  pool: number,
  claimants: Claimant[],
  shares: Map<string, number>,
): Distribution {
  const out: Record<string, number> = {};
  let distributed = 0;
  for (const c of [...claimants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const s = shares.get(c.id) ?? 0;
    out[c.id] = s;
    distributed += s;
  }
  return { method, pool, shares: out, distributed, undistributed: pool - distributed };
}

export function netLossProRata(claimants: Claimant[], pool: number): Distribution {
  check(claimants, pool);
  const claims = claimants.map((c) => ({ key: c.id, weight: Math.max(0, c.invested - c.withdrawn) }));
  const total = claims.reduce((s, c) => s + c.weight, 0);
  if (total <= pool)
    return finish('net-loss-pro-rata', pool, claimants, new Map(claims.map((c) => [c.key, c.weight])));
  return finish('net-loss-pro-rata', pool, claimants, largestRemainder(pool, claims));
}

export function risingTide(claimants: Claimant[], pool: number): Distribution {
  check(claimants, pool);
  // By the fraction already recovered, w/inv ascending (exact cross-multiplication), then id.
  const eligible = claimants
    .filter((c) => c.invested > 0)
    .sort((a, b) => {
      const l = BigInt(a.withdrawn) * BigInt(b.invested);
      const r = BigInt(b.withdrawn) * BigInt(a.invested);
      return l < r ? -1 : l > r ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  let k = 0;
  let w = 0n;
  let inv = 0n;
  const P = BigInt(pool);
  // Grow the set while the level with it is above the next claimant's recovered fraction.
  while (k < eligible.length) {
    const c = eligible[k]!;
    if (k > 0 && (P + w) * BigInt(c.invested) <= BigInt(c.withdrawn) * inv) break;
    w += BigInt(c.withdrawn);
    inv += BigInt(c.invested);
    k++;
  }
  const members = eligible.slice(0, k);
  if (members.length === 0)
    return { ...finish('rising-tide', pool, claimants, new Map()), level: { numerator: 0, denominator: 1 } };
  if (P + w >= inv) {
    // Level 1: everyone is made whole; the rest of the pool is left over.
    const shares = new Map(eligible.map((c) => [c.id, Math.max(0, c.invested - c.withdrawn)]));
    return { ...finish('rising-tide', pool, claimants, shares), level: { numerator: 1, denominator: 1 } };
  }
  const targets = largestRemainder(
    Number(P + w),
    members.map((c) => ({ key: c.id, weight: c.invested })),
  );
  const shares = new Map(members.map((c) => [c.id, targets.get(c.id)! - c.withdrawn]));
  return {
    ...finish('rising-tide', pool, claimants, shares),
    level: { numerator: Number(P + w), denominator: Number(inv) },
  };
}
