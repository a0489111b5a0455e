import { describe, expect, it } from 'vitest';
import { isoCst } from '../../src/sim/clock.js';

const CST = 8 * 3600_000;
/** What isoCst returned before it kept the formatted minutes. */
const reference = (ms: number) => `${new Date(ms + CST).toISOString().slice(0, 23)}+08:00`;

describe('isoCst', () => {
  it('writes what Date#toISOString gives, shifted to +08:00, for any time', () => {
    const times = [
      0,
      -CST,
      -CST - 1,
      -CST + 0.5,
      1.5,
      59_999,
      60_000,
      1_698_386_400_000,
      1_698_386_459_999.9,
    ];
    times.push(253_402_300_800_000 - CST - 1, 253_402_300_800_000 - CST, -62_198_755_200_000);
    let t = 1_698_386_400_000;
    for (let i = 0; i < 5000; i++) {
      t += (i * 7919) % 200_000;
      times.push(t, t + 8 * 3600_000 * 24 * 183);
    }
    for (const ms of times) expect(isoCst(ms)).toBe(reference(ms));
    expect(isoCst(1_698_386_400_000)).toBe('2023-10-27T14:00:00.000+08:00');
    expect(() => isoCst(Number.NaN)).toThrow(RangeError);
  });
});
