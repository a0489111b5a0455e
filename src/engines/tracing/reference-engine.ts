/**
 * The reference engine: tracing-ledger.md read literally, on objects and strings, with exact
 * BigInt arithmetic. Slow and obviously right; the fast engine must agree with it to the fen on
 * every ledger (test/engines/tracing). It also records the path of every lot (the transfers the
 * money travelled through), which explanations need.
 *
 * Paths refine lots without changing any figure: under fifo and lifo a lot split by path is still
 * taken in the same order; under prorata and libr an origin's share is fixed first (rule 5) and
 * only then split among that origin's lots by largest remainder, ties to the older lot.
 */
import { largestRemainder } from './apportion.js';
import type { CompiledLedger } from './compiled-ledger.js';
import type { Holdings } from './trace-document.js';
import type { TraceRule } from './types.js';

export interface RefLot {
  origin: string;
  amount: number;
  /** file indices of the transfers this money travelled through, oldest first */
  path: number[];
}

export interface RefTransfer {
  index: number;
  id: string;
  /** account id, or the party's origin id when `fromParty` */
  from: string;
  fromParty: boolean;
  to: string;
  amount: number;
  ms: number;
  sub: number;
}

export interface ReferenceResult {
  /** lots per account id in arrival order, sinks included */
  lots: Map<string, RefLot[]>;
  /** per transfer (file index): origin → amount it carried */
  carried: Map<number, Map<string, number>>;
  transfers: RefTransfer[];
}

const CLAIMANT = new Set([0, 1]);

export function referenceTransfers(ledger: CompiledLedger): RefTransfer[] {
  const list: RefTransfer[] = [];
  // the columns are in the fast engine's application order; this engine keeps to rule 1 as
  // written — one time order over the whole ledger — which makes it a check of that grouping
  for (let k = 0; k < ledger.transferCount; k++) {
    const f = ledger.from[k]!;
    const i = ledger.file[k]!;
    list.push({
      index: i,
      id: ledger.transferIds[i]!,
      from: f < 0 ? ledger.originIds.at(-f - 1) : ledger.accountIds.at(f),
      fromParty: f < 0,
      to: ledger.accountIds.at(ledger.to[k]!),
      amount: ledger.amount[k]!,
      ms: ledger.timeMs[i]!,
      sub: ledger.timeSub[i]!,
    });
  }
  // equal times keep file order (rule 1)
  return list.sort((a, b) => a.ms - b.ms || a.sub - b.sub || a.index - b.index);
}

function sum(lots: RefLot[]): number {
  return lots.reduce((s, l) => s + l.amount, 0);
}

/** Takes `x` from `lots` in the given order of lot indices; returns pieces per index taken. */
function takeInOrder(lots: RefLot[], indices: number[], x: number): Map<number, number> {
  const taken = new Map<number, number>();
  let need = x;
  for (const i of indices) {
    if (need === 0) break;
    const lot = lots[i]!;
    const t = Math.min(lot.amount, need);
    if (t > 0) taken.set(i, t);
    need -= t;
  }
  if (need !== 0) throw new Error('reference engine: debit larger than the lots');
  return taken;
}

