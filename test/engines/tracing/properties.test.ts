/**
 * Property tests on random ledgers: the fast engine agrees with the reference engine, money is
 * conserved after every transfer, nothing goes negative, all rules give the same balances, libr
 * with one claimant is the lowest intermediate balance, file order only matters between equal
 * times, and the order of parties and accounts does not matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileLedger,
  fastTrace,
  type Ledger,
  referenceTrace,
  TRACE_RULES,
  traceFast,
} from '../../../src/engines/tracing/index.js';
import { referenceTransfers } from '../../../src/engines/tracing/reference-engine.js';

const ROLES = ['victim', 'own', 'third-party', 'unknown'] as const;
const time = (m: number) => `2023-05-01T10:${String(m).padStart(2, '0')}:00+08:00`;

/** Random ledger: few ids so money mixes, few distinct times so ties are common. */
const makeLedgerArb = (
  maxParties: number,
  maxTransfers: number,
  amount: fc.Arbitrary<number> = fc.oneof(
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 2 ** 40 }),
  ),
  maxAccounts = 6,
  minAccounts = 2,
  minTransfers = 1,
  sinkPercent = 50,
) =>
  fc
    .record({
      roles: fc.array(fc.constantFrom(...ROLES), { minLength: 1, maxLength: maxParties }),
      accounts: fc.array(
        fc.record({
          sink: fc.nat(99).map((p) => p < sinkPercent),
          opening: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
        }),
        { minLength: minAccounts, maxLength: maxAccounts },
      ),
      transfers: fc.array(
        fc.record({
          from: fc.nat(Math.max(20, maxParties + maxAccounts)),
          to: fc.nat(Math.max(20, maxAccounts)),
          amount,
          minute: fc.nat(8),
        }),
        { minLength: minTransfers, maxLength: maxTransfers },
      ),
    })
    .map(({ roles, accounts, transfers }): Ledger => {
      const parties = roles.map((role, i) => ({ id: `P${i}`, role }));
      const accs = accounts.map((a, i) => ({
        id: `A${i}`,
        ...(a.sink ? { sink: 'cash' } : {}),
        ...(a.opening ? { opening: a.opening } : {}),
      }));
      if (accs.every((a) => a.sink)) delete accs[0]!.sink;
      const sources = [...parties.map((p) => p.id), ...accs.filter((a) => !a.sink).map((a) => a.id)];
      return {
        format: 'levee.ledger/1',
        parties,
        accounts: accs,
        transfers: transfers.map((t, i) => ({
          id: `t${i}`,
          from: sources[t.from % sources.length]!,
          to: accs[t.to % accs.length]!.id,
          amount: t.amount,
          time: time(t.minute),
        })),
      };
    });

const ledgerArb = makeLedgerArb(5, 30);
/** Many origins per account: exercises the sorted merge and the many-remainders path. */
const wideLedgerArb = makeLedgerArb(40, 120);

/**
 * Amounts whose products pass 2^53 while balances stay near 2^35: the pro-rata split's chunked
 * exact path (and, above 2^35, the BigInt one).
 */
const bigAmountLedgerArb = makeLedgerArb(
  6,
  40,
  fc.oneof(fc.integer({ min: 2 ** 24, max: 2 ** 31 }), fc.integer({ min: 1, max: 1000 })),
);

/**
 * Dozens of accounts with lists of many lots: the final holdings walk the lists of 16 accounts
 * in lockstep, so a group fills up, is flushed between sinks and run-only accounts, and its
 * staging area grows.
 */
const manyAccountsLedgerArb = makeLedgerArb(
  30,
  400,
  fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 3 })),
  60,
  40,
  200,
  5,
);

const RUNS = { numRuns: 150 };

