/**
 * The application order: transfers grouped by connected component of the account–account graph
 * (compiled-ledger.ts), time order within a component. Every figure, gap, explanation and poison
 * entry must be what the one-time-order reading of rule 1 gives; the reference engine keeps that
 * reading, so it is the oracle here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileLedger,
  fastTrace,
  type Ledger,
  poisonReach,
  referenceTrace,
  TRACE_RULES,
  type TraceRule,
} from '../../../src/engines/tracing/index.js';
import { traceReference } from '../../../src/engines/tracing/reference-engine.js';

const T = (m: number) => `2023-01-01T00:${String(m).padStart(2, '0')}:00+08:00`;

/** Two networks that never exchange money, interleaved in time, both cashing out at one sink. */
const twoNetworks: Ledger = {
  format: 'levee.ledger/1',
  parties: [
    { id: 'O1', role: 'own' },
    { id: 'V1', role: 'victim' },
    { id: 'V2', role: 'victim' },
  ],
  accounts: [{ id: 'A' }, { id: 'B' }, { id: 'C' }, { id: 'D' }, { id: 'S', sink: 'cash' }],
  transfers: [
    { id: 't0', from: 'V2', to: 'C', amount: 50, time: T(3) },
    { id: 't1', from: 'V1', to: 'A', amount: 100, time: T(1) },
    { id: 't2', from: 'A', to: 'B', amount: 120, time: T(2) }, // gap of 20 at A
    { id: 't3', from: 'C', to: 'D', amount: 70, time: T(4) }, // gap of 30 at C
    { id: 't4', from: 'B', to: 'S', amount: 60, time: T(4) },
    { id: 't5', from: 'D', to: 'S', amount: 70, time: T(5) },
    { id: 't6', from: 'O1', to: 'S', amount: 5, time: T(0) },
    { id: 't7', from: 'A', to: 'S', amount: 1, time: T(4) }, // gap of 1 at A, after C's in the file
    { id: 't8', from: 'C', to: 'S', amount: 10, time: T(3) },
  ],
};

describe('application order', () => {
  it('groups transfers by component, the component with the earliest transfer first', () => {
    const c = compileLedger(twoNetworks);
    // components: the party → sink transfer t6 (time 0), {A, B} (first at 1), {C, D} (first at 3)
    expect(c.componentCount).toBe(3);
    expect([...c.file]).toEqual([6, 1, 2, 4, 7, 0, 8, 3, 5]);
    expect(c.accountIds.at(c.from[2]!)).toBe('A');
    expect(c.amount[2]).toBe(120);
    // gaps stay in time order (then file order), not in component order
    const gaps = [
      { account: 'A', transfer: 't2', amount: 20 },
      { account: 'C', transfer: 't3', amount: 30 },
      { account: 'A', transfer: 't7', amount: 1 },
    ];
    for (const rule of TRACE_RULES) {
      const doc = fastTrace(c, rule);
      expect(doc).toEqual(referenceTrace(c, rule));
      expect(doc.gaps).toEqual(gaps);
    }
    expect(fastTrace(c, 'fifo').accounts['S']!.byOrigin).toEqual({
      O1: 5,
      V1: 60,
      V2: 50,
      'unknown:A': 1,
      'unknown:C': 30,
    });
  });

  it('poison reach orders accounts by time although the sink is reached from a component applied later', () => {
    const doc = poisonReach(compileLedger(twoNetworks), 'fifo');
    // S first got victims' money by t8 (time 3, component {C, D}), not by t4 (time 4, {A, B}),
    // although {A, B} is applied first
    expect(doc.accounts.map((a) => [a.account, a.first.transfer])).toEqual([
      ['A', 't1'],
      ['B', 't2'],
      ['C', 't0'],
      ['S', 't8'],
      ['D', 't3'],
    ]);
    expect(doc.accounts[3]!.victims).toEqual({
      V1: { time: T(4), transfer: 't4' },
      V2: { time: T(3), transfer: 't8' },
    });
  });

  it('equal times in one component keep file order across transfers of other components', () => {
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      parties: [
        { id: 'V1', role: 'victim' },
        { id: 'V2', role: 'victim' },
      ],
      accounts: [{ id: 'A' }, { id: 'B' }, { id: 'X' }, { id: 'S', sink: 'cash' }],
      transfers: [
        { id: 'u1', from: 'V2', to: 'X', amount: 7, time: T(1) },
        { id: 't1', from: 'V2', to: 'A', amount: 10, time: T(1) },
        { id: 'u2', from: 'X', to: 'S', amount: 7, time: T(1) },
        { id: 't2', from: 'V1', to: 'A', amount: 10, time: T(1) },
        { id: 't3', from: 'A', to: 'B', amount: 10, time: T(1) },
      ],
    };
    const c = compileLedger(ledger);
    expect([...c.file].map((i) => c.transferIds[i])).toEqual(['u1', 'u2', 't1', 't2', 't3']);
    expect(fastTrace(c, 'fifo').accounts['B']!.byOrigin).toEqual({ V2: 10 });
    expect(fastTrace(c, 'lifo').accounts['B']!.byOrigin).toEqual({ V1: 10 });
  });
});

