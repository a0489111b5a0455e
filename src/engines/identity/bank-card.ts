/**
 * Bank card and account numbers. Many valid Chinese debit cards fail the Luhn check, so a Luhn
 * failure is a warning to confirm, never a rejection. UnionPay cards start with 62 and have 16–19
 * digits. Account numbers of payment institutions and corporate accounts are not cards at all, so
 * only the shape (digits, length) is an error.
 */

export interface CardCheck {
  readonly digits: string;
  readonly valid: boolean;
  readonly problem?: 'characters' | 'length';
  readonly warnings: readonly ('luhn' | 'not-unionpay-length')[];
  readonly unionPay: boolean;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function checkBankCard(input: string): CardCheck {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits))
    return { digits, valid: false, problem: 'characters', warnings: [], unionPay: false };
  if (digits.length < 8 || digits.length > 30)
    return { digits, valid: false, problem: 'length', warnings: [], unionPay: false };
  const unionPay = digits.startsWith('62');
  const warnings: ('luhn' | 'not-unionpay-length')[] = [];
  const cardLike = digits.length >= 16 && digits.length <= 19;
  if (unionPay && !cardLike) warnings.push('not-unionpay-length');
  if (cardLike && !luhnValid(digits)) warnings.push('luhn');
  return { digits, valid: true, warnings, unionPay };
}
