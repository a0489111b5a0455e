/**
 * Explanations: how an origin's money reached an account, path by path, with every transfer and
 * the amount of that origin it carried under the chosen rule — the evidence behind each figure
 * of a trace. Built on the reference engine with path tracking, whose figures are identical to
 * the fast engine's (tested); it is meant for case-sized ledgers, not ten million transfers.
 */
import type { CompiledLedger } from './compiled-ledger.js';
import { LedgerError } from './ledger-error.js';
import { type ReferenceResult, traceReference } from './reference-engine.js';
import type { TraceRule, TraceVictim } from './types.js';

export interface ExplainHop {
  transfer: string;
  from: string;
  to: string;
  time: string;
  /** the whole transfer */
  amount: number;
  /** how much of this origin the transfer carried under the rule */
  carried: number;
}

export interface ExplainPath {
  /** money of this origin held now that travelled exactly these hops */
  amount: number;
  hops: ExplainHop[];
}

export interface ExplainOrigin {
  amount: number;
  paths: ExplainPath[];
  /** for a victim: what it sent and where all of it is now (as in the trace) */
  victim?: TraceVictim;
}

export interface ExplainDocument {
  format: 'levee.explain/1';
  rule: TraceRule;
  account: string;
  balance: number;
  origins: Record<string, ExplainOrigin>;
}

function timeOf(ledger: CompiledLedger, t: { index: number; ms: number }): string {
  return ledger.timeText?.[t.index] ?? new Date(t.ms).toISOString();
}

export function explainAccount(
  ledger: CompiledLedger,
  rule: TraceRule,
  account: string,
  origin?: string,
): ExplainDocument {
  if (!ledger.accountIds.includes(account))
    throw new LedgerError('unknown-id', `no account "${account}" in the ledger`, { account });
  if (origin !== undefined && !ledger.originIds.includes(origin))
    throw new LedgerError(
      'unknown-id',
      `no origin "${origin}" in the ledger (a party, opening:… or unknown:…)`,
      {
        party: origin,
      },
    );
  return explainFromRun(ledger, rule, runContext(ledger, rule), account, origin);
}

/**
 * Explanations of several accounts (every account when `accounts` is left out) from ONE reference
 * run: a report that cites every figure of a case needs them all, and one run per account would
 * repeat the whole trace each time.
 */
export function explainAccounts(
  ledger: CompiledLedger,
  rule: TraceRule,
  accounts?: readonly string[],
): Map<string, ExplainDocument> {
  if (accounts) {
    const known = new Set(ledger.accountIds);
    for (const account of accounts)
      if (!known.has(account))
        throw new LedgerError('unknown-id', `no account "${account}" in the ledger`, { account });
  }
  const run = runContext(ledger, rule);
  return new Map(
    (accounts ?? ledger.accountIds.toArray()).map((a) => [
      a,
      explainFromRun(ledger, rule, run, a, undefined),
    ]),
  );
}

interface RunContext {
  run: ReferenceResult;
  byTransfer: Map<number, ReferenceResult['transfers'][number]>;
  victims: Map<string, TraceVictim>;
}

function runContext(ledger: CompiledLedger, rule: TraceRule): RunContext {
  const run = traceReference(ledger, rule, { paths: true });
  return {
    run,
    byTransfer: new Map(run.transfers.map((t) => [t.index, t])),
    victims: victimSummaries(ledger, run.lots),
  };
}

function explainFromRun(
  ledger: CompiledLedger,
  rule: TraceRule,
  { run, byTransfer, victims }: RunContext,
  account: string,
  origin: string | undefined,
): ExplainDocument {
  const lots = run.lots.get(account)!;
  const grouped = new Map<string, Map<string, { amount: number; path: number[] }>>();
  let balance = 0;
  for (const lot of lots) {
    balance += lot.amount;
    if (lot.amount === 0 || (origin !== undefined && lot.origin !== origin)) continue;
    const paths = grouped.get(lot.origin) ?? new Map();
    grouped.set(lot.origin, paths);
    const key = lot.path.join(',');
    const entry = paths.get(key) ?? { amount: 0, path: lot.path };
    entry.amount += lot.amount;
    paths.set(key, entry);
  }
  const origins: Record<string, ExplainOrigin> = {};
  const wanted = origin !== undefined ? [origin] : [...grouped.keys()].sort();
  for (const o of wanted) {
    const paths = [...(grouped.get(o)?.values() ?? [])]
      .sort((a, b) => b.amount - a.amount || cmpPath(a.path, b.path))
      .map((p) => ({
        amount: p.amount,
        hops: p.path.map((i) => {
          const t = byTransfer.get(i)!;
          return {
            transfer: t.id,
            from: t.from,
            to: t.to,
            time: timeOf(ledger, t),
            amount: t.amount,
            carried: run.carried.get(i)?.get(o) ?? 0,
          };
        }),
      }));
    const amount = paths.reduce((s, p) => s + p.amount, 0);
    const v = victims.get(o);
    origins[o] = v ? { amount, paths, victim: v } : { amount, paths };
  }
  return { format: 'levee.explain/1', rule, account, balance, origins };
}

function cmpPath(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function victimSummaries(
  ledger: CompiledLedger,
  lots: Map<string, { origin: string; amount: number }[]>,
): Map<string, TraceVictim> {
  const out = new Map<string, TraceVictim>();
  ledger.originIds.forEach((id, o) => {
    if (ledger.originRole[o] === 0) out.set(id, { sent: 0, located: {}, sinks: {} });
  });
  for (let i = 0; i < ledger.transferCount; i++) {
    const f = ledger.from[i]!;
    const v = f < 0 ? out.get(ledger.originIds.at(-f - 1)) : undefined;
    if (v) v.sent += ledger.amount[i]!;
  }
  ledger.accountIds.forEach((id, a) => {
    for (const lot of lots.get(id)!) {
      const v = out.get(lot.origin);
      if (!v || lot.amount === 0) continue;
      const where = ledger.isSink[a] ? v.sinks : v.located;
      where[id] = (where[id] ?? 0) + lot.amount;
    }
  });
  return out;
}
