/**
 * The sinks' tables of origins (sink-table.ts): sized up front from the transfers into each sink,
 * grown (and the arena compacted) when a sink gets more origins than that.
 */
import { describe, expect, it } from 'vitest';
import { SinkTable } from '../../../src/engines/tracing/sink-table.js';

function held(t: SinkTable, account: number, origins: number): Map<number, number> {
  const o = new Int32Array(origins);
  const x = new Float64Array(origins);
  const k = t.collect(account, o, x, 0);
  expect(t.count(account)).toBe(k);
  const m = new Map<number, number>();
  for (let j = 0; j < k; j++) {
    expect(m.has(o[j]!)).toBe(false);
    m.set(o[j]!, x[j]!);
  }
  return m;
}

describe('sink tables', () => {
  it('keep every origin’s sum when sinks get far more origins than transfers (growth, compaction)', () => {
    // accounts 0..9, the even ones sinks; each sink announced with 1 transfer, then given 300
    // origins twice over, interleaved, so tables grow while others hold blocks and the arena fills
    const isSink = Uint8Array.from({ length: 10 }, (_, a) => (a % 2 === 0 ? 1 : 0));
    const origins = 700;
    const t = new SinkTable(isSink, new Int32Array(5).fill(1), origins);
    const expected = new Map<number, Map<number, number>>();
    for (let round = 0; round < 2; round++)
      for (let o = 0; o < 300; o++)
        for (let s = 0; s < 10; s += 2) {
          const origin = (o * 7 + s * 13) % origins;
          const x = 1 + ((o + s + round) % 5);
          t.add(s, origin, x);
          const m = expected.get(s) ?? new Map<number, number>();
          m.set(origin, (m.get(origin) ?? 0) + x);
          expected.set(s, m);
        }
    let pairs = 0;
    for (let s = 0; s < 10; s += 2) {
      expect(held(t, s, origins)).toEqual(expected.get(s));
      pairs += expected.get(s)!.size;
    }
    expect(t.size).toBe(pairs);
    expect(t.collect(1, new Int32Array(1), new Float64Array(1), 0)).toBe(0);
  });

  it('size each table from its transfers: no growth, so the arena is what the constructor allocated', () => {
    const isSink = Uint8Array.of(1, 0, 1);
    const t = new SinkTable(isSink, Int32Array.of(1000, 3), 2000);
    const before = t.byteLength;
    // 1,000 origins into the first sink (room for 1,001 at load 3/4: 1,536 slots, past the
    // arena's least 1,024, so tables started small would have to compact it), 4 into the second
    for (let o = 0; o < 1000; o++) t.add(0, 2 * o, 1);
    for (let o = 0; o < 4; o++) t.add(2, o, 2);
    expect(t.byteLength).toBe(before);
    expect(held(t, 0, 2000).size).toBe(1000);
    expect(held(t, 2, 2000)).toEqual(new Map([0, 1, 2, 3].map((o) => [o, 2])));
  });

  it('keep every sum in tables of every quarter size, and size a compaction from the rate so far', () => {
    // 40 sinks announced with 0–39 transfers (tables of 8, 10, 12, 14, 16, 20, … slots), then
    // given up to 900 origins each, pseudo-randomly, with the step kept as libr and prorata do:
    // the tables pass through many sizes that are not powers of two, and the arena compacts
    const sinks = 40;
    const isSink = new Uint8Array(2 * sinks).fill(1, 0, sinks);
    const origins = 5000;
    const steps = 20_000;
    const t = new SinkTable(
      isSink,
      Int32Array.from({ length: sinks }, (_, k) => k),
      origins,
      steps,
    );
    const expected = Array.from({ length: sinks }, () => new Map<number, number>());
    let r = 12345;
    const rnd = (m: number) => {
      r = (Math.imul(r, 1103515245) + 12345) >>> 0;
      return (r >>> 8) % m;
    };
    const caps = new Set<number>();
    const start = t.byteLength;
    for (let step = 0; step < steps; step++) {
      t.step = step;
      const s = rnd(sinks);
      // sink s takes origins from its own range of 100·s + 900 (so sinks end at different sizes)
      const origin = rnd(100 * s + 900);
      const x = 1 + rnd(1000);
      t.add(s, origin, x);
      expected[s]!.set(origin, (expected[s]!.get(origin) ?? 0) + x);
      caps.add((t as unknown as { cap: Int32Array }).cap[s]!);
    }
    let pairs = 0;
    for (let s = 0; s < sinks; s++) {
      expect(held(t, s, origins)).toEqual(expected[s]);
      pairs += expected[s]!.size;
    }
    expect(t.size).toBe(pairs);
    // sizes that are not powers of two were used, and the tables grew
    expect([...caps].some((c) => (c & (c - 1)) !== 0)).toBe(true);
    expect(t.byteLength).toBeGreaterThan(start);
    // at the end the arena is at most twice what the tables hold at load 3/4 (12 bytes a slot)
    const slots = (t.byteLength - 4 * (2 * sinks) - 12 * sinks) / 12;
    expect(slots).toBeLessThanOrEqual(2 * ((pairs * 4) / 3) + 1024);
  });

  it('give each table room for originsPerTransfer origins a transfer', () => {
    // one sink announced with 1,000 transfers, given 2,000 origins: room for 2 a transfer holds them
    // in the arena allocated up front; room for 1 a transfer has to grow (and compact the arena)
    const isSink = Uint8Array.of(1);
    const fill = (t: SinkTable) => {
      const before = t.byteLength;
      for (let o = 0; o < 2000; o++) t.add(0, 3 * o, o + 1);
      expect(held(t, 0, 6000)).toEqual(new Map(Array.from({ length: 2000 }, (_, o) => [3 * o, o + 1])));
      return t.byteLength - before;
    };
    expect(fill(new SinkTable(isSink, Int32Array.of(1000), 6000, 10_000, 2))).toBe(0);
    expect(fill(new SinkTable(isSink, Int32Array.of(1000), 6000, 10_000, 1))).toBeGreaterThan(0);
  });
});
