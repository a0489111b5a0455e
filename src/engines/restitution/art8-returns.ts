/**
 * Proposals for returning frozen money under the 2016 return rules, Art. 8:
 *   (1) one deposit into the frozen account traceable to a victim: straight back to that victim;
 *   (2) several deposits told apart by their time: straight back to each;
 *   (3) several deposits that cannot be told apart: in proportion to the victims' losses, after a
 *       30-day public notice open to objections.
 * What is not returned stays frozen; a victim identified later starts a new procedure on it.
 *
 * How this reads a trace. `held` is the account's byOrigin under the tracing rule (recorded in
 * the result). If less is frozen than the account holds, the part that escaped the freeze is
 * charged first to money that is nobody's claim (own, opening, unknown), then pro rata to the
 * claimants — the "wrongdoer spends his own money first" presumption (`unfrozenCharge`).
 *  - Money the trace attributes to victims goes straight back: basis art8-1 when one victim's
 *    money is in the frozen part, art8-2 when several victims' is.
 *  - Money of unknown origin (gaps, unknown payers), and the whole frozen amount of an account
 *    marked `traceable: false`, is shared among the account's contributing victims in proportion
 *    to their loss or to the amount traced into the account (`base`), basis art8-3, with notice.
 *  - Own money and third-party money stay frozen (third parties may claim their own).
 * Nobody gets more than their remaining loss; direct returns are settled first, across all
 * accounts in id order, then the proportional ones. Shares are whole fen (largest remainders).
 */
import { largestRemainder } from '../tracing/apportion.js';
import type { PartyRole } from '../tracing/types.js';
import { allocateCapped } from './capped-allocation.js';
import { RestitutionError } from './restitution-error.js';

export type ReturnBasis = 'art8-1' | 'art8-2' | 'art8-3';
export type ProportionalBase = 'loss' | 'traced';

export interface FrozenAccount {
  account: string;
  /** fen frozen now; at most what `held` adds up to when `held` is given */
  frozen: number;
  /** byOrigin of the account in the trace (origin → fen) */
  held: Record<string, number>;
  /** false when the deposits cannot be told apart: everything frozen goes by art8-3 */
  traceable?: boolean;
  /** victims whose money entered the account, with the amount traced into it */
  contributors?: Record<string, number>;
}

export interface Art8Input {
  /** tracing rule the attribution came from; recorded so a report can cite it */
  rule: string;
  /** role of each party origin (opening:… is own, unknown:… is unknown) */
  roles: Record<string, PartyRole>;
  /** each victim's loss, the ceiling of what they can get back */
  losses: Record<string, number>;
  accounts: FrozenAccount[];
  base?: ProportionalBase;
}

export interface Art8Return {
  victim: string;
  amount: number;
  basis: ReturnBasis;
}

export interface Art8AccountResult {
  account: string;
  frozen: number;
  /** how the frozen amount splits among origins under the rule */
  attributed: Record<string, number>;
  returns: Art8Return[];
  /** art8-3 returns need a 30-day public notice before payment */
  publicNoticeDays: number;
  /** stays frozen: own money, third parties' money, and what exceeds the victims' losses */
  remaining: number;
}

export interface Art8Result {
  format: 'levee.restitution/1';
  method: 'art8-2016';
  rule: string;
  base: ProportionalBase;
  unfrozenCharge: 'non-claimants-first';
  accounts: Art8AccountResult[];
  /** total proposed per victim */
  totals: Record<string, number>;
}

function roleOf(origin: string, roles: Record<string, PartyRole>): PartyRole {
  if (origin.startsWith('opening:')) return 'own';
  if (origin.startsWith('unknown:')) return 'unknown';
  const r = roles[origin];
  if (!r) throw new RestitutionError(`origin "${origin}" has no role`);
  return r;
}

const isClaimant = (r: PartyRole) => r === 'victim' || r === 'third-party';

function fen(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new RestitutionError(`${what} must be whole fen ≥ 0, got ${JSON.stringify(v)}`);
  return v;
}

