/**
 * The CSV form of a ledger, for statements too large for one JSON text: three files with a
 * header line — parties (`id,role`), accounts (`id,opening,sink`, the last two optional) and
 * transfers (`id,from,to,amount,time`). Columns are found by header name; extra columns are
 * ignored. Fields may be quoted ("a,b", "" for a quote) but may not span lines.
 *
 * Pure: the caller reads the files and feeds text chunks; transfers go straight into a
 * LedgerBuilder, so the text is never held whole.
 */
import type { LedgerBuilder } from './compiled-ledger.js';
import { LedgerError } from './ledger-error.js';

export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new LedgerError('bad-format', `unterminated quote in CSV line: ${line}`);
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

type Kind = 'parties' | 'accounts' | 'transfers';
const COLUMNS: Record<Kind, { required: string[]; optional: string[] }> = {
  parties: { required: ['id', 'role'], optional: [] },
  accounts: { required: ['id'], optional: ['opening', 'sink'] },
  transfers: { required: ['id', 'from', 'to', 'amount', 'time'], optional: [] },
};

/** Feeds one CSV file, chunk by chunk, into the builder. */
export class CsvTableReader {
  private rest = '';
  private line = 0;
  private cols: number[] | undefined;

  constructor(
    private readonly kind: Kind,
    private readonly builder: LedgerBuilder,
    private readonly file = `${kind}.csv`,
  ) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    // Rows without quotes are read in place (no line or field strings but the ids): the common
    // case, and the one that matters at ten million rows.
    const fast = this.kind === 'transfers' && this.cols !== undefined && !text.includes('"');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (fast) this.transferInPlace(text, start, end);
      else this.row(text.slice(start, end));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  private readonly bounds = new Int32Array(64);

  private transferInPlace(text: string, start: number, end: number): void {
    this.line++;
    if (end === start) return;
    const b = this.bounds;
    let nf = 1;
    b[0] = start;
    let p = start;
    while (nf < 63) {
      const c = text.indexOf(',', p);
      if (c < 0 || c >= end) break;
      b[nf++] = c + 1;
      p = c + 1;
    }
    b[nf] = end + 1;
    const cols = this.cols!;
    const field = (k: number): string | undefined => {
      const f = cols[k]!;
      return f < nf ? text.slice(b[f]!, b[f + 1]! - 1) : undefined;
    };
    const tf = cols[4]!;
    // amount: digits read in place; anything else is passed on as text for the error message
    const af = cols[3]!;
    let amount: number | string | undefined;
    if (af < nf) {
      const s = b[af]!;
      const e = b[af + 1]! - 1;
      let v = 0;
      let ok = e > s && e - s <= 16;
      for (let i = s; ok && i < e; i++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) ok = false;
        else v = v * 10 + d;
      }
      amount = ok ? v : text.slice(s, e);
    }
    this.builder.addTransferAt(
      field(0),
      field(1),
      field(2),
      amount,
      text,
      tf < nf ? b[tf]! : 0,
      tf < nf ? b[tf + 1]! - 1 : -1,
      `${this.file} line ${this.line}`,
    );
  }

  end(): void {
    if (this.rest.length > 0) this.row(this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest);
    this.rest = '';
    if (!this.cols) throw new LedgerError('bad-format', `${this.file}: empty file, a header line is needed`);
  }

  private row(raw: string): void {
    this.line++;
    const line = this.line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.length === 0) return;
    const f = splitCsvLine(line);
    if (!this.cols) {
      const names = f.map((s) => s.trim().toLowerCase());
      const spec = COLUMNS[this.kind];
      for (const c of spec.required)
        if (!names.includes(c))
          throw new LedgerError(
            'bad-format',
            `${this.file}: the header needs the columns ${spec.required.join(',')}; "${c}" is missing`,
          );
      this.cols = [...spec.required, ...spec.optional].map((c) => names.indexOf(c));
      return;
    }
    const c = this.cols;
    const where = `${this.file} line ${this.line}`;
    const field = (k: number): string | undefined => (c[k]! < 0 ? undefined : f[c[k]!]);
    if (this.kind === 'transfers') {
      this.builder.addTransfer(field(0), field(1), field(2), toInteger(field(3)), field(4), where);
    } else if (this.kind === 'parties') {
      this.builder.addParty(field(0), field(1), where);
    } else {
      const opening = field(1);
      const sink = field(2);
      this.builder.addAccount(
        field(0),
        opening === undefined || opening === '' ? undefined : toInteger(opening),
        sink === undefined || sink === '' ? undefined : sink,
        where,
      );
    }
  }
}

/** Digits become a number; anything else is passed on as text so the builder names it. */
function toInteger(s: string | undefined): number | string | undefined {
  if (s === undefined) return undefined;
  const n = s.length;
  if (n === 0 || n > 16) return s;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) return s;
  }
  return Number(s);
}
