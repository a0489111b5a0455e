/**
 * The policy's rules for winning the race against the launderers: topping holds up when more of the
 * victims' money is found in a held account, standing dynamic queries on held accounts and after an
 * empty stop-payment, the next level pushed from an answer on a provisional figure, and the chase
 * leaving before freezes and dynamic queries.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccountSnapshot,
  DEFAULT_POLICY,
  decideActions,
  onwardAccounts,
} from '../../../src/engines/disposal/policy.js';
import { HOUR, NOW, snapshot } from './_snapshot.js';

const MINUTE = 60_000;

function account(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return snapshot({
    level: 3,
    state: 'queried',
    located: 60_000_00,
    detailQueried: true,
    ...overrides,
  });
}

const decide = (a: AccountSnapshot, options?: { chasing?: boolean }) =>
  decideActions([a], DEFAULT_POLICY, NOW, options);

describe('disposal policy: topping up a hold', () => {
  const frozen = {
    state: 'frozen' as const,
    frozen: 40_000_00,
    holdTarget: 40_000_00,
    freezeExpiresAt: NOW + 180 * 24 * HOUR,
  };

  it('stops the difference when more of the victims’ money is found in a frozen account', () => {
    const actions = decide(account({ ...frozen, located: 60_000_00 }));
    expect(actions).toMatchObject([{ kind: 'stop-payment', amount: 20_000_00 }]);
    expect(actions[0]!.reason).toMatch(/追加紧急止付 ¥20000\.00/);
    expect(actions[0]!.reason).toMatch(/已有止付\/冻结 ¥40000\.00/);
  });

  it('asks nothing more while the holds in place already ask for all of it', () => {
    // A hold asked for ¥60,000 and held ¥40,000 at its answer: it keeps taking what arrives.
    expect(decide(account({ ...frozen, holdTarget: 60_000_00, located: 60_000_00 }))).toEqual([]);
    expect(decide(account({ ...frozen, located: 40_000_00 + DEFAULT_POLICY.minPursue - 1 }))).toEqual([]);
  });

  it('waits for a hold on its way before topping up', () => {
    expect(decide(account({ ...frozen, located: 90_000_00, pending: new Set(['stop-payment']) }))).toEqual(
      [],
    );
  });

  it('turns the top-up stop-payment into a further freeze, counting what is frozen already', () => {
    const topped = account({
      ...frozen,
      located: 60_000_00,
      stopped: 20_000_00,
      stopTarget: 20_000_00,
      holdTarget: 60_000_00,
    });
    const actions = decide(topped);
    expect(actions).toMatchObject([{ kind: 'freeze', amount: 20_000_00 }]);
    expect(actions[0]!.reason).toMatch(/追加，已冻结 ¥40000\.00/);
    // Above the automatic limit in total: an analyst confirms.
    const big = account({
      ...frozen,
      frozen: DEFAULT_POLICY.autoFreezeMax,
      holdTarget: DEFAULT_POLICY.autoFreezeMax + 20_000_00,
      located: DEFAULT_POLICY.autoFreezeMax + 20_000_00,
      stopped: 20_000_00,
      stopTarget: 20_000_00,
    });
    expect(decide(big).map((a) => a.kind)).toEqual(['freeze-needs-confirmation']);
  });

  it('freezes what the trace locates, at least what the stop-payment held, at most what it asked for', () => {
    const stop = { stopped: 30_000_00, stopTarget: 80_000_00, holdTarget: 80_000_00 };
    expect(decide(account({ ...stop, located: 50_000_00 }))).toMatchObject([
      { kind: 'freeze', amount: 50_000_00 },
    ]);
    expect(decide(account({ ...stop, located: 10_000_00 }))).toMatchObject([
      { kind: 'freeze', amount: 30_000_00 },
    ]);
    expect(decide(account({ ...stop, located: 80_000_00 }))).toMatchObject([
      { kind: 'freeze', amount: 80_000_00 },
    ]);
  });
});

describe('disposal policy: standing dynamic queries', () => {
  it('watches an account holding the victims’ money under a hold, until the policy’s hours are up', () => {
    const actions = decide(
      account({ stopped: 60_000_00, stopTarget: 60_000_00, holdTarget: 60_000_00, subscribed: false }),
    );
    expect(actions.map((a) => a.kind)).toEqual(['dynamic-query', 'freeze']);
    expect(actions[0]).toMatchObject({ to: NOW + 72 * HOUR });
    expect(actions[0]!.reason).toMatch(/动态查询/);
  });

  it('follows a stop-payment that held nothing with one, besides asking for the details again', () => {
    const actions = decide(
      account({ stopCameBackEmpty: true, emptyStops: 1, holdTarget: 60_000_00, subscribed: false }),
    );
    expect(actions.map((a) => a.kind)).toEqual(['detail-query', 'dynamic-query']);
    expect(actions[1]!.reason).toMatch(/止付未冻结到资金/);
  });

  it('sends none to an account only queried, none twice, and none when the policy has no hours', () => {
    expect(
      decide(account({ subscribed: false, holdTarget: 60_000_00, pending: new Set(['stop-payment']) })),
    ).toEqual([]);
    const held = account({ frozen: 60_000_00, holdTarget: 60_000_00, state: 'frozen', subscribed: false });
    expect(decide({ ...held, pending: new Set(['dynamic-query']) })).toEqual([]);
    expect(decide({ ...held, subscribed: true })).toEqual([]);
    expect(
      decideActions([held], { ...DEFAULT_POLICY, dynamicQueryHours: undefined }, NOW).map((a) => a.kind),
    ).toEqual([]);
  });
});

describe('disposal policy: the chase leaves first', () => {
  it('holds freezes and dynamic queries back while the case’s stop-payments or queries wait to be sent', () => {
    const stopped = account({
      stopped: 60_000_00,
      stopTarget: 60_000_00,
      holdTarget: 60_000_00,
      subscribed: false,
    });
    expect(decide(stopped, { chasing: true })).toEqual([]);
    expect(decide(stopped, { chasing: false }).map((a) => a.kind)).toEqual(['dynamic-query', 'freeze']);
    // The chase itself is not held back.
    const fresh = account({ state: 'new', level: 4, detailQueried: false, subscribed: false });
    expect(decide(fresh, { chasing: true }).map((a) => a.kind)).toEqual(['detail-query', 'stop-payment']);
  });
});

describe('disposal policy: the next level pushed from an answer', () => {
  const source = { firstVictimMoneyAt: NOW - HOUR, located: 50_000_00 };
  const to = (account: string, amount: number, at: number) => ({
    key: `CMB/${account}`,
    institution: 'CMB',
    account,
    holder: '下一级',
    amount,
    at,
  });

  it('takes what each account received after the victims’ money arrived, capped by the money located in the source', () => {
    const onward = onwardAccounts(source, [
      to('A', 20_000_00, NOW - 50 * MINUTE),
      to('A', 10_000_00, NOW - 40 * MINUTE),
      to('B', 70_000_00, NOW - 30 * MINUTE),
      to('C', 5_000_00, NOW - 2 * HOUR),
    ]);
    expect(onward).toEqual([
      expect.objectContaining({ key: 'CMB/A', located: 30_000_00, firstVictimMoneyAt: NOW - 50 * MINUTE }),
      expect.objectContaining({ key: 'CMB/B', located: 50_000_00, firstVictimMoneyAt: NOW - 30 * MINUTE }),
    ]);
  });

  it('pushes nothing from an account the victims’ money never reached or that held none of it', () => {
    expect(onwardAccounts({ firstVictimMoneyAt: null, located: 0 }, [to('A', 1_00, NOW)])).toEqual([]);
    expect(onwardAccounts({ firstVictimMoneyAt: NOW - HOUR, located: 0 }, [to('A', 1_00, NOW)])).toEqual([]);
  });

  it('gives each onward account a detail query and a stop-payment for the provisional figure', () => {
    const [a] = onwardAccounts(source, [to('A', 20_000_00, NOW - 50 * MINUTE)]);
    const actions = decideActions(
      [
        account({
          ...a!,
          level: 4,
          state: 'new',
          detailQueried: false,
          subscribed: false,
          holdTarget: 0,
        }),
      ],
      DEFAULT_POLICY,
      NOW,
    );
    expect(actions).toMatchObject([
      { kind: 'detail-query', key: 'CMB/A', from: NOW - 50 * MINUTE - HOUR, to: NOW },
      { kind: 'stop-payment', key: 'CMB/A', amount: 20_000_00 },
    ]);
  });
});