/** The part of `held` that is frozen: the unfrozen rest is charged to non-claimants first. */
export function attributeFrozen(
  held: Record<string, number>,
  frozen: number,
  roles: Record<string, PartyRole>,
): Record<string, number> {
  const origins = Object.keys(held).sort();
  const balance = origins.reduce((s, o) => s + fen(held[o], `held ${o}`), 0);
  if (frozen > balance)
    throw new RestitutionError(`frozen ${frozen} is more than the ${balance} the account holds`);
  let charge = balance - frozen;
  const out: Record<string, number> = { ...held };
  for (const claimants of [false, true]) {
    const group = origins.filter((o) => isClaimant(roleOf(o, roles)) === claimants);
    const total = group.reduce((s, o) => s + held[o]!, 0);
    const take = Math.min(charge, total);
    if (take === 0) continue;
    const split = largestRemainder(
      take,
      group.map((o) => ({ key: o, weight: held[o]! })),
    );
    for (const [o, x] of split) out[o] = out[o]! - x;
    charge -= take;
  }
  for (const o of origins) if (out[o] === 0) delete out[o];
  return out;
}

export function proposeArt8Returns(input: Art8Input): Art8Result {
  const base = input.base ?? 'loss';
  const remainingLoss = new Map<string, number>();
  for (const [v, loss] of Object.entries(input.losses)) remainingLoss.set(v, fen(loss, `loss of ${v}`));
  const accounts = [...input.accounts].sort((a, b) =>
    a.account < b.account ? -1 : a.account > b.account ? 1 : 0,
  );
  const seen = new Set<string>();
  const results = accounts.map((acc) => {
    if (seen.has(acc.account)) throw new RestitutionError(`account "${acc.account}" is listed twice`);
    seen.add(acc.account);
    const frozen = fen(acc.frozen, `frozen amount of ${acc.account}`);
    const traceable = acc.traceable !== false;
    const attributed = Object.keys(acc.held).length > 0 ? attributeFrozen(acc.held, frozen, input.roles) : {};
    const contributors = new Map<string, number>();
    if (acc.contributors)
      for (const [v, x] of Object.entries(acc.contributors))
        contributors.set(v, fen(x, `contribution of ${v}`));
    else
      for (const [o, x] of Object.entries(attributed))
        if (roleOf(o, input.roles) === 'victim') contributors.set(o, x);
    let pool = frozen; // untraceable: all of it goes by art8-3
    if (traceable) {
      pool = 0;
      for (const [o, x] of Object.entries(attributed)) if (roleOf(o, input.roles) === 'unknown') pool += x;
    }
    const result: Art8AccountResult = {
      account: acc.account,
      frozen,
      attributed,
      returns: [],
      publicNoticeDays: 0,
      remaining: frozen,
    };
    return { result, traceable, pool, contributors };
  });
  // Pass 1: direct returns, art8-1 / art8-2.
  for (const { result: r, traceable } of results) {
    if (!traceable) continue;
    const victims = Object.keys(r.attributed)
      .filter((o) => roleOf(o, input.roles) === 'victim')
      .sort();
    const basis: ReturnBasis = victims.length === 1 ? 'art8-1' : 'art8-2';
    for (const v of victims) {
      const amount = Math.min(r.attributed[v]!, remainingLoss.get(v) ?? 0);
      if (amount === 0) continue;
      r.returns.push({ victim: v, amount, basis });
      remainingLoss.set(v, remainingLoss.get(v)! - amount);
      r.remaining -= amount;
    }
  }
  // Pass 2: proportional returns, art8-3, with public notice.
  for (const { result: r, pool, contributors } of results) {
    if (pool === 0) continue;
    const weights = new Map<string, number>();
    for (const [v, traced] of contributors)
      weights.set(v, base === 'loss' ? fen(input.losses[v] ?? 0, `loss of ${v}`) : traced);
    const { shares } = allocateCapped(Math.min(pool, r.remaining), weights, remainingLoss);
    for (const [v, amount] of [...shares].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (amount === 0) continue;
      r.returns.push({ victim: v, amount, basis: 'art8-3' });
      remainingLoss.set(v, remainingLoss.get(v)! - amount);
      r.remaining -= amount;
      r.publicNoticeDays = 30;
    }
  }
  const totals: Record<string, number> = {};
  for (const { result: r } of results)
    for (const ret of r.returns) totals[ret.victim] = (totals[ret.victim] ?? 0) + ret.amount;
  return {
    format: 'levee.restitution/1',
    method: 'art8-2016',
    rule: input.rule,
    base,
    unfrozenCharge: 'non-claimants-first',
    accounts: results.map((r) => r.result),
    totals: Object.fromEntries(Object.entries(totals).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
  };
}
