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
    // 1,000 origins into the first sink (room for 1,001 at load 3/4: 2,048 slots, past the
    // arena's least 1,024, so tables started small would have to compact it), 4 into the second
    for (let o = 0; o < 1000; o++) t.add(0, 2 * o, 1);
    for (let o = 0; o < 4; o++) t.add(2, o, 2);
    expect(t.byteLength).toBe(before);
    expect(held(t, 0, 2000).size).toBe(1000);
    expect(held(t, 2, 2000)).toEqual(new Map([0, 1, 2, 3].map((o) => [o, 2])));
  });
});
