/**
 * The origin maps of the fast engine (origin-runs.ts) and the shortcuts libr and prorata take on
 * them: the pro-rata split against the BigInt largest-remainder apportionment, the arena's runs
 * against a plain Map model through moves, merges, hand-overs, block reuse and growth, and whole
 * ledgers built so that debits take an account's whole balance (into empty, non-empty and sink
 * accounts, with own money under libr) against the reference engine under every rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileLedger,
  fastTrace,
  type Ledger,
  largestRemainder,
  referenceTrace,
  TRACE_RULES,
} from '../../../src/engines/tracing/index.js';
import {
  arenaCapacity,
  classFor,
  classSize,
  MapArena,
  type PieceBuffer,
  ProRataSplit,
} from '../../../src/engines/tracing/origin-runs.js';

const SAFE = Number.MAX_SAFE_INTEGER;
const key = (o: number) => String(o).padStart(8, '0');

class Pieces implements PieceBuffer {
  o = new Int32Array(4);
  x = new Float64Array(4);
  n = 0;
  reserve(count: number): void {
    if (this.n + count <= this.o.length) return;
    const o = new Int32Array(this.n + count);
    o.set(this.o);
    this.o = o;
    const x = new Float64Array(this.n + count);
    x.set(this.x);
    this.x = x;
  }
}

/** A run (ascending distinct origins, positive amounts) and an amount to take from it. */
const splitCaseArb = fc
  .record({
    // fast-check's arrays are mostly short: the length is drawn on its own
    len: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 300 })),
    gap: fc.integer({ min: 1, max: 9 }),
    scale: fc.constantFrom(3, 1000, 2 ** 20, 2 ** 31, 2 ** 44),
    // fractions in millionths (fast-check's doubles crowd near 0)
    seed: fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 300, maxLength: 300 }),
    take: fc.oneof(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 0, max: 1e6 }),
      fc.constantFrom(0, 1e6),
    ),
  })
  .map(({ len, gap, scale, seed, take }) => {
    const sorted: number[] = [];
    for (let i = 0, o = seed[0]! % 50; i < len; i++, o += 1 + (seed[i]! % gap)) sorted.push(o);
    // keep the total below 2^53: the engine checks that when compiling
    const cap = Math.max(1, Math.min(scale, Math.floor(SAFE / 2 / sorted.length)));
    const amounts = sorted.map((_, i) => 1 + Math.floor((seed[i]! / 1e6) * cap));
    const total = amounts.reduce((a, b) => a + b, 0);
    const y = Math.max(1, Math.min(total, Math.round((take / 1e6) * total)));
    return { origins: sorted, amounts, total, y };
  });

describe('pro-rata split', () => {
  it('gives exactly the BigInt largest-remainder shares and leaves the rest in the run', () => {
    const seen = {
      single: 0,
      whole: 0,
      wide: 0,
      chunked: 0,
      big: 0,
      one: 0,
      allButOne: 0,
      buckets: 0,
      manyBuckets: 0,
    };
    const split = new ProRataSplit();
    fc.assert(
      fc.property(splitCaseArb, fc.nat(3), ({ origins, amounts, total, y }, before) => {
        const len = origins.length;
        const s = 7; // the run does not start at 0
        const mo = new Int32Array(s + len + 3).fill(-9);
        const ma = new Float64Array(s + len + 3).fill(-9);
        origins.forEach((o, i) => {
          mo[s + i] = o;
          ma[s + i] = amounts[i]!;
        });
        const out = new Pieces();
        for (let i = 0; i < before; i++) {
          out.reserve(1);
          out.o[out.n] = 99999 + i;
          out.x[out.n++] = 1;
        }
        const left = split.take(mo, ma, s, len, y, total, out);

        const shares = largestRemainder(
          y,
          origins.map((o, i) => ({ key: key(o), weight: amounts[i]! })),
        );
        const pieces = origins.flatMap((o) => (shares.get(key(o))! > 0 ? [[o, shares.get(key(o))!]] : []));
        const rest = origins.flatMap((o, i) => {
          const r = amounts[i]! - shares.get(key(o))!;
          return r > 0 ? [[o, r]] : [];
        });
        expect(out.n).toBe(before + pieces.length);
        for (let i = 0; i < before; i++) expect([out.o[i], out.x[i]]).toEqual([99999 + i, 1]);
        expect(
          Array.from({ length: pieces.length }, (_, i) => [out.o[before + i], out.x[before + i]]),
        ).toEqual(pieces);
        expect(left).toBe(rest.length);
        expect(Array.from({ length: left }, (_, i) => [mo[s + i], ma[s + i]])).toEqual(rest);
        expect(mo[s - 1]).toBe(-9);

        const maxProduct = Math.max(...amounts) * y;
        // (only to count which path ran: doubles are close enough)
        const leftover = y - amounts.reduce((a, x) => a + Math.floor((x * y) / total), 0);
        if (len === 1) seen.single++;
        else if (y === total) seen.whole++;
        else if (total * (y + 1) > SAFE) {
          seen.wide++;
          if (maxProduct > SAFE - total) {
            if (total <= 2 ** 35) seen.chunked++;
            else seen.big++;
          }
        }
        if (len > 1 && y < total) {
          if (leftover === 1) seen.one++;
          else if (leftover === len - 1) seen.allButOne++;
          else if (leftover > 1 && len <= 64) seen.buckets++;
          else if (leftover > 1) seen.manyBuckets++;
        }
      }),
      { numRuns: 600 },
    );
    // the generator reaches every path of the split
    for (const [path, count] of Object.entries(seen)) expect(count, path).toBeGreaterThan(3);
  });

  it('breaks ties between equal remainders towards the smaller origin', () => {
    // 3 origins of 1 fen each, 2 fen to take: every remainder is equal, the two first get one
    const mo = Int32Array.of(4, 7, 9);
    const ma = Float64Array.of(1, 1, 1);
    const out = new Pieces();
    expect(new ProRataSplit().take(mo, ma, 0, 3, 2, 3, out)).toBe(1);
    expect([...out.o.subarray(0, out.n)]).toEqual([4, 7]);
    expect([mo[0], ma[0]]).toEqual([9, 1]);
  });
});

