import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedIds } from '../../../src/engines/tracing/packed-ids.js';

describe('packed ids', () => {
  it('gives back every id, finds each by value, and iterates in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 40 }), (ids) => {
        const packed = new PackedIds(ids);
        expect(packed.length).toBe(ids.length);
        expect(packed.toArray()).toEqual(ids);
        expect([...packed]).toEqual(ids);
        ids.forEach((id, i) => {
          expect(packed.at(i)).toBe(id);
          expect(packed.indexOf(id)).toBe(i);
        });
        expect(packed.map((id, i) => `${i}:${id}`)).toEqual(ids.map((id, i) => `${i}:${id}`));
      }),
    );
  });

  it('does not find an id that is only a piece of the packed text', () => {
    const packed = new PackedIds(['ab', 'cd', '', 'e']);
    expect(packed.indexOf('bc')).toBe(-1);
    expect(packed.indexOf('abcd')).toBe(-1);
    expect(packed.indexOf('')).toBe(2);
    expect(packed.includes('e')).toBe(true);
    expect(packed.includes('de')).toBe(false);
    expect(() => packed.at(4)).toThrow(RangeError);
    expect(() => packed.at(-1)).toThrow(RangeError);
  });
});
