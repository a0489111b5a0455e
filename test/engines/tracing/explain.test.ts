import { describe, expect, it } from 'vitest';
import {
  compileLedger,
  explainAccount,
  fastTrace,
  LedgerError,
  poisonReach,
  TRACE_RULES,
} from '../../../src/engines/tracing/index.js';
import { loadVectors } from './_trace-specs.js';

const vectors = loadVectors();
const mule = compileLedger(vectors.find((v) => v.name === 'mule-chain-3-levels')!.ledger);

describe('explanations', () => {
  it('paths add up to the trace figure of every account and origin, under every rule', () => {
    for (const v of vectors) {
      const ledger = compileLedger(v.ledger);
      for (const rule of TRACE_RULES) {
        const doc = fastTrace(ledger, rule);
        for (const [account, held] of Object.entries(doc.accounts)) {
          const ex = explainAccount(ledger, rule, account);
          expect(ex.balance).toBe(held.balance);
          const figures = Object.fromEntries(Object.entries(ex.origins).map(([o, e]) => [o, e.amount]));
          expect(figures).toEqual(held.byOrigin);
          for (const e of Object.values(ex.origins))
            expect(e.paths.reduce((s, p) => s + p.amount, 0)).toBe(e.amount);
        }
      }
    }
  });

  it('gives the hops from the victim with the amounts each transfer carried', () => {
    const ex = explainAccount(mule, 'fifo', 'C1', 'V1');
    expect(ex.origins['V1']!.amount).toBe(1000000);
    expect(ex.origins['V1']!.paths).toEqual([
      {
        amount: 1000000,
        hops: [
          {
            transfer: 't1',
            from: 'V1',
            to: 'A',
            time: '2023-10-27T14:00:00+08:00',
            amount: 5000000,
            carried: 5000000,
          },
          {
            transfer: 't3',
            from: 'A',
            to: 'B1',
            time: '2023-10-27T14:06:00+08:00',
            amount: 4000000,
            carried: 4000000,
          },
          {
            transfer: 't6',
            from: 'B1',
            to: 'C1',
            time: '2023-10-27T14:15:00+08:00',
            amount: 3000000,
            carried: 2500000,
          },
        ],
      },
    ]);
    expect(ex.origins['V1']!.victim).toEqual({
      sent: 5000000,
      located: { B1: 1500000, C1: 1000000 },
      sinks: { CASH: 1500000, MERCH: 1000000 },
    });
  });

  it('splits an origin over several paths when its money came by several routes', () => {
    const ex = explainAccount(mule, 'prorata', 'C2');
    const v1 = ex.origins['V1']!;
    expect(v1.amount).toBe(684524);
    expect(v1.paths.length).toBeGreaterThanOrEqual(1);
    for (const p of v1.paths) {
      expect(p.hops[0]!.from).toBe('V1');
      expect(p.hops.at(-1)!.to).toBe('C2');
    }
  });

  it('names an unknown account or origin', () => {
    expect(() => explainAccount(mule, 'fifo', 'NOPE')).toThrow(LedgerError);
    expect(() => explainAccount(mule, 'fifo', 'A', 'V9')).toThrow(/V9/);
  });
});

describe('poison reach', () => {
  it('lists every account that received victim money, in the order it first did', () => {
    const doc = poisonReach(mule, 'fifo');
    expect(doc.accounts.map((a) => [a.account, a.first.transfer])).toEqual([
      ['A', 't1'],
      ['B1', 't3'],
      ['B2', 't5'],
      ['C1', 't6'],
      ['C2', 't7'],
      ['C3', 't9'],
      ['CASH', 't10'],
      ['MERCH', 't11'],
      ['EXCH', 't12'],
    ]);
    // t7 carried V1's last 1,000,000 at A's level and 1,500,000 of V2 (C2 later spends V1's)
    expect(doc.accounts.find((a) => a.account === 'C2')!.victims).toEqual({
      V1: { time: '2023-10-27T14:16:00+08:00', transfer: 't7' },
      V2: { time: '2023-10-27T14:16:00+08:00', transfer: 't7' },
    });
  });

  it('depends on the rule and can be limited to one victim', () => {
    const lifo = poisonReach(mule, 'lifo', 'V3');
    expect(lifo.victim).toBe('V3');
    expect(lifo.accounts.map((a) => a.account)).toEqual(['A', 'B2', 'C2', 'MERCH']);
    const fifo = poisonReach(mule, 'fifo', 'V3');
    expect(fifo.accounts.map((a) => a.account)).toEqual(['A', 'B2', 'C3']);
  });
});