describe('one giant component', () => {
  it('is applied in plain time order, and a file in time order is used as it is', () => {
    // A–B–C form one component with 10 of the 11 transfers; X is on its own, in the middle of
    // the time order (grouping would put it last)
    const transfers: Ledger['transfers'] = [];
    for (let k = 0; k < 10; k++)
      transfers.push({
        id: `t${k}`,
        from: k === 0 ? 'V1' : ['A', 'B', 'C'][(k - 1) % 3]!,
        to: ['A', 'B', 'C'][k % 3]!,
        amount: 100 - k,
        time: T(1 + Math.floor(k / 2)),
      });
    const x0 = { id: 'x0', from: 'V1', to: 'X', amount: 5, time: T(3) };
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      parties: [{ id: 'V1', role: 'victim' }],
      accounts: [{ id: 'A' }, { id: 'B' }, { id: 'C' }, { id: 'X' }],
      transfers: [...transfers.slice(0, 4), x0, ...transfers.slice(4)],
    };
    const sorted = compileLedger(ledger);
    expect(sorted.componentCount).toBe(2);
    expect([...sorted.file]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // x0 last in the file: applied in time order (after t4 and t5, its equals in time)
    const shuffled = compileLedger({ ...ledger, transfers: [...transfers, x0] });
    expect([...shuffled.file]).toEqual([0, 1, 2, 3, 4, 5, 10, 6, 7, 8, 9]);
    for (const rule of TRACE_RULES) {
      expect(fastTrace(sorted, rule)).toEqual(referenceTrace(sorted, rule));
      expect(fastTrace(shuffled, rule)).toEqual(referenceTrace(shuffled, rule));
      expect(fastTrace(shuffled, rule)).toEqual(fastTrace(sorted, rule));
    }
  });
});

/** Random ledgers of several networks (gangs) that share sinks and parties but no accounts. */
const gangLedgerArb = fc
  .record({
    gangs: fc.integer({ min: 1, max: 4 }),
    perGang: fc.integer({ min: 1, max: 4 }),
    sinks: fc.integer({ min: 0, max: 2 }),
    roles: fc.array(fc.constantFrom('victim', 'own', 'third-party', 'unknown'), {
      minLength: 1,
      maxLength: 5,
    }),
    openings: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })), {
      minLength: 16,
      maxLength: 16,
    }),
    transfers: fc.array(
      fc.record({
        gang: fc.nat(3),
        from: fc.nat(20),
        to: fc.nat(20),
        amount: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 3 })),
        minute: fc.nat(5),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  })
  .map(({ gangs, perGang, sinks, roles, openings, transfers }): Ledger => {
    const parties = roles.map((role, i) => ({ id: `P${i}`, role: role as Ledger['parties'][0]['role'] }));
    const accounts: Ledger['accounts'] = [];
    // interleaved ids, so a gang's accounts are not contiguous in id order
    for (let i = 0; i < perGang; i++)
      for (let g = 0; g < gangs; g++) {
        const open = openings[(g * 4 + i) % 16]!;
        accounts.push({ id: `A${i}G${g}`, ...(open ? { opening: open } : {}) });
      }
    for (let s = 0; s < sinks; s++) accounts.push({ id: `S${s}`, sink: 'cash' });
    const member = (g: number, k: number) => `A${k % perGang}G${g}`;
    return {
      format: 'levee.ledger/1',
      parties,
      accounts,
      transfers: transfers.map((t, i) => {
        const g = t.gang % gangs;
        const from = t.from < parties.length * 2 ? parties[t.from % parties.length]!.id : member(g, t.from);
        const to = sinks > 0 && t.to % 4 === 0 ? `S${t.to % sinks}` : member(g, t.to);
        return { id: `t${i}`, from, to, amount: t.amount, time: T(t.minute) };
      }),
    };
  });

/** Poison reach computed from the reference engine's time-ordered run (what the carried map says). */
function referencePoison(ledger: Ledger, rule: TraceRule): [string, string][] {
  const c = compileLedger(ledger);
  const run = traceReference(c, rule, { paths: true });
  const victims = new Set(ledger.parties.filter((p) => p.role === 'victim').map((p) => p.id));
  const first = new Map<string, string>();
  for (const t of run.transfers) {
    const carried = run.carried.get(t.index)!;
    if ([...carried].some(([o, x]) => victims.has(o) && x > 0) && !first.has(t.to)) first.set(t.to, t.id);
  }
  return [...first];
}

describe('application order on random networks', () => {
  it('gives the reference engine’s trace, gaps and poison reach under every rule', () => {
    fc.assert(
      fc.property(gangLedgerArb, (ledger) => {
        const c = compileLedger(ledger);
        for (const rule of TRACE_RULES) {
          expect(fastTrace(c, rule)).toEqual(referenceTrace(c, rule));
          const poison = poisonReach(c, rule).accounts.map((a) => [a.account, a.first.transfer]);
          const expected = referencePoison(ledger, rule);
          // the same accounts, first transfers and order (each account's first transfer is its own)
          expect(poison).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
