/** Turns final holdings into the levee.trace/1 document (keys sorted by canonicalJson). */
import type { CompiledLedger } from './compiled-ledger.js';
import {
  ROLE_VICTIM,
  type TraceAccount,
  type TraceDocument,
  type TraceRule,
  type TraceVictim,
} from './types.js';

/** Final holdings per account, CSR: origins of account a are origin[start[a] .. start[a+1]), ascending. */
export interface Holdings {
  start: Int32Array;
  origin: Int32Array;
  amount: Float64Array;
}

export function victimSent(ledger: CompiledLedger): Float64Array {
  const sent = new Float64Array(ledger.originIds.length);
  for (let i = 0; i < ledger.transferCount; i++) {
    const f = ledger.from[i]!;
    if (f < 0) sent[-f - 1]! += ledger.amount[i]!;
  }
  return sent;
}

export function buildTraceDocument(ledger: CompiledLedger, rule: TraceRule, h: Holdings): TraceDocument {
  const accounts: Record<string, TraceAccount> = {};
  const victims: Record<string, TraceVictim> = {};
  const sent = victimSent(ledger);
  const byVictim = new Map<number, TraceVictim>();
  ledger.originIds.forEach((id, o) => {
    if (ledger.originRole[o] !== ROLE_VICTIM) return;
    const v: TraceVictim = { sent: sent[o]!, located: {}, sinks: {} };
    victims[id] = v;
    byVictim.set(o, v);
  });
  // one string per origin for the whole document, not one cut per holding
  const originNames = ledger.originIds.toArray();
  ledger.accountIds.forEach((id, a) => {
    const byOrigin: Record<string, number> = {};
    let balance = 0;
    for (let k = h.start[a]!; k < h.start[a + 1]!; k++) {
      const amount = h.amount[k]!;
      if (amount === 0) continue;
      const o = h.origin[k]!;
      const oid = originNames[o]!;
      byOrigin[oid] = amount;
      balance += amount;
      const v = byVictim.get(o);
      if (v) (ledger.isSink[a] ? v.sinks : v.located)[id] = amount;
    }
    accounts[id] = { balance, byOrigin };
  });
  const gaps = ledger.gaps.map((g) => ({
    account: ledger.accountIds.at(g.account),
    transfer: ledger.transferIds[g.transfer]!,
    amount: g.amount,
  }));
  return { format: 'levee.trace/1', rule, accounts, victims, gaps };
}
