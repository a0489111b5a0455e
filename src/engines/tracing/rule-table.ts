/** `levee trace --rule all --table`: the four results side by side, one row per account and origin. */
import { formatYuanPlain } from './format-amount.js';
import type { TraceDocument, TraceRule } from './types.js';

export function ruleTable(docs: Record<TraceRule, TraceDocument>): string {
  const rules = Object.keys(docs).sort() as TraceRule[];
  const first = docs[rules[0]!];
  const rows: string[][] = [['account', 'origin', ...rules]];
  for (const account of Object.keys(first.accounts).sort()) {
    const origins = new Set<string>();
    for (const r of rules) for (const o of Object.keys(docs[r].accounts[account]!.byOrigin)) origins.add(o);
    rows.push([
      account,
      '(balance)',
      ...rules.map((r) => formatYuanPlain(docs[r].accounts[account]!.balance)),
    ]);
    for (const o of [...origins].sort())
      rows.push(['', o, ...rules.map((r) => formatYuanPlain(docs[r].accounts[account]!.byOrigin[o] ?? 0))]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return `${rows
    .map((row) =>
      row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n')}\n`;
}