describe('block sizes', () => {
  it('classFor picks the smallest class that holds what is needed', () => {
    for (let c = 1; c < 60; c++) expect(classSize(c)).toBeGreaterThan(classSize(c - 1));
    for (let need = 1; need < 20_000; need++) {
      const c = classFor(need);
      expect(classSize(c) >= need && (c === 0 || classSize(c - 1) < need)).toBe(true);
    }
  });
});

/** Random operations on the runs of a few accounts, checked against Maps after each one. */
const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('credit' as const),
    a: fc.nat(39),
    o: fc.nat(400),
    x: fc.integer({ min: 1, max: 1e6 }),
  }),
  fc
    .record({
      kind: fc.constant('sorted' as const),
      a: fc.nat(39),
      count: fc.integer({ min: 0, max: 300 }),
      first: fc.nat(100),
      stride: fc.integer({ min: 1, max: 3 }),
      x: fc.integer({ min: 1, max: 1e6 }),
    })
    .map(({ count, first, stride, ...rest }) => ({
      ...rest,
      os: Array.from({ length: count }, (_, i) => first + i * stride),
    })),
  fc.record({ kind: fc.constant('move' as const), a: fc.nat(39), b: fc.nat(39) }),
  fc.record({ kind: fc.constant('take' as const), a: fc.nat(39), share: fc.integer({ min: 0, max: 1e6 }) }),
);

describe('origin-map arena', () => {
  it('keeps every run exact through merges, moves, hand-overs, freed blocks and growth', () => {
    let grown = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 200 }), (ops) => {
        const accounts = 40;
        const meta = new Int32Array(3 * accounts);
        const arena = new MapArena(meta, 0, ops.length);
        const firstLength = arena.o.length;
        const model = Array.from({ length: accounts }, () => new Map<number, number>());
        const split = new ProRataSplit();
        const out = new Pieces();
        for (const [step, op] of ops.entries()) {
          arena.step = step;
          const m = 3 * op.a;
          if (op.kind === 'credit') {
            arena.credit(m, op.o, op.x);
            model[op.a]!.set(op.o, (model[op.a]!.get(op.o) ?? 0) + op.x);
          } else if (op.kind === 'sorted') {
            const os = [...op.os].sort((p, q) => p - q);
            arena.creditSorted(
              m,
              Int32Array.from(os),
              Float64Array.from(os, (o) => op.x + o),
              0,
              os.length,
            );
            for (const o of os) model[op.a]!.set(o, (model[op.a]!.get(o) ?? 0) + op.x + o);
          } else if (op.kind === 'move') {
            if (op.a === op.b || meta[m + 1] === 0) continue;
            // the whole run into another account's (a hand-over when that one is empty)
            arena.mergeRun(m, 3 * op.b);
            for (const [o, x] of model[op.a]!) model[op.b]!.set(o, (model[op.b]!.get(o) ?? 0) + x);
            model[op.a]!.clear();
            expect(meta[m + 1]).toBe(0);
          } else {
            const len = meta[m + 1]!;
            if (len === 0) continue;
            const total = [...model[op.a]!.values()].reduce((a, b) => a + b, 0);
            const y = Math.max(1, Math.round((op.share / 1e6) * total));
            out.n = 0;
            const left = split.take(arena.o, arena.x, meta[m]!, len, y, total, out);
            meta[m + 1] = left;
            if (left === 0) arena.release(m);
            for (let i = 0; i < out.n; i++) {
              const o = out.o[i]!;
              const rest = model[op.a]!.get(o)! - out.x[i]!;
              if (rest === 0) model[op.a]!.delete(o);
              else model[op.a]!.set(o, rest);
            }
          }
          // the accounts this step touched; all of them at the end
          const touched = step === ops.length - 1 ? model.keys() : [op.a, 'b' in op ? op.b : op.a];
          for (const a of touched) {
            const s = meta[3 * a]!;
            const len = meta[3 * a + 1]!;
            expect(len).toBeLessThanOrEqual(meta[3 * a + 2]!);
            const run = Array.from({ length: len }, (_, i) => [arena.o[s + i], arena.x[s + i]]);
            expect(run, `account ${a} after step ${step}`).toEqual(
              [...model[a]!].filter(([, x]) => x > 0).sort((p, q) => p[0]! - q[0]!),
            );
          }
        }
        if (arena.o.length > firstLength) grown++;
      }),
      { numRuns: 150 },
    );
    // the runs outgrew the arena's first arrays in some cases, mid-merge included
    expect(grown).toBeGreaterThan(3);
  });

  it('starts at one entry a transfer', () => {
    expect(arenaCapacity(1_000_000, 100_000)).toBe(1_000_000);
    expect(arenaCapacity(1000, 10_000)).toBe(20_000);
  });
});

