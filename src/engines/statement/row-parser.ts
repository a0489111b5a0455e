/**
 * One data row → a StatementTransaction, a reason it was skipped (zero amount, a failed payment,
 * a neutral flag), or a RowError naming the column and what is wrong with its value.
 */
import { parseAmount } from './amount.js';
import { type DateOptions, parseDateTime } from './date-time.js';
import type { Cell, Direction, Field, RowError, StatementTransaction } from './fields.js';
import type { ResolvedMapping } from './mapping.js';
import { cellText, normalizeHeader } from './normalize.js';
import { NEUTRAL_WORDS, VOID_STATUS } from './presets.js';
import { ParsedTransaction } from './transaction.js';

export interface RowContext {
  readonly sheet: string;
  readonly line: number;
  /** The statement's own account when the row has no account column. */
  readonly account: string;
  readonly dates: DateOptions;
  /** CSV rows are complete records: a short row means the file was cut off. */
  readonly strictWidth: boolean;
}

export type RowOutcome =
  | { readonly kind: 'tx'; readonly tx: StatementTransaction }
  | { readonly kind: 'skip'; readonly note: string }
  | { readonly kind: 'error'; readonly error: RowError };

const CNY = new Set(['', '人民币', 'cny', 'rmb', '156', '本币', '人民币元']);
const NEUTRAL = new Set(NEUTRAL_WORDS.map(normalizeHeader));

function failure(
  cells: readonly Cell[],
  m: ResolvedMapping,
  ctx: RowContext,
  field: Field | undefined,
  reason: string,
): RowOutcome {
  const col = field === undefined ? undefined : m.columns[field];
  const value = col === undefined ? undefined : cellText(cells[col]);
  return {
    kind: 'error',
    error: {
      sheet: ctx.sheet,
      line: ctx.line,
      column: col === undefined ? undefined : (m.headers[col] ?? `column ${col + 1}`),
      field,
      value: value === '' ? undefined : value,
      reason,
    },
  };
}

function cellOf(cells: readonly Cell[], m: ResolvedMapping, field: Field): Cell {
  const col = m.columns[field];
  return col === undefined ? undefined : cells[col];
}

