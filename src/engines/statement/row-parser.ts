/**
 * One data row → a StatementTransaction, a reason it was skipped (zero amount, a failed payment,
 * a neutral flag), or a RowError naming the column and what is wrong with its value.
 */
import { parseAmount } from './amount.js';
import { type DateOptions, parseDateTime } from './date-time.js';
import type { Cell, Direction, Field, RowError, StatementTransaction } from './fields.js';
import { rowFingerprint } from './fingerprint.js';
import type { ResolvedMapping } from './mapping.js';
import { cellText, normalizeHeader } from './normalize.js';
import { NEUTRAL_WORDS, VOID_STATUS } from './presets.js';

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

export function parseRow(cells: readonly Cell[], m: ResolvedMapping, ctx: RowContext): RowOutcome {
  const fail = (field: Field | undefined, reason: string): RowOutcome => {
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
  };
  const get = (field: Field): Cell => {
    const col = m.columns[field];
    return col === undefined ? undefined : cells[col];
  };

  if (ctx.strictWidth && m.headers.length > 0 && cells.length < m.headers.length) {
    return fail(
      undefined,
      `row has ${cells.length} of the header's ${m.headers.length} columns: the file is cut off or the row is broken`,
    );
  }

  // Time
  const dateCol = m.columns.date;
  const time =
    dateCol !== undefined
      ? parseDateTime(cells[dateCol], m.columns.time === undefined ? undefined : get('time'), ctx.dates)
      : parseDateTime(get('time'), undefined, ctx.dates);
  const timeField: Field = dateCol !== undefined ? 'date' : 'time';
  if (time.kind === 'empty') return fail(timeField, 'the transaction time is empty');
  if (time.kind === 'invalid') return fail(timeField, time.reason);

  // Amount and direction
  let amount: number;
  let direction: Direction | undefined;
  if (m.columns.debit !== undefined || m.columns.credit !== undefined) {
    const d = parseAmount(get('debit'));
    const c = parseAmount(get('credit'));
    if (d.kind === 'invalid') return fail('debit', d.reason);
    if (c.kind === 'invalid') return fail('credit', c.reason);
    const dv = d.kind === 'fen' ? d.fen : 0;
    const cv = c.kind === 'fen' ? c.fen : 0;
    if (dv < 0)
      return fail('debit', 'negative amount in the debit column: a reversal must be confirmed by hand');
    if (cv < 0)
      return fail('credit', 'negative amount in the credit column: a reversal must be confirmed by hand');
    if (dv > 0 && cv > 0) return fail('debit', 'both the debit and the credit column hold an amount');
    if (dv > 0) {
      amount = dv;
      direction = 'debit';
    } else if (cv > 0) {
      amount = cv;
      direction = 'credit';
    } else if (d.kind === 'empty' && c.kind === 'empty' && m.columns.amount === undefined) {
      return fail('debit', 'both the debit and the credit column are empty');
    } else {
      amount = 0;
    }
  } else {
    const a = parseAmount(get('amount'));
    if (a.kind === 'empty') return fail('amount', 'the amount is empty');
    if (a.kind === 'invalid') return fail('amount', a.reason);
    amount = Math.abs(a.fen);
    if (m.columns.direction !== undefined) {
      const flag = normalizeHeader(get('direction'));
      if (m.debitWords.has(flag)) direction = 'debit';
      else if (m.creditWords.has(flag)) direction = 'credit';
      else if (NEUTRAL.has(flag))
        return { kind: 'skip', note: `flag "${cellText(get('direction'))}" moves no money` };
      else if (flag === '') return fail('direction', 'the debit/credit flag is empty');
      else
        return fail(
          'direction',
          `flag "${cellText(get('direction'))}" is neither debit (借/支出/付/D/-) nor credit (贷/收入/收/C/+); ` +
            "add it to the mapping's debitWords or creditWords",
        );
      if (a.fen < 0 && direction === 'credit')
        return fail('amount', 'a negative amount with a credit flag: the sign contradicts the flag');
    } else if (a.fen < 0) direction = 'debit';
    else if (a.fen > 0) direction = 'credit';
  }

  // Balance, currency, status
  const balanceCell = get('balance');
  const balance = parseAmount(balanceCell);
  if (balance.kind === 'invalid') return fail('balance', balance.reason);
  const balanceFen = balance.kind === 'fen' ? balance.fen : undefined;
  const currency = cellText(get('currency'));
  if (!CNY.has(currency.toLowerCase()))
    return fail('currency', `currency "${currency}" is not CNY; Levee ledgers are in CNY`);
  if (m.columns.status !== undefined) {
    const status = cellText(get('status'));
    if (VOID_STATUS.test(status))
      return { kind: 'skip', note: `status "${status}": the transaction did not happen` };
  }
  if (amount === 0 || direction === undefined) return { kind: 'skip', note: 'zero amount' };

  // Identifiers: long digit strings stored as spreadsheet numbers have lost their last digits.
  const cpAccount = identifier(get('counterpartyAccount'));
  if (cpAccount === false)
    return fail(
      'counterpartyAccount',
      'the account number is stored as a number and has lost digits; format the column as text',
    );
  const serial = identifier(get('serial'));
  if (serial === false)
    return fail(
      'serial',
      'the serial number is stored as a number and has lost digits; format the column as text',
    );
  let account = ctx.account;
  if (m.columns.account !== undefined) {
    const own = identifier(get('account'));
    if (own === false) return fail('account', 'the account number is stored as a number and has lost digits');
    if (own) account = own;
  }
  const cpName = text(get('counterpartyName'));
  const tx: StatementTransaction = {
    sheet: ctx.sheet,
    line: ctx.line,
    account,
    time: time.iso,
    epochMs: time.epochMs,
    direction,
    amount,
    balance: balanceFen,
    counterpartyAccount: cpAccount || undefined,
    counterpartyName: cpName,
    counterpartyInstitution: text(get('counterpartyInstitution')),
    channel: text(get('channel')),
    summary: text(get('summary')),
    serial: serial || undefined,
    currency: currency || undefined,
    fingerprint: rowFingerprint({
      account,
      epochMs: time.epochMs,
      amount,
      direction,
      counterparty: cpAccount || cpName,
      serial: serial || undefined,
    }),
  };
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
