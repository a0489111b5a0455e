/**
 * Deadline rules of stop-payments and freezes, as pure functions on Unix milliseconds.
 *
 * - Stop-payment (止付): 48 hours from execution; may be renewed at most twice, each renewal adding
 *   48 hours to the current expiry, and only while the stop-payment is still in force.
 * - Freeze (冻结): 6 months by default; up to 12 months for a major case (terms over 6 months need
 *   `majorCase`). An extension (续冻) adds a new term from the current expiry, requested before the
 *   freeze lapses; there is no limit on the number of extensions.
 * Months are calendar months in China Standard Time (UTC+8, no DST): 31 Aug + 6 months is 28/29 Feb.
 */
import { DeadlineError } from './errors.js';
import type { HoldKind } from './schemas.js';

export const STOP_PAYMENT_HOURS = 48;
export const STOP_PAYMENT_MAX_RENEWALS = 2;
export const FREEZE_DEFAULT_MONTHS = 6;
export const FREEZE_MAX_MONTHS = 12;
export const FREEZE_MAX_ORDINARY_MONTHS = 6;

const HOUR = 3600_000;
const CST_OFFSET = 8 * HOUR;

export interface Term {
  startsAt: number;
  expiresAt: number;
}

export interface HoldDeadline {
  kind: HoldKind;
  expiresAt: number;
  renewalsUsed: number;
}

/** Add calendar months in UTC+8, clamping the day to the end of the target month. */
export function addMonthsCst(at: number, months: number): number {
  const local = new Date(at + CST_OFFSET);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months;
  const day = local.getUTCDate();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = Date.UTC(
    year,
    month,
    Math.min(day, lastDay),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return shifted - CST_OFFSET;
}

export function stopPaymentTerm(at: number): Term {
  return { startsAt: at, expiresAt: at + STOP_PAYMENT_HOURS * HOUR };
}

function checkMonths(months: number, majorCase: boolean): void {
  if (!Number.isInteger(months) || months < 1)
    throw new DeadlineError('TERM_TOO_SHORT', `a freeze term is a whole number of months ≥ 1, got ${months}`);
  if (months > FREEZE_MAX_MONTHS)
    throw new DeadlineError(
      'TERM_TOO_LONG',
      `a freeze term is at most ${FREEZE_MAX_MONTHS} months, got ${months}`,
    );
  if (months > FREEZE_MAX_ORDINARY_MONTHS && !majorCase)
    throw new DeadlineError(
      'MAJOR_CASE_REQUIRED',
      `a freeze term over ${FREEZE_MAX_ORDINARY_MONTHS} months needs majorCase, got ${months}`,
    );
}

export function freezeTerm(at: number, months = FREEZE_DEFAULT_MONTHS, majorCase = false): Term {
  checkMonths(months, majorCase);
  return { startsAt: at, expiresAt: addMonthsCst(at, months) };
}

/** True once the hold's expiry has passed (a hold is in force up to, not including, expiresAt). */
export function isLapsed(hold: { expiresAt: number }, at: number): boolean {
  return at >= hold.expiresAt;
}

/** Renewal of a stop-payment at time `at`: the new expiry and renewal count, or DeadlineError. */
export function renewStopPayment(hold: HoldDeadline, at: number): HoldDeadline {
  if (isLapsed(hold, at))
    throw new DeadlineError(
      'HOLD_LAPSED',
      'the stop-payment has lapsed; place a new one instead of renewing',
    );
  if (hold.renewalsUsed >= STOP_PAYMENT_MAX_RENEWALS)
    throw new DeadlineError(
      'RENEWAL_LIMIT_REACHED',
      `a stop-payment may be renewed at most ${STOP_PAYMENT_MAX_RENEWALS} times`,
    );
  return {
    kind: 'stop-payment',
    expiresAt: hold.expiresAt + STOP_PAYMENT_HOURS * HOUR,
    renewalsUsed: hold.renewalsUsed + 1,
  };
}

/** Extension of a freeze at time `at` by `months` from its current expiry, or DeadlineError. */
export function extendFreeze(
  hold: HoldDeadline,
  at: number,
  months = FREEZE_DEFAULT_MONTHS,
  majorCase = false,
): HoldDeadline {
  if (isLapsed(hold, at))
    throw new DeadlineError('HOLD_LAPSED', 'the freeze has lapsed; place a new freeze instead of extending');
  checkMonths(months, majorCase);
  return {
    kind: 'freeze',
    expiresAt: addMonthsCst(hold.expiresAt, months),
    renewalsUsed: hold.renewalsUsed + 1,
  };
}

export function renewalsLeft(hold: { kind: HoldKind; renewalsUsed: number }): number | null {
  return hold.kind === 'stop-payment' ? Math.max(0, STOP_PAYMENT_MAX_RENEWALS - hold.renewalsUsed) : null;
}

/** When to remind an operator before a hold lapses (stop-payment: 12 h and 2 h; freeze: 15 and 3 days). */
export function reminderTimes(hold: { kind: HoldKind; expiresAt: number }): number[] {
  const leads = hold.kind === 'stop-payment' ? [12 * HOUR, 2 * HOUR] : [15 * 24 * HOUR, 3 * 24 * HOUR];
  return leads.map((lead) => hold.expiresAt - lead);
}

/** Whether a hold can still be renewed/extended at `at`, and why not. */
export function renewability(
  hold: HoldDeadline,
  at: number,
): { renewable: true } | { renewable: false; code: 'HOLD_LAPSED' | 'RENEWAL_LIMIT_REACHED' } {
  if (isLapsed(hold, at)) return { renewable: false, code: 'HOLD_LAPSED' };
  if (hold.kind === 'stop-payment' && hold.renewalsUsed >= STOP_PAYMENT_MAX_RENEWALS)
    return { renewable: false, code: 'RENEWAL_LIMIT_REACHED' };
  return { renewable: true };
}
