import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskName, yuan } from '../../../src/engines/fund-report/index.js';

describe('yuan from whole fen', () => {
  it('prints with grouping and two decimals', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(100)).toBe('1.00');
    expect(yuan(123456)).toBe('1,234.56');
    expect(yuan(-1200)).toBe('-12.00');
    expect(yuan(100000000)).toBe('1,000,000.00');
    expect(yuan(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91');
    expect(yuan(123456, { grouping: false })).toBe('1234.56');
    expect(() => yuan(1.5)).toThrow(RangeError);
  });
  it('reads back to the same fen for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const text = yuan(n, { grouping: false });
        const [whole, cents] = text.replace('-', '').split('.');
        const back = BigInt(whole!) * 100n + BigInt(cents!);
        expect(n < 0 ? -back : back).toBe(BigInt(n));
      }),
    );
  });
  it('masks names for public notices', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王')).toBe('王*');
  });
});
