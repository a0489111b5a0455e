import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBankCard, luhnValid } from '../../../src/engines/identity/bank-card.js';
import { checkCreditCode, creditCodeCheckChar } from '../../../src/engines/identity/credit-code.js';
import { isVirtualOperatorNumber } from '../../../src/engines/identity/mobile.js';
import { checkResidentId, residentIdCheckChar } from '../../../src/engines/identity/resident-id.js';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and reads the birth date', () => {
    expect(checkResidentId('11010519491231002X')).toEqual({ valid: true, birthDate: '1949-12-31' });
    expect(checkResidentId('11010519491231002x').valid).toBe(true);
  });
  it('names each problem', () => {
    expect(checkResidentId('110105194912310021').problem).toBe('check-digit');
    expect(checkResidentId('110105194902300028').problem).toBe('birth-date');
    expect(checkResidentId('11010519491231002').problem).toBe('length');
    expect(checkResidentId('1101051949123100AX').problem).toBe('characters');
  });
  it('recognises Hong Kong, Macau and Taiwan residence permits', () => {
    const first17 = '81000019900101001';
    expect(checkResidentId(first17 + residentIdCheckChar(first17)).residencePermit).toBe('HK');
  });
  it('catches every single-digit typing error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const valid = '11010519491231002X';
        const digit = (Number(valid[pos]) + delta) % 10;
        const typo = valid.slice(0, pos) + digit + valid.slice(pos + 1);
        expect(checkResidentId(typo).valid).toBe(false);
      }),
    );
  });
});

describe('unified social credit codes (GB 32100)', () => {
  it('accepts a published code and refuses a changed check character', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ valid: true });
    expect(checkCreditCode('91350100M000100Y44').problem).toBe('check-character');
  });
  it('refuses the letters the alphabet leaves out', () => {
    expect(checkCreditCode('91350100I000100Y43').problem).toBe('characters');
    expect(checkCreditCode('9135').problem).toBe('length');
  });
  it('maps a check value of 31 to 0', () => {
    // Find a 17-character body whose weighted sum is a multiple of 31.
    const body = '00000000000000000';
    expect(creditCodeCheckChar(body)).toBe('0');
  });
});

describe('bank cards', () => {
  it('warns, never refuses, on a Luhn failure', () => {
    expect(luhnValid('6222021234567890128')).toBe(true);
    const check = checkBankCard('6222 0212 3456 7890 123');
    expect(check.valid).toBe(true);
    expect(check.warnings).toEqual(['luhn']);
    expect(check.unionPay).toBe(true);
    expect(checkBankCard('6222021234567890128').warnings).toEqual([]);
  });
  it('refuses letters and impossible lengths', () => {
    expect(checkBankCard('6222ABCD1234').problem).toBe('characters');
    expect(checkBankCard('1234').problem).toBe('length');
  });
});

describe('virtual operator numbers', () => {
  it('flags 170/171/165/167/162 ranges only', () => {
    expect(isVirtualOperatorNumber('17012345678')).toBe(true);
    expect(isVirtualOperatorNumber('16512345678')).toBe(true);
    expect(isVirtualOperatorNumber('13812345678')).toBe(false);
    expect(isVirtualOperatorNumber('1701234')).toBe(false);
  });
});
