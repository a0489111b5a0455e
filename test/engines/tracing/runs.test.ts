/**
 * The runs of the application order (compiled-ledger.ts: runEnds, runAccounts, runAccountEnds)
 * and the holdings fifo and lifo take run by run (staged-holdings.ts): the run lists must name
 * every account of a run exactly once and no other, or an account's holdings would be summed
 * before its last transfer, twice, or never.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledLedger,
  compileLedger,
  fastTrace,
  type Ledger,
  referenceTrace,
  traceFast,
} from '../../../src/engines/tracing/index.js';

const T = (m: number) => `2023-03-01T09:${String(m).padStart(2, '0')}:00+08:00`;

/** Checks the run lists against the columns (a partition of the accounts that take part), and the sinks' transfer counts. */
function checkRuns(c: CompiledLedger): void {
  const n = c.transferCount;
  const runs = c.runEnds.length;
  expect(c.runAccountEnds.length).toBe(runs);
  if (n === 0) expect(runs).toBe(0);
  else expect(c.runEnds[runs - 1]).toBe(n);
  const runOf = new Int32Array(c.accountIds.length).fill(-1);
  for (let r = 0, s = 0; r < runs; s = c.runEnds[r++]!) {
    expect(c.runEnds[r]!).toBeGreaterThan(s);
    const lo = r > 0 ? c.runAccountEnds[r - 1]! : 0;
    for (let p = lo; p < c.runAccountEnds[r]!; p++) {
      const a = c.runAccounts[p]!;
      if (p > lo) expect(a).toBeGreaterThan(c.runAccounts[p - 1]!);
      expect(c.isSink[a]).toBe(0);
      expect(runOf[a]).toBe(-1); // in one run only
      runOf[a] = r;
    }
  }
  expect(c.runAccountEnds[runs - 1] ?? 0).toBe(c.runAccounts.length);
  // every non-sink account of a transfer is listed in the run that holds that transfer
  const seen = new Uint8Array(c.accountIds.length);
  for (let r = 0, s = 0; r < runs; s = c.runEnds[r++]!)
    for (let k = s; k < c.runEnds[r]!; k++)
      for (const a of [c.from[k]!, c.to[k]!]) {
        if (a < 0 || c.isSink[a] === 1) continue;
        expect(runOf[a]).toBe(r);
        seen[a] = 1;
      }
  // the transfers into each sink, sinks in account order (they size the sinks' tables)
  const into = new Map<number, number>();
  for (let k = 0; k < n; k++) if (c.isSink[c.to[k]!] === 1) into.set(c.to[k]!, (into.get(c.to[k]!) ?? 0) + 1);
  const sinks = [...c.isSink.keys()].filter((a) => c.isSink[a] === 1);
  expect([...c.sinkTransfers]).toEqual(sinks.map((a) => into.get(a) ?? 0));
  // and no account that takes part in no transfer
  for (let a = 0; a < c.accountIds.length; a++) if (runOf[a]! >= 0) expect(seen[a]).toBe(1);
}

/** Networks that share sinks and parties but no accounts; some accounts take part in nothing. */
const networksArb = fc
  .record({
    gangs: fc.integer({ min: 1, max: 5 }),
    perGang: fc.integer({ min: 1, max: 4 }),
    idle: fc.integer({ min: 0, max: 3 }),
    openings: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })), {
      minLength: 24,
      maxLength: 24,
    }),
    transfers: fc.array(
      fc.record({
        gang: fc.nat(4),
        from: fc.nat(12),
        to: fc.nat(12),
        amount: fc.oneof(fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 3 })),
        minute: fc.nat(9),
      }),
      { minLength: 0, maxLength: 50 },
    ),
  })
  .map(({ gangs, perGang, idle, openings, transfers }): Ledger => {
    const parties: Ledger['parties'] = [
      { id: 'V0', role: 'victim' },
      { id: 'V1', role: 'victim' },
      { id: 'O0', role: 'own' },
    ];
    const accounts: Ledger['accounts'] = [];
    // gang members interleaved in id order with each other, the idle accounts and the sinks
    for (let i = 0; i < perGang; i++)
      for (let g = 0; g < gangs; g++) {
        const open = openings[(g * 4 + i) % 24]!;
        accounts.push({ id: `A${i}G${g}`, ...(open ? { opening: open } : {}) });
      }
    for (let i = 0; i < idle; i++) {
      const open = openings[20 + i]!;
      accounts.push({ id: `A${i}I`, ...(open ? { opening: open } : {}) });
      accounts.push({ id: `A${i}S`, sink: 'cash', ...(open ? { opening: open } : {}) });
    }
    accounts.push({ id: 'S', sink: 'cash', opening: 5 });
    const member = (g: number, k: number) => `A${k % perGang}G${g}`;
    return {
      format: 'levee.ledger/1',
      parties,
      accounts,
      transfers: transfers.map((t, i) => {
        const g = t.gang % gangs;
        const from = t.from < 4 ? parties[t.from % 3]!.id : member(g, t.from);
        const to = t.to % 5 === 0 ? 'S' : member(g, t.to);
        return { id: `t${i}`, from, to, amount: t.amount, time: T(t.minute) };
      }),
    };
  });

