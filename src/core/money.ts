/**
 * The one money type: integer minor units (fen for CNY). Amounts are plain JS integers, safe up to
 * 2^53 fen (about 90 trillion yuan); every entry point checks with `assertFen`.
 */
import { LeveeError } from './errors.js';

export type Fen = number;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function assertFen(value: unknown, field: string, { positive = false } = {}): Fen {
  if (!isFen(value))
    throw new LeveeError(
      'LEVEE_VALIDATION',
      `${field} must be a whole number of fen, got ${JSON.stringify(value)}`,
      { field },
    );
  if (positive && value <= 0)
    throw new LeveeError('LEVEE_VALIDATION', `${field} must be more than 0 fen, got ${value}`, { field });
  return value;
}

/** 123456 → "1,234.56" (yuan, for display only). */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parse "1,234.56", "1234.5元", "-12" (yuan) into fen without going through floats. */
export function parseYuan(text: string): Fen | undefined {
  const cleaned = text
    .trim()
    .replace(/[,，\s]/g, '')
    .replace(/(元|圆|CNY|RMB|¥|￥)/gi, '');
  const match = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const [, sign, whole, frac = ''] = match;
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return undefined;
  return sign === '-' ? -fen : fen;
}
