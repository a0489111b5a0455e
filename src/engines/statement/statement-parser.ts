/**
 * The streaming core of statement import: rows go in one at a time, sheet by sheet, from any
 * reader (CSV tokenizer, xlsx stream, SheetJS); out comes a dry-run result — a preview of the
 * first transactions as Levee understood them, every unreadable row with sheet, line, column and
 * reason, the balance reconciliation, totals and row fingerprints — and, through
 * `onTransaction`, every transaction for whoever stores or converts them. No I/O here.
 *
 * Per sheet the parser is a small state machine:
 *   scanning  — rows before the header: preamble key/values are collected; each row is tried
 *               as a header (explicit mapping, remembered mapping, preset words); after
 *               `headerScanRows` filled rows without one the sheet is given up.
 *   table     — blank rows, footers/notes and repeated headers are skipped; other rows are
 *               parsed into transactions or row errors.
 * Memory does not grow with the file except for what the caller asks to keep: the row
 * fingerprints (one 64-char string per row, for duplicate detection) and the capped lists of
 * errors and notes.
 */
import { EmptyStatementError, HeaderNotFoundError, MappingError } from './errors.js';
import {
  type Cell,
  type Field,
  FIELD_LABELS,
  type RowError,
  type RowNote,
  type StatementTransaction,
} from './fields.js';
import { headerFingerprint } from './fingerprint.js';
import {
  type FooterTotals,
  isFooterRow,
  type PreambleInfo,
  readFooterTotals,
  readPreambleRow,
} from './layout.js';
import {
  type ExplicitMapping,
  explicitHeaderMatches,
  type HeaderMatch,
  type MappingMemory,
  matchHeader,
  recallMapping,
  type ResolvedMapping,
  resolveExplicit,
  resolveFromPreset,
  validateExplicitMapping,
} from './mapping.js';
import { cellText, isBlank, normalizeHeader } from './normalize.js';
import {
  AUTO_PRESET,
  findPreset,
  type HeaderIndex,
  indexPreset,
  type Preset,
  presetNames,
} from './presets.js';
import { BalanceReconciler, type Reconciliation } from './reconcile.js';
import { parseRow } from './row-parser.js';

export const UNKNOWN_ACCOUNT = 'UNKNOWN-ACCOUNT';

export interface ParserOptions {
  /** Preset name (default 'auto'). Ignored when `mapping` is given. */
  readonly preset?: string;
  readonly mapping?: ExplicitMapping;
  /** Remembered mappings: a header whose fingerprint is known uses its mapping. */
  readonly memory?: MappingMemory;
  /** The statement's own account id (else read from the preamble or an account column). */
  readonly account?: string;
  readonly accountName?: string;
  readonly institution?: string;
  readonly previewRows?: number;
  readonly maxErrors?: number;
  readonly maxNotes?: number;
  /** Filled rows scanned for a header before a sheet is given up (default 60). */
  readonly headerScanRows?: number;
  /** Keep every row fingerprint in the result and count duplicates within the file (default true). */
  readonly collectFingerprints?: boolean;
  readonly onTransaction?: (tx: StatementTransaction) => void;
}

export interface SourceInfo {
  readonly fileName?: string;
  readonly fileSha256?: string;
  readonly bytes?: number;
  readonly format: 'csv' | 'xlsx' | 'xls' | 'html' | 'rows';
  readonly encoding?: string;
  readonly delimiter?: string;
}

export interface SheetSummary {
  readonly name: string;
  readonly status: 'read' | 'empty' | 'no-header' | 'not-selected';
  readonly headerLine: number | undefined;
  readonly preset: string | undefined;
  readonly mappingFingerprint: string | undefined;
  /** field → header text (or "column N") of the mapping used. */
  readonly columns: Partial<Record<Field, string>>;
  readonly unmappedColumns: readonly string[];
  readonly account: string | undefined;
  readonly transactions: number;
  readonly errors: number;
  readonly skipped: number;
  readonly footerRows: number;
  readonly footer: FooterTotals | undefined;
  /** Whether the totals a footer states agree with the rows (undefined when it states none). */
  readonly footerMatches: boolean | undefined;
}

