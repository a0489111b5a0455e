/** Bad input to the fund report (an unknown account in `frozen`, a negative loss…). Tested by `kind`. */
export type FundReportErrorKind = 'bad-input' | 'unknown-account' | 'unknown-victim';

export class FundReportError extends Error {
  override readonly name = 'FundReportError';
  constructor(
    readonly kind: FundReportErrorKind,
    message: string,
  ) {
    super(message);
  }
}