describe('tracing properties', () => {
  it('the fast engine gives exactly the reference result, for every rule', () => {
    fc.assert(
      fc.property(ledgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        for (const rule of TRACE_RULES)
          expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
      }),
      RUNS,
    );
  });

  it('the engines also agree when accounts hold dozens of origins', () => {
    fc.assert(
      fc.property(wideLedgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        for (const rule of TRACE_RULES)
          expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
      }),
      { numRuns: 40 },
    );
  });

  it('the engines also agree on ledgers of dozens of accounts holding many lots each', () => {
    fc.assert(
      fc.property(manyAccountsLedgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        for (const rule of TRACE_RULES)
          expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
      }),
      { numRuns: 40 },
    );
  });

  it('the engines also agree on amounts whose pro-rata products pass 2^53', () => {
    fc.assert(
      fc.property(bigAmountLedgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        for (const rule of TRACE_RULES)
          expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
      }),
      { numRuns: 100 },
    );
  });

  it('money is conserved after every transfer and no holding or piece is negative', () => {
    fc.assert(
      fc.property(ledgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        const order = referenceTransfers(compiled).map((t) => t.index);
        for (let k = 1; k <= order.length; k++) {
          // the ledger cut after the k-th transfer in time order
          const keep = new Set(order.slice(0, k));
          const prefix = compileLedger({
            ...ledger,
            transfers: ledger.transfers.filter((_, i) => keep.has(i)),
          });
          const brought = new Map<string, number>();
          const add = (o: string, x: number) => brought.set(o, (brought.get(o) ?? 0) + x);
          for (const t of ledger.transfers.filter((_, i) => keep.has(i)))
            if (ledger.parties.some((p) => p.id === t.from)) add(t.from, t.amount);
          for (const a of ledger.accounts) if (a.opening) add(`opening:${a.id}`, a.opening);
          for (const rule of TRACE_RULES) {
            const res = traceFast(prefix, rule, {
              onPieces: (_t, _s, _d, _o, amounts, count) => {
                for (let i = 0; i < count; i++) expect(amounts[i]).toBeGreaterThan(0);
              },
            });
            const doc = fastTrace(prefix, rule);
            const held = new Map<string, number>();
            for (const acc of Object.values(doc.accounts))
              for (const [o, x] of Object.entries(acc.byOrigin)) {
                expect(x).toBeGreaterThan(0);
                held.set(o, (held.get(o) ?? 0) + x);
              }
            const expected = new Map(brought);
            for (const g of doc.gaps)
              expected.set(`unknown:${g.account}`, (expected.get(`unknown:${g.account}`) ?? 0) + g.amount);
            for (const [o, x] of [...expected]) if (x === 0) expected.delete(o);
            expect(held).toEqual(expected);
            expect(res.holdings.amount.every((x) => x > 0)).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every rule gives the same account balances and the same gaps', () => {
    fc.assert(
      fc.property(ledgerArb, (ledger) => {
        const compiled = compileLedger(ledger);
        const docs = TRACE_RULES.map((rule) => fastTrace(compiled, rule));
        const balances = docs.map((d) => Object.entries(d.accounts).map(([id, a]) => [id, a.balance]));
        for (const b of balances) expect(b).toEqual(balances[0]);
        for (const d of docs) expect(d.gaps).toEqual(docs[0]!.gaps);
      }),
      RUNS,
    );
  });

  it('with one claimant, libr is the lowest intermediate balance', () => {
    const events = fc.array(
      fc.record({ kind: fc.constantFrom('victim', 'own', 'out'), amount: fc.integer({ min: 1, max: 500 }) }),
      { minLength: 1, maxLength: 25 },
    );
    fc.assert(
      fc.property(events, (evs) => {
        let balance = 0;
        let claim = 0; // LIBR by its textbook definition
        const transfers: Ledger['transfers'] = [];
        evs.forEach((e, i) => {
          const at = `2023-05-01T10:00:${String(i).padStart(2, '0')}+08:00`;
          if (e.kind === 'out') {
            const x = Math.min(e.amount, balance);
            if (x === 0) return;
            balance -= x;
            claim = Math.min(claim, balance);
            transfers.push({ id: `t${i}`, from: 'A', to: 'OUT', amount: x, time: at });
          } else {
            balance += e.amount;
            if (e.kind === 'victim') claim += e.amount;
            transfers.push({
              id: `t${i}`,
              from: e.kind === 'victim' ? 'V' : 'W',
              to: 'A',
              amount: e.amount,
              time: at,
            });
          }
        });
        const doc = fastTrace(
          compileLedger({
            format: 'levee.ledger/1',
            parties: [
              { id: 'V', role: 'victim' },
              { id: 'W', role: 'own' },
            ],
            accounts: [{ id: 'A' }, { id: 'OUT', sink: 'cash' }],
            transfers,
          }),
          'libr',
        );
        expect(doc.accounts['A']!.byOrigin['V'] ?? 0).toBe(claim);
      }),
      RUNS,
    );
  });

  it('file order only matters between equal times', () => {
    fc.assert(
      fc.property(ledgerArb, fc.nat(), (ledger, seed) => {
        // shuffle the file, then restore the relative order of transfers that share a time
        const shuffled = [...ledger.transfers].sort(
          (a, b) =>
            ((Number(a.id.slice(1)) * 7919 + seed) % 101) - ((Number(b.id.slice(1)) * 7919 + seed) % 101),
        );
        const byTime = new Map<string, Ledger['transfers']>();
        for (const t of ledger.transfers) byTime.set(t.time, [...(byTime.get(t.time) ?? []), t]);
        const reordered = shuffled.map((t) => byTime.get(t.time)!.shift()!);
        const a = compileLedger(ledger);
        const b = compileLedger({ ...ledger, transfers: reordered });
        for (const rule of TRACE_RULES) expect(fastTrace(b, rule)).toEqual(fastTrace(a, rule));
      }),
      RUNS,
    );
  });

  it('swapping two equal-time transfers can change the result, as file order decides', () => {
    const base = (first: string, second: string): Ledger => ({
      format: 'levee.ledger/1',
      parties: [
        { id: 'V1', role: 'victim' },
        { id: 'V2', role: 'victim' },
      ],
      accounts: [{ id: 'A' }, { id: 'S', sink: 'cash' }],
      transfers: [
        { id: first, from: first === 'a' ? 'V1' : 'V2', to: 'A', amount: 5, time: time(1) },
        { id: second, from: second === 'a' ? 'V1' : 'V2', to: 'A', amount: 5, time: time(1) },
        { id: 'w', from: 'A', to: 'S', amount: 5, time: time(2) },
      ],
    });
    expect(fastTrace(compileLedger(base('a', 'b')), 'fifo').accounts['S']!.byOrigin).toEqual({ V1: 5 });
    expect(fastTrace(compileLedger(base('b', 'a')), 'fifo').accounts['S']!.byOrigin).toEqual({ V2: 5 });
  });

  it('results do not depend on the order of parties or accounts', () => {
    fc.assert(
      fc.property(ledgerArb, fc.boolean(), (ledger, flip) => {
        const other = {
          ...ledger,
          parties: flip
            ? [...ledger.parties].reverse()
            : [...ledger.parties.slice(1), ...ledger.parties.slice(0, 1)],
          accounts: [...ledger.accounts].reverse(),
        };
        for (const rule of TRACE_RULES)
          expect(fastTrace(compileLedger(other), rule)).toEqual(fastTrace(compileLedger(ledger), rule));
      }),
      RUNS,
    );
  });
});

describe('sink tables', () => {
  it('keep every origin when their arena fills and is compacted into larger arrays', () => {
    // 12 sinks of 200 origins each: 12 tables of 512 slots, far past the arena's first 1,024
    const parties = Array.from({ length: 200 }, (_, i) => ({
      id: `V${String(i).padStart(3, '0')}`,
      role: 'victim' as const,
    }));
    const sinks = Array.from({ length: 12 }, (_, s) => ({
      id: `S${String(s).padStart(2, '0')}`,
      sink: 'cash',
    }));
    const transfers: Ledger['transfers'] = parties.map((p, i) => ({
      id: `in${i}`,
      from: p.id,
      to: 'A',
      amount: 1000 + i * 37,
      time: time(0),
    }));
    for (const [k, s] of sinks.entries())
      transfers.push({
        id: `out${k}`,
        from: 'A',
        to: s.id,
        amount: 7919 + k * 1013,
        time: time(1 + (k % 8)),
      });
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      parties,
      accounts: [{ id: 'A' }, ...sinks],
      transfers,
    };
    const compiled = compileLedger(ledger);
    const doc = fastTrace(compiled, 'prorata');
    for (const s of sinks) expect(Object.keys(doc.accounts[s.id]!.byOrigin).length).toBe(200);
    for (const rule of TRACE_RULES) expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
  });
});
