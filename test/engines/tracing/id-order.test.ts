/**
 * idOrder (id-order.ts) interns ids as ranks: it must give exactly the order of `<` on strings
 * (UTF-16 code units), or "ties to the smaller origin id" and the output order would change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idOrder } from '../../../src/engines/tracing/id-order.js';

const byLessThan = (ids: string[]) =>
  ids.map((_, i) => i).sort((x, y) => (ids[x]! < ids[y]! ? -1 : ids[x]! > ids[y]! ? 1 : 0));

describe('idOrder', () => {
  it('orders unique ids as < does: prefixes first, code unit by code unit', () => {
    // a small alphabet makes long shared prefixes and ids that are prefixes of others; the
    // surrogate halves and 'é' sit above and below ASCII in code-unit order
    const unit = fc.constantFrom('a', 'b', 'A', '0', '9', 'é', '\ud83d', '\ude00', '-');
    const id = fc.array(unit, { minLength: 1, maxLength: 12 }).map((u) => u.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 20, maxLength: 400, size: 'max' }), (ids) => {
        expect([...idOrder(ids)]).toEqual(byLessThan(ids));
      }),
      { numRuns: 300 },
    );
  });

  it('orders a shuffled run of numbered ids of one shape, and the empty list', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `M${String((i * 7919) % 5000).padStart(7, '0')}`);
    const order = idOrder(ids);
    expect(order.map((i) => Number(ids[i]!.slice(1)))).toEqual(
      Int32Array.from({ length: 5000 }, (_, i) => i),
    );
    expect(idOrder([]).length).toBe(0);
  });
});