// Module-level helpers instead of closures: parseRow runs once per row and allocates no functions.
export function parseRow(cells: readonly Cell[], m: ResolvedMapping, ctx: RowContext): RowOutcome {
  if (ctx.strictWidth && m.headers.length > 0 && cells.length < m.headers.length) {
    return failure(
      cells,
      m,
      ctx,
      undefined,
      `row has ${cells.length} of the header's ${m.headers.length} columns: the file is cut off or the row is broken`,
    );
  }

  // Time
  const dateCol = m.columns.date;
  const time =
    dateCol !== undefined
      ? parseDateTime(
          cells[dateCol],
          m.columns.time === undefined ? undefined : cellOf(cells, m, 'time'),
          ctx.dates,
        )
      : parseDateTime(cellOf(cells, m, 'time'), undefined, ctx.dates);
  const timeField: Field = dateCol !== undefined ? 'date' : 'time';
  if (time.kind === 'empty') return failure(cells, m, ctx, timeField, 'the transaction time is empty');
  if (time.kind === 'invalid') return failure(cells, m, ctx, timeField, time.reason);

  // Amount and direction
  let amount: number;
  let direction: Direction | undefined;
  if (m.columns.debit !== undefined || m.columns.credit !== undefined) {
    const d = parseAmount(cellOf(cells, m, 'debit'));
    const c = parseAmount(cellOf(cells, m, 'credit'));
    if (d.kind === 'invalid') return failure(cells, m, ctx, 'debit', d.reason);
    if (c.kind === 'invalid') return failure(cells, m, ctx, 'credit', c.reason);
    const dv = d.kind === 'fen' ? d.fen : 0;
    const cv = c.kind === 'fen' ? c.fen : 0;
    if (dv < 0)
      return failure(
        cells,
        m,
        ctx,
        'debit',
        'negative amount in the debit column: a reversal must be confirmed by hand',
      );
    if (cv < 0)
      return failure(
        cells,
        m,
        ctx,
        'credit',
        'negative amount in the credit column: a reversal must be confirmed by hand',
      );
    if (dv > 0 && cv > 0)
      return failure(cells, m, ctx, 'debit', 'both the debit and the credit column hold an amount');
    if (dv > 0) {
      amount = dv;
      direction = 'debit';
    } else if (cv > 0) {
      amount = cv;
      direction = 'credit';
    } else if (d.kind === 'empty' && c.kind === 'empty' && m.columns.amount === undefined) {
      return failure(cells, m, ctx, 'debit', 'both the debit and the credit column are empty');
    } else {
      amount = 0;
    }
  } else {
    const a = parseAmount(cellOf(cells, m, 'amount'));
    if (a.kind === 'empty') return failure(cells, m, ctx, 'amount', 'the amount is empty');
    if (a.kind === 'invalid') return failure(cells, m, ctx, 'amount', a.reason);
    amount = Math.abs(a.fen);
    if (m.columns.direction !== undefined) {
      const flag = normalizeHeader(cellOf(cells, m, 'direction'));
      if (m.debitWords.has(flag)) direction = 'debit';
      else if (m.creditWords.has(flag)) direction = 'credit';
      else if (NEUTRAL.has(flag))
        return { kind: 'skip', note: `flag "${cellText(cellOf(cells, m, 'direction'))}" moves no money` };
      else if (flag === '') return failure(cells, m, ctx, 'direction', 'the debit/credit flag is empty');
      else
        return failure(
          cells,
          m,
          ctx,
          'direction',
          `flag "${cellText(cellOf(cells, m, 'direction'))}" is neither debit (借/支出/付/D/-) nor credit (贷/收入/收/C/+); ` +
            "add it to the mapping's debitWords or creditWords",
        );
      if (a.fen < 0 && direction === 'credit')
        return failure(
          cells,
          m,
          ctx,
          'amount',
          'a negative amount with a credit flag: the sign contradicts the flag',
        );
    } else if (a.fen < 0) direction = 'debit';
    else if (a.fen > 0) direction = 'credit';
  }

  // Balance, currency, status
  const balanceCell = cellOf(cells, m, 'balance');
  const balance = parseAmount(balanceCell);
  if (balance.kind === 'invalid') return failure(cells, m, ctx, 'balance', balance.reason);
  const balanceFen = balance.kind === 'fen' ? balance.fen : undefined;
  const currency = cellText(cellOf(cells, m, 'currency'));
  if (!CNY.has(currency.toLowerCase()))
    return failure(cells, m, ctx, 'currency', `currency "${currency}" is not CNY; Levee ledgers are in CNY`);
  if (m.columns.status !== undefined) {
    const status = cellText(cellOf(cells, m, 'status'));
    if (VOID_STATUS.test(status))
      return { kind: 'skip', note: `status "${status}": the transaction did not happen` };
  }
  if (amount === 0 || direction === undefined) return { kind: 'skip', note: 'zero amount' };

  // Identifiers: long digit strings stored as spreadsheet numbers have lost their last digits.
  const cpAccount = identifier(cellOf(cells, m, 'counterpartyAccount'));
  if (cpAccount === false)
    return failure(
      cells,
      m,
      ctx,
      'counterpartyAccount',
      'the account number is stored as a number and has lost digits; format the column as text',
    );
  const serial = identifier(cellOf(cells, m, 'serial'));
  if (serial === false)
    return failure(
      cells,
      m,
      ctx,
      'serial',
      'the serial number is stored as a number and has lost digits; format the column as text',
    );
  let account = ctx.account;
  if (m.columns.account !== undefined) {
    const own = identifier(cellOf(cells, m, 'account'));
    if (own === false)
      return failure(
        cells,
        m,
        ctx,
        'account',
        'the account number is stored as a number and has lost digits',
      );
    if (own) account = own;
  }
  const cpName = text(cellOf(cells, m, 'counterpartyName'));
  const tx = new ParsedTransaction(
    ctx.sheet,
    ctx.line,
    account,
    time.iso,
    time.epochMs,
    direction,
    amount,
    balanceFen,
    cpAccount || undefined,
    cpName,
    text(cellOf(cells, m, 'counterpartyInstitution')),
    text(cellOf(cells, m, 'channel')),
    text(cellOf(cells, m, 'summary')),
    serial || undefined,
    currency || undefined,
  );
  return { kind: 'tx', tx };
}

function text(cell: Cell): string | undefined {
  const t = cellText(cell);
  return t === '' ? undefined : t;
}

/**
 * An account or serial number as text: spaces, Excel's leading apostrophe and the tab banks
 * append to stop scientific notation removed. `false` when a number has lost precision.
 */
function identifier(cell: Cell): string | false {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell)) return Number.isInteger(cell) || cell > 1e15 ? false : String(cell);
    return String(cell);
  }
  const t = String(cell).replace(/[\s']/g, '');
  if (/^\d(\.\d+)?e\+\d+$/i.test(t)) return false;
  return t === '-' || t === '--' ? '' : t;
}
