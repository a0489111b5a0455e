/**
 * Amounts as banks write them → integer fen, never through floating point for text. Accepted:
 * "1,234.56", "1234.5元", "-12.00", "+12", "(12.00)" (negative), "￥1,234.56", "¥-5", "RMB 12",
 * full-width digits and punctuation. Anything else is refused with a reason, because a
 * guessed amount is worse than a rejected row. Spreadsheet numbers are accepted when they are a
 * whole number of fen (1234.56 stored as a double is fine; 12.345 is not).
 */
import { toHalfWidth } from './normalize.js';

export type AmountResult =
  | { readonly kind: 'fen'; readonly fen: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly reason: string };

const EMPTY: AmountResult = { kind: 'empty' };
/** Placeholders banks put in the unused one of two debit/credit columns. */
const PLACEHOLDERS = new Set(['', '-', '--', '---', '—', '——', '/', 'null', 'nan']);
const CURRENCY = /^(?:rmb|cny|¥|￥)|(?:元|圆|rmb|cny)$/i;
const PLAIN = /^(\d+)(?:\.(\d+))?$/;
const GROUPED = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;

function invalid(reason: string): AmountResult {
  return { kind: 'invalid', reason };
}

export function parseAmount(cell: unknown): AmountResult {
  if (cell === null || cell === undefined) return EMPTY;
  if (typeof cell === 'number') return fromNumber(cell);
  if (typeof cell !== 'string') return invalid(`not an amount: ${JSON.stringify(cell)}`);
  const raw = cell.trim();
  if (PLACEHOLDERS.has(raw.toLowerCase())) return EMPTY;
  return fromText(raw);
}

function fromNumber(value: number): AmountResult {
  if (!Number.isFinite(value)) return invalid(`not a finite number: ${value}`);
  const scaled = value * 100;
  const fen = Math.round(scaled);
  // A double holding 1234.56 is 123455.99999999999 after scaling; a real third decimal is far off.
  if (Math.abs(scaled - fen) > Math.max(1e-3, Math.abs(scaled) * 1e-15)) {
    return invalid(`${value} has more than 2 decimal places`);
  }
  if (!Number.isSafeInteger(fen)) return invalid(`${value} is too large`);
  return { kind: 'fen', fen: fen === 0 ? 0 : fen };
}

/** The common spellings ("1234.56", "-12", "1,234.56") without any normalisation work. */
const FAST = /^(-?)(\d{1,3}(?:,\d{3})+|\d{1,15})(?:\.(\d{1,2}))?$/;

function fromText(raw: string): AmountResult {
  const fast = FAST.exec(raw);
  if (fast) {
    const whole = fast[2]!.length > 3 && fast[2]!.includes(',') ? fast[2]!.replace(/,/g, '') : fast[2]!;
    const fen = Number(whole) * 100 + Number((fast[3] ?? '').padEnd(2, '0'));
    if (Number.isSafeInteger(fen)) return { kind: 'fen', fen: fast[1] && fen !== 0 ? -fen : fen };
  }
  let text = toHalfWidth(raw)
    .replace(/[\s\u00a0]/g, '')
    .replace(/\u2212/g, '-');
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1);
  }
  // Sign and currency mark may come in either order: "-￥12", "￥-12".
  for (let pass = 0; pass < 2; pass++) {
    if (text.startsWith('-') || text.startsWith('+')) {
      if (negative && text.startsWith('-')) return invalid(`"${raw}" has two minus signs`);
      negative = negative || text.startsWith('-');
      text = text.slice(1);
    }
    text = text.replace(CURRENCY, '');
  }
  text = text.replace(CURRENCY, '');
  if (text === '') return invalid(`"${raw}" has no digits`);
  let whole: string;
  let frac: string;
  const plain = PLAIN.exec(text);
  if (plain) {
    whole = plain[1]!;
    frac = plain[2] ?? '';
  } else {
    const grouped = GROUPED.exec(text);
    if (!grouped) {
      if (/\d/.test(text) && /^[\d,.]+$/.test(text)) {
        return invalid(`"${raw}" has misplaced thousands separators or decimal points`);
      }
      return invalid(`"${raw}" is not a number`);
    }
    whole = grouped[1]!.replace(/,/g, '');
    frac = grouped[2] ?? '';
  }
  if (frac.length > 2) {
    if (/[^0]/.test(frac.slice(2))) return invalid(`"${raw}" has more than 2 decimal places`);
    frac = frac.slice(0, 2);
  }
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return invalid(`"${raw}" is too large`);
  return { kind: 'fen', fen: negative && fen !== 0 ? -fen : fen };
}
