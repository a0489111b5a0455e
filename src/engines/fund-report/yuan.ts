/**
 * Integer fen as yuan text with string and integer operations only (no division of floats):
 * 123456 → "1,234.56", 5 → "0.05", -1200 → "-12.00". Reports print every amount through here.
 */
export function yuan(fen: number, { grouping = true } = {}): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const whole = digits.slice(0, -2);
  const cents = digits.slice(-2);
  let grouped = whole;
  if (grouping) {
    const parts: string[] = [];
    for (let end = whole.length; end > 0; end -= 3) parts.unshift(whole.slice(Math.max(0, end - 3), end));
    grouped = parts.join(',');
  }
  return `${fen < 0 ? '-' : ''}${grouped}.${cents}`;
}
