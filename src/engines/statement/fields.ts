/** Levee's statement fields: what a column of a bank statement can mean. */

export const FIELDS = [
  'date',
  'time',
  'amount',
  'direction',
  'debit',
  'credit',
  'balance',
  'counterpartyAccount',
  'counterpartyName',
  'counterpartyInstitution',
  'channel',
  'summary',
  'serial',
  'account',
  'accountName',
  'currency',
  'status',
] as const;

export type Field = (typeof FIELDS)[number];

export function isField(value: string): value is Field {
  return (FIELDS as readonly string[]).includes(value);
}

export const FIELD_LABELS: Record<Field, string> = {
  date: 'transaction date (or date-time)',
  time: 'transaction time (or date-time)',
  amount: 'amount (signed, or with a direction flag)',
  direction: 'debit/credit flag (借/贷, 收/付, D/C, +/-)',
  debit: 'debit amount (money out)',
  credit: 'credit amount (money in)',
  balance: 'balance after the transaction',
  counterpartyAccount: 'counterparty account number',
  counterpartyName: 'counterparty name',
  counterpartyInstitution: 'counterparty institution',
  channel: 'channel',
  summary: 'summary (摘要)',
  serial: 'serial number (流水号)',
  account: "the statement's own account (when the file holds several)",
  accountName: "the statement's own account name",
  currency: 'currency',
  status: 'transaction status (failed/closed rows are skipped)',
};

/** One cell as a reader hands it over: text, a spreadsheet number, a boolean, a date, or nothing. */
export type Cell = string | number | boolean | Date | null | undefined;

export type Direction = 'debit' | 'credit';

/** A statement row as Levee understood it. Amounts are positive fen; `direction` gives the sign. */
export interface StatementTransaction {
  readonly sheet: string;
  readonly line: number;
  /** The statement's own account for this row (the row's account column, else the statement's). */
  readonly account: string;
  readonly time: string;
  readonly epochMs: number;
  readonly direction: Direction;
  readonly amount: number;
  readonly balance: number | undefined;
  readonly counterpartyAccount: string | undefined;
  readonly counterpartyName: string | undefined;
  readonly counterpartyInstitution: string | undefined;
  readonly channel: string | undefined;
  readonly summary: string | undefined;
  readonly serial: string | undefined;
  readonly currency: string | undefined;
  /** sha256 of the normalised (account, time, amount, direction, counterparty, serial). */
  readonly fingerprint: string;
}

/** Why one row was not read. `column` is the header text of the offending column, if any. */
export interface RowError {
  readonly sheet: string;
  readonly line: number;
  readonly column: string | undefined;
  readonly field: Field | undefined;
  readonly value: string | undefined;
  readonly reason: string;
}

export interface RowNote {
  readonly sheet: string;
  readonly line: number;
  readonly note: string;
}