describe('runs of the application order', () => {
  it('list each account that takes part in a run once, in that run, and no other account', () => {
    fc.assert(
      fc.property(networksArb, (ledger) => {
        checkRuns(compileLedger(ledger));
      }),
      { numRuns: 300 },
    );
  });

  it('give fifo and lifo the reference engine’s holdings, idle accounts and sinks included', () => {
    fc.assert(
      fc.property(networksArb, (ledger) => {
        const c = compileLedger(ledger);
        for (const rule of ['fifo', 'lifo'] as const)
          expect(fastTrace(c, rule)).toEqual(referenceTrace(c, rule));
      }),
      { numRuns: 300 },
    );
  });

  it('are one run holding every account when one component is applied in plain time order', () => {
    // A–B–C carry 9 of the 10 transfers (a giant component); X is on its own; I takes no part
    const transfers: Ledger['transfers'] = [{ id: 'x', from: 'V', to: 'X', amount: 4, time: T(2) }];
    for (let k = 0; k < 9; k++)
      transfers.push({
        id: `t${k}`,
        from: k === 0 ? 'V' : ['A', 'B', 'C'][(k - 1) % 3]!,
        to: ['A', 'B', 'C'][k % 3]!,
        amount: 90 - k,
        time: T(1 + k),
      });
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      parties: [{ id: 'V', role: 'victim' }],
      accounts: [{ id: 'A', opening: 3 }, { id: 'B' }, { id: 'C' }, { id: 'I', opening: 7 }, { id: 'X' }],
      transfers,
    };
    const c = compileLedger(ledger);
    expect([...c.runEnds]).toEqual([10]);
    expect([...c.runAccounts].map((a) => c.accountIds.at(a))).toEqual(['A', 'B', 'C', 'X']);
    checkRuns(c);
    for (const rule of ['fifo', 'lifo'] as const) {
      const doc = fastTrace(c, rule);
      expect(doc).toEqual(referenceTrace(c, rule));
      expect(doc.accounts['I']!.byOrigin).toEqual({ 'opening:I': 7 });
    }
  });

  it('hold when a run needs more lots and staged entries than the pool and staging start with', () => {
    // one account takes 3,000 victims' money (3,000 lots, 3,000 origins: past the pool's
    // 1,024 + 0.3 a transfer of the longest run, and with the second run past the staging area's
    // 0.3 a transfer), then a second run as long reuses the lots the first gave back
    const parties: Ledger['parties'] = Array.from({ length: 3000 }, (_, i) => ({
      id: `V${String(i).padStart(4, '0')}`,
      role: 'victim' as const,
    }));
    const transfers: Ledger['transfers'] = parties.map((p, i) => ({
      id: `in${i}`,
      from: p.id,
      to: 'HUB',
      amount: 10 + (i % 7),
      time: T(1),
    }));
    transfers.push({ id: 'out', from: 'HUB', to: 'NEXT', amount: 15_000, time: T(2) });
    for (let i = 0; i < 3000; i++)
      transfers.push({ id: `b${i}`, from: parties[(i * 7) % 3000]!.id, to: 'B', amount: 5, time: T(3) });
    transfers.push({ id: 'b-out', from: 'B', to: 'S', amount: 7_001, time: T(4) });
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      parties,
      accounts: [{ id: 'B' }, { id: 'HUB' }, { id: 'NEXT' }, { id: 'S', sink: 'cash' }],
      transfers,
    };
    const c = compileLedger(ledger);
    expect(c.runEnds.length).toBe(2);
    checkRuns(c);
    for (const rule of ['fifo', 'lifo'] as const) {
      const doc = fastTrace(c, rule);
      expect(doc).toEqual(referenceTrace(c, rule));
      const held = (id: string) => Object.keys(doc.accounts[id]!.byOrigin).length;
      expect(held('HUB') + held('NEXT')).toBeGreaterThanOrEqual(3000);
      expect(held('B')).toBeGreaterThan(1000);
    }
  });

  it('give a finished run’s lots back: the pool holds one run’s lots, not the whole ledger’s', () => {
    // 100 runs, each an account left holding 1,000 lots (two victims' money alternating, so no
    // two neighbours merge): 100,000 lots in all, at most 1,000 at a time
    const transfers: Ledger['transfers'] = [];
    const accounts: Ledger['accounts'] = [];
    for (let g = 0; g < 100; g++) {
      const id = `G${String(g).padStart(3, '0')}`;
      accounts.push({ id });
      for (let i = 0; i < 1000; i++)
        transfers.push({ id: `${id}-${i}`, from: `V${i % 2}`, to: id, amount: 3, time: T(g % 50) });
    }
    const c = compileLedger({
      format: 'levee.ledger/1',
      parties: [
        { id: 'V0', role: 'victim' },
        { id: 'V1', role: 'victim' },
      ],
      accounts,
      transfers,
    });
    expect(c.runEnds.length).toBe(100);
    for (const rule of ['fifo', 'lifo'] as const) {
      const r = traceFast(c, rule);
      expect(r.holdings.origin.length).toBe(200);
      // staging 0.3 entries a transfer (12 bytes) and small arrays; 100,000 lots would be 1.6 MB
      expect(r.peakEngineBytes).toBeLessThan(800_000);
    }
  });
});
