/**
 * Stable order of transfers by time (rule 1): indices sorted by (ms, ns, file index). A natural
 * merge sort on typed arrays: statements are mostly in time order already, so the runs are long
 * and a sorted file costs one pass.
 */
export function timeOrder(ms: Float64Array, sub: Int32Array): Uint32Array {
  const n = ms.length;
  let a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const less = (x: number, y: number): boolean => {
    const mx = ms[x]!;
    const my = ms[y]!;
    return mx < my || (mx === my && sub[x]! < sub[y]!);
  };
  // Run boundaries in file order: a run ends where time goes backwards.
  const starts: number[] = [0];
  for (let i = 1; i < n; i++) if (less(i, i - 1)) starts.push(i);
  if (starts.length === 1) return a;
  let runs = starts;
  let b = new Uint32Array(n);
  while (runs.length > 1) {
    const next: number[] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const lo = runs[r]!;
      const mid = r + 1 < runs.length ? runs[r + 1]! : n;
      const hi = r + 2 < runs.length ? runs[r + 2]! : n;
      next.push(lo);
      let i = lo;
      let j = mid;
      let k = lo;
      // Take from the left run unless the right one is strictly earlier: keeps file order on ties.
      while (i < mid && j < hi) b[k++] = less(a[j]!, a[i]!) ? a[j++]! : a[i++]!;
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
    }
    const t = a;
    a = b;
    b = t;
    runs = next;
  }
  return a;
}