export interface StatementTotals {
  readonly transactions: number;
  readonly debitCount: number;
  readonly debitFen: number;
  readonly creditCount: number;
  readonly creditFen: number;
  readonly skippedRows: number;
  readonly errorRows: number;
  readonly firstTime: string | undefined;
  readonly lastTime: string | undefined;
  /** Rows whose fingerprint already occurred earlier in this file (when fingerprints are kept). */
  readonly duplicateRows: number;
}

export interface StatementResult {
  readonly format: 'levee.statement-preview/1';
  /** No row errors, at least one transaction, and no balance break. */
  readonly ok: boolean;
  readonly source: SourceInfo;
  readonly statement: {
    readonly account: string | undefined;
    readonly accountFrom: 'option' | 'preamble' | 'rows' | 'unknown';
    readonly accountName: string | undefined;
    readonly institution: string | undefined;
  };
  readonly sheets: readonly SheetSummary[];
  readonly preview: readonly StatementTransaction[];
  readonly errors: readonly RowError[];
  readonly errorCount: number;
  readonly notes: readonly RowNote[];
  readonly noteCount: number;
  readonly reconciliation: Reconciliation;
  readonly totals: StatementTotals;
  readonly rowFingerprints: readonly string[];
}

interface SheetState {
  name: string;
  mode: 'scanning' | 'table' | 'given-up' | 'not-selected';
  filled: number;
  preamble: PreambleInfo;
  mapping: ResolvedMapping | undefined;
  best: { line: number; match: HeaderMatch; cells: readonly Cell[] } | undefined;
  date1904: boolean;
  strictWidth: boolean;
  account: string;
  transactions: number;
  errors: number;
  skipped: number;
  footerRows: number;
  footer: FooterTotals;
  debitFen: number;
  creditFen: number;
  headerKey: string;
}

export interface SheetOptions {
  readonly date1904?: boolean;
  /** Rows are complete records (CSV): a row shorter than the header is an error. */
  readonly strictWidth?: boolean;
}

export class StatementParser {
  private readonly preset: Preset;
  private readonly index: HeaderIndex;
  private readonly previewRows: number;
  private readonly maxErrors: number;
  private readonly maxNotes: number;
  private readonly scanRows: number;
  private readonly collect: boolean;
  private readonly reconciler = new BalanceReconciler();
  private readonly sheets: SheetState[] = [];
  private sheet: SheetState | undefined;
  private readonly preview: StatementTransaction[] = [];
  private readonly errors: RowError[] = [];
  private errorCount = 0;
  private readonly notes: RowNote[] = [];
  private noteCount = 0;
  private readonly fingerprints: string[] = [];
  private readonly seen = new Set<string>();
  private duplicates = 0;
  private debitCount = 0;
  private debitFen = 0;
  private creditCount = 0;
  private creditFen = 0;
  private firstTime: { iso: string; ms: number } | undefined;
  private lastTime: { iso: string; ms: number } | undefined;
  private firstPreamble: PreambleInfo | undefined;
  private rowAccountSeen = false;

  constructor(private readonly options: ParserOptions = {}) {
    if (options.mapping) validateExplicitMapping(options.mapping);
    const preset = findPreset(options.preset ?? 'auto');
    if (!preset)
      throw new MappingError(`no preset named "${options.preset}"; presets: ${presetNames().join(', ')}`);
    this.preset = preset;
    this.index = preset === AUTO_PRESET ? indexPreset(AUTO_PRESET) : indexPreset(preset);
    this.previewRows = options.previewRows ?? 20;
    this.maxErrors = options.maxErrors ?? 1000;
    this.maxNotes = options.maxNotes ?? 200;
    this.scanRows = options.headerScanRows ?? 60;
    this.collect = options.collectFingerprints ?? true;
  }

  beginSheet(name: string, options: SheetOptions = {}): void {
    if (this.sheet) this.endSheet();
    const selected = this.options.mapping?.sheet === undefined || this.options.mapping.sheet === name;
    this.sheet = {
      name,
      mode: selected ? 'scanning' : 'not-selected',
      filled: 0,
      preamble: {},
      mapping: undefined,
      best: undefined,
      date1904: options.date1904 ?? false,
      strictWidth: options.strictWidth ?? false,
      account: UNKNOWN_ACCOUNT,
      transactions: 0,
      errors: 0,
      skipped: 0,
      footerRows: 0,
      footer: {},
      debitFen: 0,
      creditFen: 0,
      headerKey: '',
    };
    this.sheets.push(this.sheet);
  }

