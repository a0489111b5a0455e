import { describe, expect, it } from 'vitest';
import { type AccountSnapshot, DEFAULT_POLICY, decideActions } from '../../../src/engines/disposal/policy.js';
import { HOUR, NOW, snapshot } from './_snapshot.js';

function account(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return snapshot({
    level: 2,
    state: 'queried',
    located: 50_000_00,
    detailQueried: true,
    detailAnsweredNoOutflow: true,
    ...overrides,
  });
}

const kinds = (a: AccountSnapshot) => decideActions([a], DEFAULT_POLICY, NOW).map((x) => x.kind);

describe('disposal policy: a stop-payment that held nothing', () => {
  it('asks the account for its details again instead of stopping it again', () => {
    const actions = decideActions([account({ stopCameBackEmpty: true, emptyStops: 1 })], DEFAULT_POLICY, NOW);
    expect(actions.map((a) => a.kind)).toEqual(['detail-query']);
    expect(actions[0]).toMatchObject({ from: NOW - 2 * HOUR, to: NOW });
  });

  it('stops again once a newer answer still locates the money there, up to the limit', () => {
    expect(kinds(account({ stopCameBackEmpty: false, emptyStops: 1 }))).toEqual(['stop-payment']);
    expect(kinds(account({ stopCameBackEmpty: false, emptyStops: 3 }))).toEqual([]);
    expect(kinds(account({ stopCameBackEmpty: false, emptyStops: 2 }))).toEqual(['stop-payment']);
  });

  it('does not re-query while a query is on its way', () => {
    expect(kinds(account({ stopCameBackEmpty: true, pending: new Set(['detail-query']) }))).toEqual([]);
  });
});

describe('disposal policy: a stop-payment that held nothing where nothing was left', () => {
  it('asks nothing more when the last answer already shows the money gone', () => {
    expect(kinds(account({ stopCameBackEmpty: true, emptyStops: 1, located: 0 }))).toEqual(['trail-ended']);
    expect(
      kinds(account({ stopCameBackEmpty: true, emptyStops: 1, located: 0, detailAnsweredNoOutflow: false })),
    ).toEqual([]);
  });
});
