/**
 * The one error of the tracing engine: bad input, rejected before anything is computed. `kind`
 * classifies it (tests match the class and kind, not the text); `subject` names the transfer,
 * account or party at fault so the message can point at the line to fix.
 */
export type LedgerErrorKind =
  | 'bad-format'
  | 'unknown-id'
  | 'bad-amount'
  | 'bad-time'
  | 'sink-debit'
  | 'duplicate-id';

export interface LedgerErrorSubject {
  transfer?: string;
  account?: string;
  party?: string;
}

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly kind: LedgerErrorKind,
    message: string,
    readonly subject: LedgerErrorSubject = {},
  ) {
    super(message);
  }
}