/** Pro rata over origins (rule 5), then each origin's share over its lots, older first on ties. */
function takeProRata(lots: RefLot[], indices: number[], x: number): Map<number, number> {
  const byOrigin = new Map<string, number[]>();
  for (const i of indices) {
    const lot = lots[i]!;
    if (lot.amount === 0) continue;
    const list = byOrigin.get(lot.origin) ?? [];
    list.push(i);
    byOrigin.set(lot.origin, list);
  }
  const shares = largestRemainder(
    x,
    [...byOrigin].map(([origin, idx]) => ({ key: origin, weight: sum(idx.map((i) => lots[i]!)) })),
  );
  const taken = new Map<number, number>();
  for (const [origin, idx] of byOrigin) {
    const share = shares.get(origin) ?? 0;
    const split = largestRemainder(
      share,
      idx.map((i) => ({ key: String(i).padStart(12, '0'), weight: lots[i]!.amount })),
    );
    for (const i of idx) {
      const t = split.get(String(i).padStart(12, '0')) ?? 0;
      if (t > 0) taken.set(i, t);
    }
  }
  return taken;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One debit: returns the pieces (as lots) in the order they arrive at the destination (rule 6). */
function debit(lots: RefLot[], x: number, rule: TraceRule, roles: Map<string, number>): RefLot[] {
  const all = lots.map((_, i) => i);
  let pieces: { i: number; amount: number }[];
  if (rule === 'fifo') {
    pieces = [...takeInOrder(lots, all, x)].map(([i, amount]) => ({ i, amount }));
  } else if (rule === 'lifo') {
    pieces = [...takeInOrder(lots, [...all].reverse(), x)].map(([i, amount]) => ({ i, amount }));
    pieces.sort((a, b) => a.i - b.i); // back to arrival order
  } else if (rule === 'prorata') {
    pieces = [...takeProRata(lots, all, x)].map(([i, amount]) => ({ i, amount }));
    pieces.sort((a, b) => cmp(lots[a.i]!.origin, lots[b.i]!.origin) || a.i - b.i);
  } else {
    const own = all.filter((i) => !CLAIMANT.has(roles.get(lots[i]!.origin)!));
    const claim = all.filter((i) => CLAIMANT.has(roles.get(lots[i]!.origin)!));
    const ownTotal = sum(own.map((i) => lots[i]!));
    const fromOwn = Math.min(x, ownTotal);
    const ownPieces = [...takeInOrder(lots, own, fromOwn)].map(([i, amount]) => ({ i, amount }));
    const claimPieces = [...takeProRata(lots, claim, x - fromOwn)].map(([i, amount]) => ({ i, amount }));
    claimPieces.sort((a, b) => cmp(lots[a.i]!.origin, lots[b.i]!.origin) || a.i - b.i);
    pieces = [...ownPieces, ...claimPieces];
  }
  const out = pieces.map((p) => ({ origin: lots[p.i]!.origin, amount: p.amount, path: lots[p.i]!.path }));
  for (const p of pieces) lots[p.i]!.amount -= p.amount;
  for (let i = lots.length - 1; i >= 0; i--) if (lots[i]!.amount === 0) lots.splice(i, 1);
  return out;
}

export function traceReference(
  ledger: CompiledLedger,
  rule: TraceRule,
  options: { paths?: boolean } = {},
): ReferenceResult {
  const roles = new Map<string, number>();
  ledger.originIds.forEach((id, o) => {
    roles.set(id, ledger.originRole[o]!);
  });
  const lots = new Map<string, RefLot[]>();
  ledger.accountIds.forEach((id, a) => {
    const open = ledger.opening[a]!;
    lots.set(id, open > 0 ? [{ origin: `opening:${id}`, amount: open, path: [] }] : []);
  });
  const carried = new Map<number, Map<string, number>>();
  const transfers = referenceTransfers(ledger);
  for (const t of transfers) {
    const dst = lots.get(t.to)!;
    let pieces: RefLot[];
    if (t.fromParty) {
      pieces = [{ origin: t.from, amount: t.amount, path: [] }];
    } else {
      const src = lots.get(t.from)!;
      const have = sum(src);
      if (t.amount > have) src.push({ origin: `unknown:${t.from}`, amount: t.amount - have, path: [] });
      pieces = debit(src, t.amount, rule, roles);
    }
    const perOrigin = new Map<string, number>();
    for (const p of pieces) {
      perOrigin.set(p.origin, (perOrigin.get(p.origin) ?? 0) + p.amount);
      dst.push({ origin: p.origin, amount: p.amount, path: options.paths ? [...p.path, t.index] : [] });
    }
    if (options.paths) carried.set(t.index, perOrigin);
  }
  return { lots, carried, transfers };
}

/** Holdings (CSR by account and origin index) of a reference run, for buildTraceDocument. */
export function referenceHoldings(ledger: CompiledLedger, result: ReferenceResult): Holdings {
  const originIndex = new Map(ledger.originIds.map((id, o) => [id, o]));
  const start = new Int32Array(ledger.accountIds.length + 1);
  const origin: number[] = [];
  const amount: number[] = [];
  ledger.accountIds.forEach((id, a) => {
    start[a] = origin.length;
    const sums = new Map<number, number>();
    for (const lot of result.lots.get(id)!) {
      const o = originIndex.get(lot.origin)!;
      sums.set(o, (sums.get(o) ?? 0) + lot.amount);
    }
    for (const o of [...sums.keys()].sort((x, y) => x - y)) {
      origin.push(o);
      amount.push(sums.get(o)!);
    }
  });
  start[ledger.accountIds.length] = origin.length;
  return { start, origin: Int32Array.from(origin), amount: Float64Array.from(amount) };
}
