/**
 * Yuan on screen, integer fen everywhere else. Typed amounts are parsed as text (digits, an optional
 * point and at most two decimals) so 0.1 + 0.2 never happens; display uses integer division only.
 */

/** Largest amount the intake accepts from the form: 10^12 fen (10 billion yuan), a typing guard. */
const MAX_FEN = 1_000_000_000_000;

/** "1,234.5" or "1234.50" or "１２３" → fen; undefined when it is not a positive amount in yuan. */
export function parseYuanToFen(text: string): number | undefined {
  const cleaned = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[,，\s]/g, '')
    .replace(/^[¥￥]/, '')
    .replace(/元$/, '');
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (match === null) return undefined;
  const whole = match[1] ?? '0';
  const decimals = (match[2] ?? '').padEnd(2, '0');
  if (whole.length > 13) return undefined;
  const fen = Number(whole) * 100 + Number(decimals);
  if (!Number.isSafeInteger(fen) || fen <= 0 || fen > MAX_FEN) return undefined;
  return fen;
}

/** 12345678 → "123,456.78" (integer arithmetic; negative amounts keep their sign). */
export function formatFen(fen: number): string {
  if (!Number.isFinite(fen)) return '—';
  const rounded = Math.round(fen); // trace shares are whole fen already; this only guards bad input
  const negative = rounded < 0;
  const abs = Math.abs(rounded);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${String(cents).padStart(2, '0')}`;
}

/** "¥123,456.78" */
export function formatYuan(fen: number): string {
  return `¥${formatFen(fen)}`;
}
