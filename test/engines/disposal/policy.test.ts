import { describe, expect, it } from 'vitest';
import { type AccountSnapshot, DEFAULT_POLICY, decideActions } from '../../../src/engines/disposal/policy.js';
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
