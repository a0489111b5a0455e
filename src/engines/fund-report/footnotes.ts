/**
 * Footnotes: for every (account, origin) the trace holds under the chosen rule, the paths the
 * money took, hop by hop, from the tracing engine's explanations (one reference run for the whole
 * case). Numbered in account then origin order (code unit order), so the same ledger and rule
 * always give the same numbers. Bounded: at most `cap` paths are listed (largest first, as
 * explanations order them); the rest are counted with the money they carry.
 */
import type { ExplainDocument } from '../tracing/index.js';
import type { Footnote, ReportTransfer } from './report-types.js';

export interface FootnoteIndex {
  list: Footnote[];
  /** the transfers the listed paths cite */
  transfers: Record<string, ReportTransfer>;
  /** `${account}\u0000${origin}` → footnote id */
  byKey: Map<string, number>;
}

export const noteKey = (account: string, origin: string): string => `${account}\u0000${origin}`;

export function buildFootnotes(explained: Map<string, ExplainDocument>, cap: number): FootnoteIndex {
  const list: Footnote[] = [];
  const byKey = new Map<string, number>();
  const cited = new Map<string, ReportTransfer>();
  const accounts = [...explained.keys()].sort(cmp);
  for (const account of accounts) {
    const ex = explained.get(account)!;
    for (const origin of Object.keys(ex.origins).sort(cmp)) {
      const o = ex.origins[origin]!;
      if (o.amount === 0) continue;
      const listed = o.paths.slice(0, cap);
      const omitted = o.paths.slice(cap);
      const id = list.length + 1;
      list.push({
        id,
        account,
        origin,
        amount: o.amount,
        pathCount: o.paths.length,
        paths: listed.map((p) => ({
          amount: p.amount,
          hops: p.hops.map((h) => {
            if (!cited.has(h.transfer))
              cited.set(h.transfer, { from: h.from, to: h.to, time: h.time, amount: h.amount });
            return { transfer: h.transfer, carried: h.carried };
          }),
        })),
        omitted: { paths: omitted.length, amount: omitted.reduce((s, p) => s + p.amount, 0) },
      });
      byKey.set(noteKey(account, origin), id);
    }
  }
  const transfers: Record<string, ReportTransfer> = {};
  for (const id of [...cited.keys()].sort(cmp)) transfers[id] = cited.get(id)!;
  return { list, byKey, transfers };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
