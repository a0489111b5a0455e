/**
 * Poison reach: every account that ever received money derived from a victim under the chosen
 * rule, with the first transfer that brought it — the order in which to freeze. Runs the fast
 * engine with a piece listener, so it scales like the trace itself.
 */
import type { CompiledLedger } from './compiled-ledger.js';
import { LedgerError } from './ledger-error.js';
import { traceFast } from './lot-engine.js';
import { ROLE_VICTIM, type TraceRule } from './types.js';

export interface PoisonFirst {
  time: string;
  transfer: string;
}

export interface PoisonEntry {
  account: string;
  sink: boolean;
  first: PoisonFirst;
  /** per victim, the first transfer that brought its money here */
  victims: Record<string, PoisonFirst>;
}

export interface PoisonDocument {
  format: 'levee.poison/1';
  rule: TraceRule;
  victim?: string;
  accounts: PoisonEntry[];
}

export function poisonReach(ledger: CompiledLedger, rule: TraceRule, victim?: string): PoisonDocument {
  let only = -1;
  if (victim !== undefined) {
    only = ledger.originIds.indexOf(victim);
    if (only < 0 || ledger.originRole[only] !== ROLE_VICTIM)
      throw new LedgerError('unknown-id', `no victim "${victim}" in the ledger`, { party: victim });
  }
  const role = ledger.originRole;
  const { timeMs, timeSub, file } = ledger;
  // The engine applies transfers component by component (compiled-ledger.ts): a sink receives
  // from several components out of time order, so "first" is the earliest step by time (then
  // file order), not the first one seen.
  const earlier = (s: number, than: number): boolean => {
    const i = file[s]!;
    const j = file[than]!;
    return (
      timeMs[i]! < timeMs[j]! ||
      (timeMs[i] === timeMs[j] && (timeSub[i]! < timeSub[j]! || (timeSub[i] === timeSub[j] && i < j)))
    );
  };
  const firstStep = new Map<number, number>(); // account → step
  const perVictim = new Map<number, Map<number, number>>(); // account → victim → step
  traceFast(ledger, rule, {
    onPieces: (_t, _src, dst, origins, amounts, count, step) => {
      for (let i = 0; i < count; i++) {
        const o = origins[i]!;
        if (role[o] !== ROLE_VICTIM || amounts[i]! <= 0 || (only >= 0 && o !== only)) continue;
        const f = firstStep.get(dst);
        if (f === undefined || earlier(step, f)) firstStep.set(dst, step);
        let m = perVictim.get(dst);
        if (!m) {
          m = new Map();
          perVictim.set(dst, m);
        }
        const v = m.get(o);
        if (v === undefined || earlier(step, v)) m.set(o, step);
      }
    },
  });
  const at = (s: number): PoisonFirst => {
    const i = file[s]!;
    return {
      time: ledger.timeText?.[i] ?? new Date(timeMs[i]!).toISOString(),
      transfer: ledger.transferIds[i]!,
    };
  };
  const accounts = [...firstStep]
    .sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : earlier(a[1], b[1]) ? -1 : 1))
    .map(([a, s]) => {
      const victims: Record<string, PoisonFirst> = {};
      for (const [o, vs] of [...perVictim.get(a)!].sort((x, y) => x[0] - y[0]))
        victims[ledger.originIds.at(o)] = at(vs);
      return { account: ledger.accountIds.at(a), sink: ledger.isSink[a] === 1, first: at(s), victims };
    });
  return victim === undefined
    ? { format: 'levee.poison/1', rule, accounts }
    : { format: 'levee.poison/1', rule, victim, accounts };
}

/**
 * For each of the given accounts, how much of each victim's money entered it over time under the
 * rule (what the restitution base "traced" weighs). Money passing through twice counts twice.
 */
export function victimInflow(
  ledger: CompiledLedger,
  rule: TraceRule,
  accounts: string[],
): Map<string, Map<string, number>> {
  const wanted = new Map<number, Map<string, number>>();
  const out = new Map<string, Map<string, number>>();
  for (const id of accounts) {
    const a = ledger.accountIds.indexOf(id);
    if (a < 0) throw new LedgerError('unknown-id', `no account "${id}" in the ledger`, { account: id });
    const m = new Map<string, number>();
    wanted.set(a, m);
    out.set(id, m);
  }
  traceFast(ledger, rule, {
    onPieces: (_t, _src, dst, origins, amounts, count) => {
      const m = wanted.get(dst);
      if (!m) return;
      for (let i = 0; i < count; i++) {
        const o = origins[i]!;
        if (ledger.originRole[o] !== ROLE_VICTIM) continue;
        const id = ledger.originIds.at(o);
        m.set(id, (m.get(id) ?? 0) + amounts[i]!);
      }
    },
  });
  return out;
}
