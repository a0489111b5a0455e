/**
 * Workaround for a data-corrupting bug in exceljs 4.4.0's streaming reader: its SAX feed
 * (lib/utils/parse-sax.js) decodes every inflated chunk of sheet XML on its own, so a Chinese
 * character whose UTF-8 bytes straddle two chunks becomes U+FFFD — in a 200,000-row statement
 * about one row in 20,000 had its 借/贷 flag or a name garbled. We re-cut the byte chunks at
 * UTF-8 character boundaries before exceljs sees them, per worksheet and per shared-strings
 * part, by wrapping two internal methods on the reader instance (no global patch, so parallel
 * imports do not share state). Tested in test/engines/statement/layouts.test.ts.
 */
import { Readable } from 'node:stream';

/** Length of the longest prefix of `buf` that ends on a UTF-8 character boundary. */
export function completeUtf8Length(buf: Uint8Array): number {
  const n = buf.length;
  let i = n - 1;
  while (i >= 0 && n - i <= 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i >= need ? n : i;
}

export async function* realignUtf8(
  source: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<Buffer | string> {
  let carry: Buffer | undefined;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    const bytes = chunk as Uint8Array;
    const buf = carry
      ? Buffer.concat([carry, bytes])
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const cut = completeUtf8Length(buf);
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : undefined;
    if (cut > 0) yield buf.subarray(0, cut);
  }
  if (carry) yield carry;
}

interface ReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): unknown;
  _parseSharedStrings(entry: AsyncIterable<unknown>): unknown;
}

/** Wrap the two exceljs WorkbookReader methods that feed sheet XML to the SAX parser. */
export function realignWorkbookReader(reader: unknown): void {
  const r = reader as ReaderInternals;
  if (typeof r._parseWorksheet !== 'function' || typeof r._parseSharedStrings !== 'function')
    throw new Error('exceljs WorkbookReader internals changed: review xlsx-utf8-realign.ts');
  const parseWorksheet = r._parseWorksheet;
  const parseSharedStrings = r._parseSharedStrings;
  r._parseWorksheet = function (this: unknown, iterator, sheetNo) {
    return parseWorksheet.call(this, realignUtf8(iterator), sheetNo);
  };
  r._parseSharedStrings = function (this: unknown, entry) {
    return parseSharedStrings.call(this, Readable.from(realignUtf8(entry)));
  };
}
