/**
 * Text normalisation shared by header matching, amounts and dates. Chinese exports mix
 * full-width forms (０-９, （）, ：) with ASCII; everything is folded to ASCII first so the
 * parsers only ever see one alphabet.
 */

/** Full-width ASCII variants (U+FF01–U+FF5E) → ASCII; ideographic space → space. */
export function toHalfWidth(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) {
      out += text.slice(start, i) + (c === 0x3000 ? ' ' : String.fromCharCode(c - 0xfee0));
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/**
 * A header cell reduced to what identifies it: half-width, lower case, no spaces, no
 * parenthesised unit ("金额(元)" → "金额"), no trailing colon or asterisk.
 */
export function normalizeHeader(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  return toHalfWidth(String(cell))
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, '')
    .replace(/[:*]+$/g, '');
}

/** A cell as trimmed text ('' for empty); numbers keep their JS text form. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell.trim();
  return String(cell);
}

export function isBlank(cell: unknown): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}
