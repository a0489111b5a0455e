/**
 * Largest-remainder apportionment (rule 5 of tracing-ledger.md), exact with BigInt: each key gets
 * floor(total·weight/Σweight); the fen left over go one each to the largest remainders, ties to
 * the smaller key (string order, code unit by code unit). Shares always add up to `total`.
 * Used by the reference engine and restitution; the fast engine inlines the same arithmetic.
 */
export interface Weighted {
  key: string;
  weight: number;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function largestRemainder(total: number, items: readonly Weighted[]): Map<string, number> {
  const out = new Map<string, number>();
  let sum = 0n;
  for (const it of items) {
    if (!Number.isSafeInteger(it.weight) || it.weight < 0) throw new RangeError(`bad weight for ${it.key}`);
    sum += BigInt(it.weight);
  }
  if (sum === 0n) {
    if (total !== 0) throw new RangeError('cannot apportion a non-zero total over zero weights');
    for (const it of items) out.set(it.key, 0);
    return out;
  }
  const t = BigInt(total);
  const rows = items.map((it) => {
    const p = t * BigInt(it.weight);
    return { key: it.key, q: p / sum, r: p % sum };
  });
  let given = 0n;
  for (const row of rows) given += row.q;
  let left = Number(t - given);
  const order = [...rows].sort((a, b) => (a.r === b.r ? compareIds(a.key, b.key) : a.r > b.r ? -1 : 1));
  for (const row of order) {
    if (left === 0) break;
    row.q += 1n;
    left--;
  }
  for (const row of rows) out.set(row.key, (out.get(row.key) ?? 0) + Number(row.q));
  return out;
}
