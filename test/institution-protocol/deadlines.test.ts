import { describe, expect, it } from 'vitest';
import {
  addMonthsCst,
  extendFreeze,
  freezeTerm,
  type HoldDeadline,
  reminderTimes,
  renewability,
  renewStopPayment,
  stopPaymentTerm,
} from '../../src/institution-protocol/deadlines.js';
import { DeadlineError } from '../../src/institution-protocol/errors.js';

const T = Date.parse('2023-10-27T14:00:00+08:00');
const H = 3600_000;

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(DeadlineError);
    return (error as DeadlineError).code;
  }
}

describe('deadline rules', () => {
  it('stop-payment: 48 h, two renewals of 48 h each, only while in force', () => {
    const term = stopPaymentTerm(T);
    expect(term.expiresAt - T).toBe(48 * H);
    let hold: HoldDeadline = { kind: 'stop-payment', expiresAt: term.expiresAt, renewalsUsed: 0 };
    hold = renewStopPayment(hold, T + 40 * H);
    expect(hold).toEqual({ kind: 'stop-payment', expiresAt: T + 96 * H, renewalsUsed: 1 });
    hold = renewStopPayment(hold, T + 90 * H);
    expect(hold.expiresAt).toBe(T + 144 * H);
    expect(code(() => renewStopPayment(hold, T + 100 * H))).toBe('RENEWAL_LIMIT_REACHED');
    expect(renewability(hold, T + 100 * H)).toEqual({ renewable: false, code: 'RENEWAL_LIMIT_REACHED' });
    const fresh = { kind: 'stop-payment' as const, expiresAt: term.expiresAt, renewalsUsed: 0 };
    expect(code(() => renewStopPayment(fresh, term.expiresAt))).toBe('HOLD_LAPSED');
  });

  it('freeze: 6 calendar months by default (UTC+8), up to 12 for a major case, extensions from expiry', () => {
    expect(new Date(freezeTerm(T).expiresAt).toISOString()).toBe('2024-04-27T06:00:00.000Z');
    // 31 August 23:30 in Wuhan (still 30 August in UTC) + 6 months → 29 February 2024
    const aug31 = Date.parse('2023-08-31T23:30:00+08:00');
    expect(addMonthsCst(aug31, 6)).toBe(Date.parse('2024-02-29T23:30:00+08:00'));
    expect(code(() => freezeTerm(T, 9))).toBe('MAJOR_CASE_REQUIRED');
    expect(freezeTerm(T, 12, true).expiresAt).toBe(Date.parse('2024-10-27T14:00:00+08:00'));
    expect(code(() => freezeTerm(T, 13, true))).toBe('TERM_TOO_LONG');
    const hold = { kind: 'freeze' as const, expiresAt: freezeTerm(T).expiresAt, renewalsUsed: 0 };
    const extended = extendFreeze(hold, T + 100 * 24 * H);
    expect(extended.expiresAt).toBe(Date.parse('2024-10-27T14:00:00+08:00'));
    expect(code(() => extendFreeze(hold, hold.expiresAt + 1))).toBe('HOLD_LAPSED');
  });

  it('reminds before a hold lapses', () => {
    const [a, b] = reminderTimes({ kind: 'stop-payment', expiresAt: T });
    expect([T - a!, T - b!]).toEqual([12 * H, 2 * H]);
    expect(reminderTimes({ kind: 'freeze', expiresAt: T }).every((t) => t < T - 2 * 24 * H)).toBe(true);
  });
});