  /**
   * One row of the current sheet, with its 1-based line number. Returns false once the rest of
   * the sheet is of no interest (no header found in time, or sheet not selected): a reader may
   * then skip to the next sheet.
   */
  row(cells: readonly Cell[], line: number): boolean {
    const s = this.sheet;
    if (!s) throw new Error('beginSheet() must come before row()');
    switch (s.mode) {
      case 'table':
        this.tableRow(s, cells, line);
        return true;
      case 'scanning':
        return this.scanRow(s, cells, line);
      default:
        return false;
    }
  }

  /** True when the current sheet has been given up (reader may stop feeding it). */
  get sheetGivenUp(): boolean {
    return this.sheet !== undefined && (this.sheet.mode === 'given-up' || this.sheet.mode === 'not-selected');
  }

  endSheet(): void {
    const s = this.sheet;
    if (!s) return;
    this.sheet = undefined;
    if (s.mode === 'scanning' && s.filled > 0) s.mode = 'given-up';
  }

  private scanRow(s: SheetState, cells: readonly Cell[], line: number): boolean {
    const explicit = this.options.mapping;
    if (explicit?.headerRow === 0) {
      this.startTable(s, resolveExplicit(undefined, explicit, 0), cells, line, true);
      return true;
    }
    if (cells.every(isBlank)) return true;
    s.filled++;
    let mapping: ResolvedMapping | undefined;
    if (explicit) {
      if (
        explicit.headerRow !== undefined
          ? line === explicit.headerRow
          : explicitHeaderMatches(cells, explicit)
      )
        mapping = resolveExplicit(cells, explicit, line);
    } else {
      const remembered = this.options.memory && recallMapping(this.options.memory, headerFingerprint(cells));
      if (remembered) mapping = { ...resolveExplicit(cells, remembered, line), preset: 'remembered' };
      else {
        const match = matchHeader(cells, this.index);
        if (match.missing.length === 0) mapping = resolveFromPreset(cells, this.preset, match, line);
        else if (match.matched > 0 && (s.best === undefined || match.matched > s.best.match.matched))
          s.best = { line, match, cells };
      }
    }
    if (mapping) {
      this.startTable(s, mapping, cells, line, false);
      return true;
    }
    readPreambleRow(cells, s.preamble);
    if (s.filled >= this.scanRows) {
      s.mode = 'given-up';
      return false;
    }
    return true;
  }

  private startTable(
    s: SheetState,
    mapping: ResolvedMapping,
    cells: readonly Cell[],
    line: number,
    isData: boolean,
  ) {
    s.mapping = mapping;
    s.mode = 'table';
    s.headerKey = isData ? '' : cells.map(normalizeHeader).join('\u001f');
    this.firstPreamble ??= s.preamble;
    s.account = this.options.account ?? s.preamble.account ?? this.firstPreamble.account ?? UNKNOWN_ACCOUNT;
    if (mapping.columns.account !== undefined) this.rowAccountSeen = true;
    if (isData) this.tableRow(s, cells, line);
  }

  private note(sheet: string, line: number, note: string) {
    this.noteCount++;
    if (this.notes.length < this.maxNotes) this.notes.push({ sheet, line, note });
  }

