/** R1–R4 of test/fixtures/vectors/restitution.md, plus exactness properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateCapped,
  attributeFrozen,
  netLossProRata,
  proposeArt8Returns,
  RestitutionError,
  risingTide,
} from '../../../src/engines/restitution/index.js';
import { compileLedger, fastTrace } from '../../../src/engines/tracing/index.js';
import { loadVectors } from '../tracing/_trace-specs.js';

describe('R1 — SEC v Huber: net loss vs rising tide', () => {
  const investors = [
    { id: 'A', invested: 150000, withdrawn: 60000 },
    { id: 'B', invested: 150000, withdrawn: 30000 },
    { id: 'C', invested: 150000, withdrawn: 0 },
  ];
  it('net-loss pro rata gives 15,000 / 20,000 / 25,000', () => {
    const d = netLossProRata(investors, 60000);
    expect(d.shares).toEqual({ A: 15000, B: 20000, C: 25000 });
    expect([d.method, d.distributed, d.undistributed]).toEqual(['net-loss-pro-rata', 60000, 0]);
  });
  it('rising tide gives 0 / 15,000 / 45,000 at a level of 30%', () => {
    const d = risingTide(investors, 60000);
    expect(d.shares).toEqual({ A: 0, B: 15000, C: 45000 });
    expect(d.level!.numerator / d.level!.denominator).toBeCloseTo(0.3, 12);
    expect(d.distributed).toBe(60000);
  });
});

describe('R2 — rising tide with a withdrawal', () => {
  it('X 3,000 and Y 1,000 at 30%', () => {
    const d = risingTide(
      [
        { id: 'Y', invested: 10000, withdrawn: 2000 },
        { id: 'X', invested: 10000, withdrawn: 0 },
      ],
      4000,
    );
    expect(d.shares).toEqual({ X: 3000, Y: 1000 });
    expect(d.level).toEqual({ numerator: 6000, denominator: 20000 });
  });
  it('a pool larger than all net losses makes everyone whole and leaves the rest', () => {
    const d = risingTide([{ id: 'X', invested: 100, withdrawn: 30 }], 500);
    expect([d.shares, d.undistributed]).toEqual([{ X: 70 }, 430]);
    expect(netLossProRata([{ id: 'X', invested: 100, withdrawn: 30 }], 500).undistributed).toBe(430);
  });
});

const roles = {
  V1: 'victim',
  V2: 'victim',
  V3: 'victim',
  V4: 'victim',
  OWN: 'own',
  X: 'third-party',
} as const;

describe('R3 — one frozen account, proportional return (Art. 8(3))', () => {
  const losses = { V1: 50000, V2: 30000, V3: 20000 };
  const untraceable = (frozen: number) => ({
    account: 'ACC',
    frozen,
    held: {},
    traceable: false,
    contributors: { V1: 50000, V2: 30000, V3: 20000 },
  });
  it('40,000 in proportion to losses: 20,000 / 12,000 / 8,000, after a 30-day notice', () => {
    const r = proposeArt8Returns({ rule: 'fifo', roles, losses, accounts: [untraceable(40000)] });
    const acc = r.accounts[0]!;
    expect(acc.returns).toEqual([
      { victim: 'V1', amount: 20000, basis: 'art8-3' },
      { victim: 'V2', amount: 12000, basis: 'art8-3' },
      { victim: 'V3', amount: 8000, basis: 'art8-3' },
    ]);
    expect([acc.publicNoticeDays, acc.remaining]).toEqual([30, 0]);
    expect([r.base, r.rule]).toEqual(['loss', 'fifo']);
  });
  it('V4 identified later starts a new procedure on what is still frozen', () => {
    const first = proposeArt8Returns({ rule: 'fifo', roles, losses, accounts: [untraceable(40000)] });
    const again = proposeArt8Returns({
      rule: 'fifo',
      roles,
      losses: { V4: 25000 },
      accounts: [{ ...untraceable(first.accounts[0]!.remaining), contributors: { V4: 25000 } }],
    });
    expect(again.totals).toEqual({});
    // with more frozen than the first victims lost, the rest stays frozen and V4 gets from it
    const big = proposeArt8Returns({ rule: 'fifo', roles, losses, accounts: [untraceable(120000)] });
    expect(big.totals).toEqual(losses);
    expect(big.accounts[0]!.remaining).toBe(20000);
    const later = proposeArt8Returns({
      rule: 'fifo',
      roles,
      losses: { V4: 25000 },
      accounts: [{ ...untraceable(big.accounts[0]!.remaining), contributors: { V4: 25000 } }],
    });
    expect(later.totals).toEqual({ V4: 20000 });
  });
  it('the base can be the traced amount instead of the loss', () => {
    const r = proposeArt8Returns({
      rule: 'prorata',
      roles,
      losses,
      base: 'traced',
      accounts: [{ ...untraceable(30000), contributors: { V1: 10000, V2: 10000, V3: 10000 } }],
    });
    expect(r.totals).toEqual({ V1: 10000, V2: 10000, V3: 10000 });
    expect(r.base).toBe('traced');
  });
});

describe('R4 — direct return (Art. 8(1)–(2))', () => {
  it('an account whose only deposit came from V1 returns the frozen balance to V1, up to the loss', () => {
    const acc = { account: 'A', frozen: 30000, held: { V1: 30000 } };
    const r = proposeArt8Returns({ rule: 'fifo', roles, losses: { V1: 50000 }, accounts: [acc] });
    expect(r.accounts[0]!.returns).toEqual([{ victim: 'V1', amount: 30000, basis: 'art8-1' }]);
    expect(r.accounts[0]!.publicNoticeDays).toBe(0);
    const capped = proposeArt8Returns({ rule: 'fifo', roles, losses: { V1: 20000 }, accounts: [acc] });
    expect(capped.accounts[0]!.returns).toEqual([{ victim: 'V1', amount: 20000, basis: 'art8-1' }]);
    expect(capped.accounts[0]!.remaining).toBe(10000);
  });
  it('deposits of several victims told apart by the trace go back to each (art8-2)', () => {
    const [mule] = loadVectors().filter((v) => v.name === 'mule-chain-3-levels');
    const doc = fastTrace(compileLedger(mule!.ledger), 'fifo');
    const r = proposeArt8Returns({
      rule: 'fifo',
      roles,
      losses: { V1: 5000000, V2: 3000000, V3: 2000000 },
      accounts: ['A', 'B1', 'C2'].map((a) => ({
        account: a,
        frozen: doc.accounts[a]!.balance,
        held: doc.accounts[a]!.byOrigin,
      })),
    });
    expect(r.totals).toEqual({ V1: 1500000, V2: 1300000, V3: 500000 });
    const c2 = r.accounts.find((a) => a.account === 'C2')!;
    expect(c2.returns).toEqual([{ victim: 'V2', amount: 1300000, basis: 'art8-1' }]);
    expect(c2.remaining).toBe(1000000); // X, an innocent third party: stays frozen for them to claim
  });
  it('a partial freeze charges the unfrozen part to own money first', () => {
    expect(attributeFrozen({ OWN: 300, V1: 500, V2: 200 }, 600, roles)).toEqual({ V1: 429, V2: 171 });
    expect(attributeFrozen({ OWN: 300, V1: 500 }, 600, roles)).toEqual({ OWN: 100, V1: 500 });
    const r = proposeArt8Returns({
      rule: 'libr',
      roles,
      losses: { V1: 1000 },
      accounts: [{ account: 'A', frozen: 600, held: { OWN: 300, V1: 500, 'unknown:A': 100 } }],
    });
    // unfrozen 300 comes from OWN and unknown:A pro rata (225 + 75): OWN 75 and unknown 25 stay
    expect(r.accounts[0]!.attributed).toEqual({ OWN: 75, V1: 500, 'unknown:A': 25 });
    expect(r.accounts[0]!.returns).toEqual([
      { victim: 'V1', amount: 500, basis: 'art8-1' },
      { victim: 'V1', amount: 25, basis: 'art8-3' },
    ]);
    expect(r.accounts[0]!.remaining).toBe(75);
  });
  it('unknown money in a traced account is shared by art8-3 with notice', () => {
    const r = proposeArt8Returns({
      rule: 'fifo',
      roles,
      losses: { V1: 1000, V2: 3000 },
      accounts: [{ account: 'A', frozen: 500, held: { V1: 100, V2: 100, 'unknown:A': 300 } }],
    });
    expect(r.accounts[0]!.returns).toEqual([
      { victim: 'V1', amount: 100, basis: 'art8-2' },
      { victim: 'V2', amount: 100, basis: 'art8-2' },
      { victim: 'V1', amount: 75, basis: 'art8-3' },
      { victim: 'V2', amount: 225, basis: 'art8-3' },
    ]);
    expect(r.accounts[0]!.publicNoticeDays).toBe(30);
  });
  it('rejects a frozen amount above the balance', () => {
    expect(() =>
      proposeArt8Returns({
        rule: 'fifo',
        roles,
        losses: {},
        accounts: [{ account: 'A', frozen: 10, held: { V1: 5 } }],
      }),
    ).toThrow(RestitutionError);
  });
});

describe('rounding: shares are whole fen and add up exactly', () => {
  const people = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      invested: fc.nat(10 ** 9),
      withdrawn: fc.nat(10 ** 9),
    }),
    { selector: (c) => c.id, minLength: 1, maxLength: 12 },
  );
  it('net loss and rising tide distribute exactly min(pool, total net loss)', () => {
    fc.assert(
      fc.property(people, fc.nat(10 ** 10), (cs, pool) => {
        const net = cs.reduce((s, c) => s + Math.max(0, c.invested - c.withdrawn), 0);
        for (const d of [netLossProRata(cs, pool), risingTide(cs, pool)]) {
          const values = Object.values(d.shares);
          expect(values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
          expect(values.reduce((s, v) => s + v, 0)).toBe(d.distributed);
          expect(d.distributed).toBe(Math.min(pool, net));
          for (const c of cs)
            expect(d.shares[c.id]!).toBeLessThanOrEqual(Math.max(0, c.invested - c.withdrawn));
        }
      }),
      { numRuns: 200 },
    );
  });
  it('capped allocation never passes a cap and gives out all it can', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1000), fc.nat(1000)), { maxLength: 8 }),
        fc.nat(5000),
        (rows, amount) => {
          const weights = new Map(rows.map(([w], i) => [`k${i}`, w]));
          const caps = new Map(rows.map(([, c], i) => [`k${i}`, c]));
          const { shares, left } = allocateCapped(amount, weights, caps);
          let given = 0;
          for (const [k, v] of shares) {
            expect(v).toBeLessThanOrEqual(caps.get(k)!);
            given += v;
          }
          expect(given + left).toBe(amount);
          const room = rows.reduce((s, [w, c]) => s + (w > 0 ? c : 0), 0);
          expect(given).toBe(Math.min(amount, room));
        },
      ),
      { numRuns: 200 },
    );
  });
});