/**
 * Ledgers in time order whose account-to-account transfers take either the source's whole
 * balance or a part of it, into accounts that are empty, hold money, or are sinks; parties of
 * every role, so that libr has own and unknown lots before its claimants, and gaps.
 */
const wholeBalanceLedgerArb = fc
  .record({
    roles: fc.array(fc.constantFrom('victim', 'own', 'third-party', 'unknown'), {
      minLength: 2,
      maxLength: 12,
    }),
    accounts: fc.integer({ min: 3, max: 9 }),
    sinks: fc.integer({ min: 1, max: 2 }),
    steps: fc.array(
      fc.record({
        kind: fc.constantFrom('deposit', 'all', 'all', 'part', 'over'),
        from: fc.nat(40),
        to: fc.nat(40),
        amount: fc.integer({ min: 1, max: 5000 }),
        share: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      }),
      { minLength: 5, maxLength: 80 },
    ),
  })
  .map(({ roles, accounts, sinks, steps }) => {
    const parties = roles.map((role, i) => ({ id: `P${i}`, role }));
    const accs = [
      ...Array.from({ length: accounts }, (_, i) => ({ id: `A${i}` })),
      ...Array.from({ length: sinks }, (_, i) => ({ id: `S${i}`, sink: 'cash' })),
    ];
    const balance = new Array<number>(accounts).fill(0);
    const transfers: Ledger['transfers'] = [];
    let wholeIntoHeld = 0;
    for (const st of steps) {
      const f = st.from % accounts;
      const d = st.to % accs.length;
      let amount: number;
      let from: string;
      if (st.kind === 'deposit' || (balance[f] === 0 && st.kind !== 'over')) {
        from = parties[st.from % parties.length]!.id;
        amount = st.amount;
      } else {
        from = accs[f]!.id;
        const b = balance[f]!;
        amount =
          st.kind === 'all'
            ? b
            : st.kind === 'over'
              ? b + st.amount // beyond the balance: a gap, then the whole balance
              : Math.max(1, Math.min(b, Math.round(b * st.share)));
        if (st.kind !== 'part' && d < accounts && d !== f && balance[d]! > 0) wholeIntoHeld++;
        balance[f] = Math.max(0, b - amount);
      }
      if (d < accounts) balance[d]! += amount;
      const k = transfers.length;
      transfers.push({
        id: `t${k}`,
        from,
        to: accs[d]!.id,
        amount,
        time: `2023-05-01T${String(10 + Math.floor(k / 60)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00+08:00`,
      });
    }
    const ledger: Ledger = { format: 'levee.ledger/1', parties, accounts: accs, transfers };
    return { ledger, wholeIntoHeld };
  });

describe('whole-balance debits', () => {
  it('give the reference result under every rule', () => {
    let wholeIntoHeld = 0;
    fc.assert(
      fc.property(wholeBalanceLedgerArb, ({ ledger, wholeIntoHeld: w }) => {
        wholeIntoHeld += w;
        const compiled = compileLedger(ledger);
        for (const rule of TRACE_RULES)
          expect(fastTrace(compiled, rule)).toEqual(referenceTrace(compiled, rule));
      }),
      { numRuns: 300 },
    );
    expect(wholeIntoHeld).toBeGreaterThan(300);
  });
});