  private tableRow(s: SheetState, cells: readonly Cell[], line: number): void {
    const m = s.mapping!;
    // Cheap test first: the time column of a data row starts with a digit (or is a number).
    const timeCol = m.columns.date ?? m.columns.time!;
    const first = cells[timeCol];
    const looksData =
      typeof first === 'number' ||
      first instanceof Date ||
      (typeof first === 'string' &&
        first.length > 0 &&
        first.charCodeAt(0) >= 0x30 &&
        first.charCodeAt(0) <= 0x39);
    if (!looksData) {
      if (cells.every(isBlank)) return;
      if (isFooterRow(cells)) {
        s.footerRows++;
        readFooterTotals(cells, s.footer, line);
        return;
      }
      if (s.headerKey !== '' && cells.map(normalizeHeader).join('\u001f') === s.headerKey) {
        this.note(s.name, line, 'repeated header row skipped');
        return;
      }
      let filled = 0;
      for (const c of cells) if (!isBlank(c)) filled++;
      if (filled <= 1) {
        s.footerRows++;
        this.note(s.name, line, `note row skipped: "${cells.map(cellText).join(' ').trim().slice(0, 60)}"`);
        return;
      }
      const amountCols = [m.columns.amount, m.columns.debit, m.columns.credit];
      const timeCols = [m.columns.date, m.columns.time];
      if ([...amountCols, ...timeCols].every((c) => c === undefined || isBlank(cells[c]))) {
        s.footerRows++;
        this.note(
          s.name,
          line,
          `row without time or amount skipped: "${cells.map(cellText).join(' ').trim().slice(0, 60)}"`,
        );
        return;
      }
    }
    const outcome = parseRow(cells, m, {
      sheet: s.name,
      line,
      account: s.account,
      dates: { date1904: s.date1904 },
      strictWidth: s.strictWidth,
    });
    if (outcome.kind === 'error') {
      s.errors++;
      this.errorCount++;
      if (this.errors.length < this.maxErrors) this.errors.push(outcome.error);
      return;
    }
    if (outcome.kind === 'skip') {
      s.skipped++;
      this.note(s.name, line, outcome.note);
      return;
    }
    const tx = outcome.tx;
    s.transactions++;
    const signed = tx.direction === 'debit' ? -tx.amount : tx.amount;
    if (tx.direction === 'debit') {
      this.debitCount++;
      this.debitFen += tx.amount;
      s.debitFen += tx.amount;
    } else {
      this.creditCount++;
      this.creditFen += tx.amount;
      s.creditFen += tx.amount;
    }
    if (this.firstTime === undefined || tx.epochMs < this.firstTime.ms)
      this.firstTime = { iso: tx.time, ms: tx.epochMs };
    if (this.lastTime === undefined || tx.epochMs > this.lastTime.ms)
      this.lastTime = { iso: tx.time, ms: tx.epochMs };
    this.reconciler.push(tx.account, signed, tx.balance, tx.epochMs, s.name, line);
    if (this.preview.length < this.previewRows) this.preview.push(tx);
    if (this.collect) {
      this.fingerprints.push(tx.fingerprint);
      if (this.seen.has(tx.fingerprint)) this.duplicates++;
      else this.seen.add(tx.fingerprint);
    }
    this.options.onTransaction?.(tx);
  }

  /** The dry-run result. Throws when no sheet held a statement table at all. */
  finish(source: SourceInfo): StatementResult {
    this.endSheet();
    const read = this.sheets.filter((s) => s.mode === 'table');
    if (read.length === 0) {
      const nonEmpty = this.sheets.filter((s) => s.filled > 0);
      if (nonEmpty.length === 0) {
        const names = this.sheets.map((s) => `"${s.name}"`).join(', ');
        throw new EmptyStatementError(
          this.sheets.length === 0
            ? 'the file holds no sheets'
            : `no rows at all in ${names}: the statement is empty`,
        );
      }
      throw this.headerError(nonEmpty[0]!, source);
    }
    const total = read.reduce((n, s) => n + s.transactions + s.errors + s.skipped, 0);
    if (total === 0) {
      const s = read[0]!;
      throw new EmptyStatementError(
        `sheet "${s.name}" has a header at line ${s.mapping!.headerLine} but no transaction rows after it`,
      );
    }
    for (const s of this.sheets) {
      if (s.mode === 'given-up') this.note(s.name, 0, `sheet "${s.name}" has no statement table; skipped`);
      else if (s.mode === 'scanning') this.note(s.name, 0, `sheet "${s.name}" is empty; skipped`);
    }
    const reconciliation = this.reconciler.result();
    const statementAccount = read.find((s) => s.account !== UNKNOWN_ACCOUNT)?.account;
    const preamble = this.firstPreamble ?? {};
    const accountFrom = this.options.account
      ? 'option'
      : preamble.account || statementAccount
        ? 'preamble'
        : this.rowAccountSeen
          ? 'rows'
          : 'unknown';
    if (accountFrom === 'unknown')
      this.note('', 0, 'the statement does not say whose account it is; pass the account id (--account)');
    return {
      format: 'levee.statement-preview/1',
      ok:
        this.errorCount === 0 && this.creditCount + this.debitCount > 0 && reconciliation.status !== 'broken',
      source,
      statement: {
        account: statementAccount,
        accountFrom,
        accountName: this.options.accountName ?? preamble.accountName,
        institution: this.options.institution ?? preamble.institution,
      },
      sheets: this.sheets.map(summarise),
      preview: this.preview,
      errors: this.errors,
      errorCount: this.errorCount,
      notes: this.notes,
      noteCount: this.noteCount,
      reconciliation,
      totals: {
        transactions: this.debitCount + this.creditCount,
        debitCount: this.debitCount,
        debitFen: this.debitFen,
        creditCount: this.creditCount,
        creditFen: this.creditFen,
        skippedRows: read.reduce((n, s) => n + s.skipped, 0),
        errorRows: this.errorCount,
        firstTime: this.firstTime?.iso,
        lastTime: this.lastTime?.iso,
        duplicateRows: this.duplicates,
      },
      rowFingerprints: this.fingerprints,
    };
  }

