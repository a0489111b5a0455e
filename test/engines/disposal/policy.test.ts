import { describe, expect, it } from 'vitest';
import {
  type AccountSnapshot,
  DEFAULT_POLICY,
  decideActions,
  nextTimedAction,
} from '../../../src/engines/disposal/policy.js';
import { HOUR, NOW, snapshot } from './_snapshot.js';

const account = snapshot;

const kinds = (a: AccountSnapshot, policy = DEFAULT_POLICY) =>
  decideActions([a], policy, NOW).map((x) => x.kind);

describe('disposal policy', () => {
  it('queries and stop-pays a new account that holds victims’ money, saying why', () => {
    const actions = decideActions([account({ subscribed: false })], DEFAULT_POLICY, NOW);
    expect(actions.map((a) => a.kind)).toEqual(['detail-query', 'stop-payment']);
    expect(actions[0]).toMatchObject({ from: NOW - 2 * HOUR, to: NOW });
    expect(actions[1]).toMatchObject({ amount: 100_000_00 });
    expect(actions[1]!.reason).toMatch(/¥100000\.00/);
  });

  it('does not repeat what is on its way or done', () => {
    expect(kinds(account({ pending: new Set(['detail-query', 'stop-payment']) }))).toEqual([]);
    expect(
      kinds(account({ detailQueried: true, stopped: 100_000_00, pending: new Set(['freeze']) })),
    ).toEqual([]);
  });

  it('leaves excluded accounts, sinks and accounts past the level limit alone', () => {
    expect(kinds(account({ state: 'excluded' }))).toEqual([]);
    expect(kinds(account({ sink: 'cash', state: 'cashed-out' }))).toEqual([]);
    expect(kinds(account({ level: DEFAULT_POLICY.maxLevel + 1 }))).toEqual([]);
  });

  it('still queries an account the money only passed through, but stops nothing there', () => {
    expect(kinds(account({ located: 0 }))).toEqual(['detail-query']);
  });

  it('turns a stop-payment into a freeze up to the automatic limit, above it asks an analyst', () => {
    // The stop-payment asked for ¥100,000 and held ¥80,000 at its answer: the freeze carries all of
    // it and keeps taking what arrives up to what the stop-payment asked for.
    const small = account({
      detailQueried: true,
      stopped: 80_000_00,
      stopTarget: 100_000_00,
      holdTarget: 100_000_00,
    });
    expect(decideActions([small], DEFAULT_POLICY, NOW)).toMatchObject([
      { kind: 'freeze', amount: 100_000_00 },
    ]);
    const big = account({ detailQueried: true, stopped: DEFAULT_POLICY.autoFreezeMax + 1 });
    expect(kinds(big)).toEqual(['freeze-needs-confirmation']);
    expect(kinds({ ...big, freezeConfirmed: true })).toEqual(['freeze']);
  });

  it('renews a stop-payment near its end at most twice, and extends a freeze near its end', () => {
    const near = {
      detailQueried: true,
      stopped: 1,
      stopExpiresAt: NOW + 5 * HOUR,
      pending: new Set(['freeze-needs-confirmation'] as const),
    };
    expect(
      kinds(account({ ...near, stopped: DEFAULT_POLICY.autoFreezeMax + 1, stopRenewalsUsed: 1 })),
    ).toEqual(['renew-stop-payment']);
    expect(
      kinds(account({ ...near, stopped: DEFAULT_POLICY.autoFreezeMax + 1, stopRenewalsUsed: 2 })),
    ).toEqual([]);
    expect(
      kinds(account({ ...near, stopped: DEFAULT_POLICY.autoFreezeMax + 1, stopExpiresAt: NOW + 30 * HOUR })),
    ).toEqual([]);
    const frozen = account({
      state: 'frozen',
      detailQueried: true,
      frozen: 5,
      holdTarget: 100_000_00,
      freezeExpiresAt: NOW + 6 * 24 * HOUR,
    });
    expect(kinds(frozen)).toEqual(['extend-freeze']);
    expect(kinds({ ...frozen, freezeExpiresAt: NOW + 60 * 24 * HOUR })).toEqual([]);
  });

  it('ends the trail where the money went nowhere and nothing is left', () => {
    expect(
      kinds(account({ detailQueried: true, detailAnsweredNoOutflow: true, located: 0, state: 'queried' })),
    ).toEqual(['trail-ended']);
  });
});

describe('the next time-driven action', () => {
  const stopped = (overrides: Partial<AccountSnapshot> = {}) =>
    account({ detailQueried: true, stopped: 5, stopExpiresAt: NOW + 48 * HOUR, ...overrides });

  it('is the start of the earliest renewal window still ahead, and then the policy acts', () => {
    const accounts = [
      stopped({ key: 'a', stopExpiresAt: NOW + 40 * HOUR }),
      stopped({ key: 'b', stopExpiresAt: NOW + 30 * HOUR }),
      account({ key: 'c', state: 'frozen', frozen: 5, freezeExpiresAt: NOW + 180 * 24 * HOUR }),
    ];
    const at = nextTimedAction(accounts, DEFAULT_POLICY, NOW);
    expect(at).toBe(NOW + (30 - DEFAULT_POLICY.renewStopHoursBefore) * HOUR);
    // nothing is due a moment before it, the renewal of b is due at it
    const renewals = (t: number) =>
      decideActions(accounts, DEFAULT_POLICY, t)
        .filter((x) => x.kind === 'renew-stop-payment')
        .map((x) => x.key);
    expect(renewals(at! - 1)).toEqual([]);
    expect(renewals(at!)).toEqual(['b']);
  });

  it('counts freezes, and leaves out holds with no renewal left, already renewing, or already in their window', () => {
    const frozen = account({ state: 'frozen', frozen: 5, freezeExpiresAt: NOW + 180 * 24 * HOUR });
    expect(nextTimedAction([frozen], DEFAULT_POLICY, NOW)).toBe(
      NOW + (180 - DEFAULT_POLICY.extendFreezeDaysBefore) * 24 * HOUR,
    );
    expect(
      nextTimedAction([stopped({ stopRenewalsUsed: DEFAULT_POLICY.maxStopRenewals })], DEFAULT_POLICY, NOW),
    ).toBe(null);
    expect(
      nextTimedAction([stopped({ pending: new Set(['renew-stop-payment'] as const) })], DEFAULT_POLICY, NOW),
    ).toBe(null);
    expect(nextTimedAction([stopped({ stopExpiresAt: NOW + HOUR })], DEFAULT_POLICY, NOW)).toBe(null);
    expect(nextTimedAction([account()], DEFAULT_POLICY, NOW)).toBe(null);
  });
});
