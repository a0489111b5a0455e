/**
 * Streaming CSV tokenizer: decoded text goes in as chunks of any size, complete rows come out
 * through a callback as arrays of strings. RFC 4180 quoting ("a ""b""", quoted newlines),
 * CRLF / LF / lone CR line ends, a leading BOM, and comma or tab delimiters.
 *
 * Design. The hot loop walks the chunk with charCodeAt and never builds a field character by
 * character: an unquoted field is one slice between two delimiter positions, a quoted field is
 * one slice plus a replace of doubled quotes only when it contained any. Nothing is kept between
 * chunks except the text of the row that is still open (from its first character), which is
 * rescanned when the next chunk arrives; rows are short, so the rescan costs little and the
 * tokenizer holds no per-field state across calls. Memory is therefore one chunk plus one row.
 * An open row longer than `maxRowChars` is refused (CsvSyntaxError): that is a file with an
 * unbalanced quote or no line ends at all — not a statement — and holding it would let a
 * garbage file grow the heap without bound.
 * Unquoted fields (most of a statement) end where native indexOf finds the next delimiter or line
 * end; the three positions are cached until the scan passes them, so each is searched about once.
 * Tried first: a character state machine that appended to a field buffer across chunks. It was
 * about 3x slower on 1M rows (string concatenation per character) and harder to read.
 */
import { CsvSyntaxError } from './errors.js';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

export interface CsvTokenizerOptions {
  /** ',' or '\t'; undefined detects it from the first chunk. */
  readonly delimiter?: ',' | '\t' | ';';
  /** Longest row accepted, in UTF-16 code units (default 1 MiB). */
  readonly maxRowChars?: number;
}

/** Receives each row with the physical line number (1-based) on which it starts. */
export type RowSink = (cells: string[], line: number) => void;

export class CsvTokenizer {
  private delimiter: number | undefined;
  private readonly maxRowChars: number;
  private pending = '';
  private line = 1;
  private started = false;

  constructor(options: CsvTokenizerOptions = {}) {
    this.delimiter = options.delimiter?.charCodeAt(0);
    this.maxRowChars = options.maxRowChars ?? 1 << 20;
  }

  /** The delimiter in use ('' until the first chunk decided it). */
  get delimiterChar(): string {
    return this.delimiter === undefined ? '' : String.fromCharCode(this.delimiter);
  }

  push(chunk: string, sink: RowSink): void {
    let text = this.pending === '' ? chunk : this.pending + chunk;
    if (!this.started) {
      if (text.length === 0) return;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
      if (this.delimiter === undefined) this.delimiter = detectDelimiter(text);
    }
    this.pending = text.slice(this.scan(text, false, sink));
    if (this.pending.length > this.maxRowChars) {
      throw new CsvSyntaxError(
        `line ${this.line} runs on for more than ${this.maxRowChars} characters without ending: ` +
          'an unbalanced quote or a file that is not CSV',
        this.line,
      );
    }
  }

  /** Flush the last row (a file need not end with a line break). */
  end(sink: RowSink): void {
    if (!this.started && this.pending === '') return;
    if (this.delimiter === undefined) this.delimiter = detectDelimiter(this.pending);
    const rest = this.scan(this.pending, true, sink);
    this.pending = this.pending.slice(rest);
  }

  /**
   * Emit every complete row of `text`; return the index where the unfinished row starts.
   * With `final`, the end of text ends the row; an open quote there is a syntax error.
   */
  private scan(text: string, final: boolean, sink: RowSink): number {
    const delim = this.delimiter!;
    const n = text.length;
    let rowStart = 0;
    let pos = 0;
    let line = this.line;
    const delimChar = String.fromCharCode(delim);
    let nextDelim = -1;
    let nextLf = -1;
    let nextCr = -1;
    while (pos < n || (final && rowStart < n)) {
      const cells: string[] = [];
      const rowLine = line;
      let i = rowStart;
      let complete = false;
      // One iteration per field.
      for (;;) {
        if (i < n && text.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          let doubled = false;
          let closed = false;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) {
              if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
                doubled = true;
                j += 2;
                continue;
              }
              if (j + 1 === n && !final) break; // might be the first of a "" pair split by the chunk
              closed = true;
              break;
            }
            if (c === LF) line++;
            j++;
          }
          if (!closed) {
            if (!final) break;
            throw new CsvSyntaxError(
              `line ${rowLine}: a quoted field is never closed (file truncated or unbalanced quote)`,
              rowLine,
            );
          }
          let value = text.slice(i + 1, j);
          if (doubled) value = value.replaceAll('""', '"');
          // Text between the closing quote and the delimiter is kept, as spreadsheets do.
          let k = j + 1;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === delim || c === LF || c === CR) break;
            k++;
          }
          if (k > j + 1) value += text.slice(j + 1, k);
          i = k;
          cells.push(value);
        } else {
          // The field ends at the nearest delimiter, LF or CR: found by native indexOf, each
          // position cached until the scan passes it (so the text is searched about once).
          if (nextDelim < i) {
            nextDelim = text.indexOf(delimChar, i);
            if (nextDelim < 0) nextDelim = n;
          }
          if (nextLf < i) {
            nextLf = text.indexOf('\n', i);
            if (nextLf < 0) nextLf = n;
          }
          if (nextCr < i) {
            nextCr = text.indexOf('\r', i);
            if (nextCr < 0) nextCr = n;
          }
          let k = Math.min(nextDelim, nextLf);
          if (nextCr < k) k = nextCr;
          cells.push(text.slice(i, k));
          i = k;
        }
        if (i >= n) {
          if (!final) break;
          complete = true;
          pos = n;
          break;
        }
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          if (i >= n && final) {
            cells.push('');
            complete = true;
            pos = n;
            break;
          }
          continue;
        }
        // Line end: CRLF, LF or a lone CR. A CR at the very end of a chunk may be half a CRLF.
        if (c === CR) {
          if (i + 1 >= n && !final) break;
          pos = i + 1 < n && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
        } else {
          pos = i + 1;
        }
        line++;
        complete = true;
        break;
      }
      if (!complete) {
        this.line = rowLine;
        return rowStart;
      }
      sink(cells, rowLine);
      rowStart = pos;
    }
    this.line = line;
    return rowStart;
  }
}

/** Tab if the first lines have more tabs than commas, else comma. */
export function detectDelimiter(text: string): number {
  const sample = text.slice(0, 65_536);
  let commas = 0;
  let tabs = 0;
  let semicolons = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0x2c) commas++;
    else if (c === 0x09) tabs++;
    else if (c === 0x3b) semicolons++;
  }
  if (tabs > commas && tabs >= semicolons) return 0x09;
  if (semicolons > commas * 2) return 0x3b;
  return 0x2c;
}