  private headerError(s: SheetState, source: SourceInfo): HeaderNotFoundError {
    const how = this.options.mapping ? 'the mapping given' : `preset "${this.preset.name}"`;
    const enc = source.encoding ? ` (read as ${source.encoding.toUpperCase()})` : '';
    if (!s.best) {
      return new HeaderNotFoundError(
        `sheet "${s.name}"${enc}: none of the first ${s.filled} filled rows is a statement header known to ${how}; ` +
          'name the columns with --mapping, or check the file is a statement',
        s.name,
        ['time', 'amount'],
      );
    }
    const missing = s.best.match.missing;
    const unknown = s.best.cells
      .map((c, i) => ({ text: cellText(c), i }))
      .filter(({ text, i }) => text !== '' && !Object.values(s.best!.match.columns).includes(i))
      .map(({ text }) => `"${text}"`);
    return new HeaderNotFoundError(
      `sheet "${s.name}"${enc}: the row at line ${s.best.line} looks like a header but ${how} finds no ` +
        `${missing.map((f) => FIELD_LABELS[f]).join(' and no ')} in it` +
        (unknown.length ? `; columns it does not know: ${unknown.slice(0, 12).join(', ')}` : '') +
        '; name the columns with --mapping or choose another --preset',
      s.name,
      missing,
      {
        line: s.best.line,
        cells: s.best.cells.map(cellText),
        fingerprint: headerFingerprint(s.best.cells),
      },
    );
  }
}

function summarise(s: SheetState): SheetSummary {
  const m = s.mapping;
  const columns: Partial<Record<Field, string>> = {};
  if (m)
    for (const [field, col] of Object.entries(m.columns))
      columns[field as Field] = m.headers[col] || `column ${col + 1}`;
  const stated =
    s.footer.debit !== undefined || s.footer.credit !== undefined || s.footer.count !== undefined;
  const footerMatches = stated
    ? (s.footer.debit === undefined || s.footer.debit === s.debitFen) &&
      (s.footer.credit === undefined || s.footer.credit === s.creditFen) &&
      (s.footer.count === undefined || s.footer.count === s.transactions + s.skipped)
    : undefined;
  return {
    name: s.name,
    status:
      s.mode === 'table'
        ? 'read'
        : s.mode === 'not-selected'
          ? 'not-selected'
          : s.filled === 0
            ? 'empty'
            : 'no-header',
    headerLine: m?.headerLine,
    preset: m?.preset,
    mappingFingerprint: m?.fingerprint,
    columns,
    unmappedColumns: m?.unmapped ?? [],
    account: s.mode === 'table' ? s.account : undefined,
    transactions: s.transactions,
    errors: s.errors,
    skipped: s.skipped,
    footerRows: s.footerRows,
    footer: stated ? s.footer : undefined,
    footerMatches,
  };
}
