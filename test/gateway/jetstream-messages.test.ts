/** What a JetStream work message carries: the ids one commit enqueued, split so several workers share a large commit. */
import { describe, expect, it } from 'vitest';
import { decodeIds, encodeIds, IDS_PER_MESSAGE } from '../../src/gateway/jetstream.js';

describe('JetStream work messages', () => {
  it("puts one commit's ids in one message", () => {
    expect(encodeIds([7, 8, 9, 10, 11])).toEqual(['7,8,9,10,11']);
    expect(encodeIds([42])).toEqual(['42']);
    expect(encodeIds([])).toEqual([]);
  });

  it('splits a large commit into messages of at most IDS_PER_MESSAGE ids, every id once, in order', () => {
    const ids = Array.from({ length: 2 * IDS_PER_MESSAGE + 3 }, (_, i) => 1000 + i);
    const bodies = encodeIds(ids);
    expect(bodies).toHaveLength(3);
    expect(bodies.map((b) => decodeIds(b).length)).toEqual([IDS_PER_MESSAGE, IDS_PER_MESSAGE, 3]);
    expect(bodies.flatMap(decodeIds)).toEqual(ids);
  });

  it('reads a message of one id (what earlier publishers sent) and skips what is not an id', () => {
    expect(decodeIds('17')).toEqual([17]);
    expect(decodeIds('3,x,,-4,5.5,6')).toEqual([3, 6]);
    expect(decodeIds('')).toEqual([]);
  });
});
