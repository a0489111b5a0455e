import type { AccountSnapshot } from '../../../src/engines/disposal/policy.js';

export const NOW = Date.parse('2026-11-26T12:00:00Z');
export const HOUR = 3_600_000;

/** One mule account as the policy sees it: nothing asked of it yet unless `overrides` says so. */
export function snapshot(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    key: 'ICBC/6222',
    institution: 'ICBC',
    account: '6222',
    holder: '骡子',
    level: 1,
    state: 'new',
    sink: null,
    located: 100_000_00,
    firstVictimMoneyAt: NOW - HOUR,
    detailQueried: false,
    detailAnsweredNoOutflow: false,
    pending: new Set(),
    stopped: 0,
    frozen: 0,
    stopExpiresAt: null,
    stopRenewalsUsed: 0,
    freezeExpiresAt: null,
    freezeConfirmed: false,
    subscribed: true,
    ...overrides,
  };
}
