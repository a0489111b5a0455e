/**
 * Helpers for the engine's (origin, amount) pair columns — an Int32Array of origins beside a
 * Float64Array of amounts — shared by the origin arena, the staged holdings and the final holdings.
 */

/** New columns of `cap` entries holding the first `used` entries of the old ones. */
export function resizePairs(
  o: Int32Array,
  x: Float64Array,
  used: number,
  cap: number,
): [Int32Array, Float64Array] {
  const o2 = new Int32Array(cap);
  o2.set(o.subarray(0, used));
  const x2 = new Float64Array(cap);
  x2.set(x.subarray(0, used));
  return [o2, x2];
}

/** Sorts a[0, t) ascending. An account holds few origins: insertion sort in place beats a subarray and its sort. */
export function sortFew(a: Int32Array, t: number): void {
  if (t > 32) {
    a.subarray(0, t).sort();
    return;
  }
  for (let k = 1; k < t; k++) {
    const v = a[k]!;
    let j = k - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
