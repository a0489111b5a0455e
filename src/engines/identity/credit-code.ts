/**
 * Unified social credit codes (GB 32100-2015): 18 characters from a 31-character alphabet (digits and
 * capitals without I, O, Z, S, V); the last is a check character: weights 3^(i-1) mod 31,
 * check = 31 - (sum mod 31), where 31 becomes 0.
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = 'length' | 'characters' | 'check-character';

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check]!;
}

export function checkCreditCode(input: string): { valid: boolean; problem?: CreditCodeProblem } {
  const value = input.trim().toUpperCase();
  if (value.length !== 18) return { valid: false, problem: 'length' };
  for (const ch of value) if (!ALPHABET.includes(ch)) return { valid: false, problem: 'characters' };
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17])
    return { valid: false, problem: 'check-character' };
  return { valid: true };
}
