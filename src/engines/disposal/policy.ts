/**
 * The written disposal policy: what Levee does on its own for each account of a case, and when it
 * waits for an analyst. Pure: it reads a snapshot (accounts, what the trace locates in them, what
 * is outstanding at the institutions, the time) and returns actions with the reason for each.
 *
 * Per account, in this order:
 * 1. an account that is excluded (an innocent merchant, the victim's own) or a sink gets nothing;
 * 2. an account that received victims' money and has not been asked for its transactions gets a
 *    detail query from the first victim money's arrival to now — that is how the next level is found;
 * 3. a standing dynamic query (动态查询) — the institution reports every movement of the account
 *    from then on — goes to an account holding the victims' money under a stop-payment or freeze
 *    (more of it arriving later is known at once and the hold topped up, rule 4) and to one whose
 *    stop-payment came back empty (where the money goes next is known without polling);
 * 4. where the victims' money located exceeds what the holds in place or on their way ask for, an
 *    emergency stop-payment for the difference — the first one for the whole amount, later ones
 *    topping up a hold when more of the victims' money is found there (the largest figure any
 *    tracing rule gives, so the choice of rule never lets money go). A stop-payment or a freeze asks
 *    for an amount and keeps taking money arriving later until it holds that much;
 * 5. a stop-payment that holds money becomes a freeze for the victims' money located there — at
 *    least what the stop-payment held at its answer, at most what it asked for — so the freeze
 *    carries the stopped money and keeps taking what arrives up to that amount; automatically
 *    while the account's frozen total stays within `autoFreezeMax`, above it only once an analyst
 *    confirms;
 * 6. holds about to lapse are renewed: a stop-payment at most twice, `renewStopHoursBefore` its
 *    end; a freeze extended `extendFreezeDaysBefore` its end — on time even when nothing else
 *    happens in the case (`nextTimedAction` says when the service must wake it);
 * 7. an account answered with no onward movement and nothing left is marked trail-ended.
 * A stop-payment that comes back holding nothing after the last detail answer, where the trace
 * still locates the victims' money, means the money moved in between: the account is asked for its
 * details again (that is where the money went)
 * instead of being stopped again, and an account is stopped at most `maxEmptyStops` times for
 * nothing (money held by someone else's earlier measure would otherwise loop forever). The empty
 * stop-payment stays in place and takes the victims' money if it comes back.
 * Levels beyond `maxLevel` are reported but not pursued (a runaway split is for an analyst).
 * While the case is `chasing` — a stop-payment or detail query of it made in the last
 * `chaseMinutes` still unanswered — freezes and dynamic queries wait: the money is under a
 * stop-payment already, and the requests that chase the money go out and come back first.
 *
 * The next level is pushed from the answer itself (`onwardAccounts`): when a detail answer or a
 * dynamic-query report shows money leaving an account after the victims' money reached it, each
 * receiving account gets its detail query, dynamic query and stop-payment at once, by the rules
 * above, on a provisional figure — what it received from this account since then, at most the
 * victims' money located in this account before the answer (no tracing rule can put more of the
 * victims' money there). The full re-trace under every rule follows and tops the holds up.
 */

export type AccountState =
  | 'new'
  | 'queried'
  | 'stop-paid'
  | 'frozen'
  | 'released'
  | 'cashed-out'
  | 'excluded'
  | 'trail-ended';

export type ActionKind =
  | 'detail-query'
  | 'dynamic-query'
  | 'stop-payment'
  | 'freeze'
  | 'freeze-needs-confirmation'
  | 'renew-stop-payment'
  | 'extend-freeze'
  | 'trail-ended';

export interface AccountSnapshot {
  readonly key: string;
  readonly institution: string;
  readonly account: string;
  readonly holder: string;
  readonly level: number;
  readonly state: AccountState;
  readonly sink: string | null;
  /** Victims' money located here now: the largest figure over the tracing rules, fen. */
  readonly located: number;
  /** When victims' money first reached the account (ms since epoch), or null if it never did. */
  readonly firstVictimMoneyAt: number | null;
  /** A detail query was sent (answered or not). */
  readonly detailQueried: boolean;
  /** The last detail answer showed no onward movement. */
  readonly detailAnsweredNoOutflow: boolean;
  /** Request types still on their way (queued, sent, acknowledged). */
  readonly pending: ReadonlySet<ActionKind>;
  /**
   * What the institution said it held, at its answer: `stopped` by the oldest stop-payment in place
   * not yet turned into a freeze (the one a freeze converts and a renewal renews; its end and
   * renewals follow), `frozen` by all freezes in place together.
   */
  readonly stopped: number;
  readonly frozen: number;
  readonly stopExpiresAt: number | null;
  readonly stopRenewalsUsed: number;
  readonly freezeExpiresAt: number | null;
  /** An analyst confirmed the freeze of this account. */
  readonly freezeConfirmed: boolean;
  /** The last stop-payment held nothing and no detail answer came after it. */
  readonly stopCameBackEmpty?: boolean;
  /** Stop-payments executed on this account that held nothing. */
  readonly emptyStops?: number;
  /**
   * What the holds in place and on their way ask for in total, fen (money arriving up to this is
   * held without a new request). Absent: `stopped + frozen`.
   */
  readonly holdTarget?: number;
  /** What the stop-payment not yet turned into a freeze asked for, fen. Absent: `stopped`. */
  readonly stopTarget?: number;
  /** A standing dynamic query on the account is in place or on its way. */
  readonly subscribed?: boolean;
}

export interface DisposalPolicy {
  readonly autoFreezeMax: number;
  readonly minPursue: number;
  readonly renewStopHoursBefore: number;
  readonly extendFreezeDaysBefore: number;
  readonly maxLevel: number;
  readonly maxStopRenewals: number;
  /** Stop-payments that held nothing before the account is no longer stopped automatically (3). */
  readonly maxEmptyStops?: number;
  /** How long a dynamic query stands, hours (72); absent from the policy: no dynamic queries. */
  readonly dynamicQueryHours?: number;
  /**
   * A case is chasing while a stop-payment or detail query of it made in the last this many
   * minutes is unanswered (5): freezes and dynamic queries wait meanwhile, at most that long.
   */
  readonly chaseMinutes?: number;
}

export const DEFAULT_POLICY: DisposalPolicy = {
  autoFreezeMax: 500_000_00,
  minPursue: 1_00,
  renewStopHoursBefore: 6,
  extendFreezeDaysBefore: 7,
  maxLevel: 8,
  maxStopRenewals: 2,
  dynamicQueryHours: 72,
  chaseMinutes: 5,
};

export interface DisposalAction {
  readonly kind: ActionKind;
  readonly key: string;
  readonly institution: string;
  readonly account: string;
  readonly holder: string;
  readonly amount?: number;
  readonly from?: number;
  readonly to?: number;
  readonly reason: string;
}

const HOUR = 3_600_000;
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function decideActions(
  accounts: readonly AccountSnapshot[],
  policy: DisposalPolicy,
  now: number,
  options: { readonly chasing?: boolean } = {},
): DisposalAction[] {
  const actions: DisposalAction[] = [];
  for (const a of accounts) {
    if (a.state === 'excluded' || a.sink !== null || a.state === 'cashed-out') continue;
    if (a.level > policy.maxLevel) continue;
    // Each action names its kind before `...base`: a literal that starts with a spread and then
    // adds keys is V8's slow path on Node 20 (~1.5 µs a key, per account and action).
    const base = { key: a.key, institution: a.institution, account: a.account, holder: a.holder };
    const reached = a.firstVictimMoneyAt !== null;

    // An empty stop-payment is news only while the trace still puts the victims' money there; when
    // the last answer already shows it gone, the stop-payment found what was known.
    const stopEmpty = a.stopCameBackEmpty === true && a.located >= policy.minPursue;
    if (reached && (!a.detailQueried || stopEmpty) && !a.pending.has('detail-query')) {
      actions.push({
        kind: 'detail-query',
        ...base,
        from: a.firstVictimMoneyAt! - HOUR,
        to: now,
        reason: stopEmpty
          ? `第${a.level}级账户止付未冻结到资金，资金已转出，重新查询交易明细`
          : `第${a.level}级账户自 ${new Date(a.firstVictimMoneyAt!).toISOString()} 起收到受害人资金，查询交易明细以追踪下一级`,
      });
    }

    const holding = a.stopped > 0 || a.frozen > 0;
    if (
      policy.dynamicQueryHours !== undefined &&
      !options.chasing &&
      reached &&
      !a.subscribed &&
      !a.pending.has('dynamic-query') &&
      (stopEmpty || (holding && a.located >= policy.minPursue))
    ) {
      actions.push({
        kind: 'dynamic-query',
        ...base,
        to: now + policy.dynamicQueryHours * HOUR,
        reason: stopEmpty
          ? `第${a.level}级账户止付未冻结到资金，动态查询其后续交易，资金一动即知去向`
          : `第${a.level}级账户已止付/冻结，其中受害人资金 ${yuan(a.located)}，动态查询其后续交易，再有资金转入即追加`,
      });
    }

    const holdOnItsWay = a.pending.has('stop-payment') || a.pending.has('freeze');
    const asked = a.holdTarget ?? a.stopped + a.frozen;
    const wanted = a.located - asked;
    if (
      wanted >= policy.minPursue &&
      !holdOnItsWay &&
      !stopEmpty &&
      (a.emptyStops ?? 0) < (policy.maxEmptyStops ?? 3) &&
      a.state !== 'released'
    ) {
      actions.push({
        kind: 'stop-payment',
        ...base,
        amount: wanted,
        reason:
          asked > 0
            ? `账户内定位受害人资金增至 ${yuan(a.located)}，已有止付/冻结 ${yuan(asked)}，追加紧急止付 ${yuan(wanted)}`
            : `账户内定位受害人资金 ${yuan(a.located)}，紧急止付`,
      });
    }

    if (a.stopped > 0 && !a.pending.has('freeze') && !options.chasing) {
      // The victims' money traced there, at least what the stop-payment held at its answer, at
      // most what it asked for (a stop-payment pushed on a provisional figure may ask for more).
      const target = a.stopTarget ?? a.stopped;
      const amount = Math.max(Math.min(target, Math.max(a.located, a.stopped)), a.stopped);
      const what =
        amount > a.stopped
          ? `已止付 ${yuan(a.stopped)}（止付金额 ${yuan(amount)}）`
          : `已止付 ${yuan(a.stopped)}`;
      if (a.frozen + amount <= policy.autoFreezeMax || a.freezeConfirmed) {
        actions.push({
          kind: 'freeze',
          ...base,
          amount,
          reason: `${what}，依策略转为冻结${a.frozen > 0 ? `（追加，已冻结 ${yuan(a.frozen)}）` : ''}${a.freezeConfirmed ? '（研判员已确认）' : ''}`,
        });
      } else if (!a.pending.has('freeze-needs-confirmation')) {
        actions.push({
          kind: 'freeze-needs-confirmation',
          ...base,
          amount,
          reason: `冻结金额 ${yuan(a.frozen + amount)} 超过自动冻结上限 ${yuan(policy.autoFreezeMax)}，需研判员确认`,
        });
      }
    }

    // a freeze on its way takes the stop-payment's money over: no renewal meanwhile
    const renewFrom = stopRenewalFrom(a, policy);
    if (renewFrom !== null && now >= renewFrom && !a.pending.has('freeze')) {
      actions.push({
        kind: 'renew-stop-payment',
        ...base,
        reason: `止付将于 ${new Date(a.stopExpiresAt!).toISOString()} 到期，续止付（第${a.stopRenewalsUsed + 1}次）`,
      });
    }

    const extendFrom = freezeExtensionFrom(a, policy);
    if (extendFrom !== null && now >= extendFrom) {
      actions.push({
        kind: 'extend-freeze',
        ...base,
        reason: `冻结将于 ${new Date(a.freezeExpiresAt!).toISOString()} 到期，续冻`,
      });
    }

    if (a.detailAnsweredNoOutflow && a.located === 0 && !holding && a.state !== 'trail-ended') {
      actions.push({ kind: 'trail-ended', ...base, reason: '明细显示无后续转出且无余额，线索终止' });
    }
  }
  return actions;
}

/**
 * When the policy will next have something to do because time passed rather than because an
 * answer came: the earliest instant after `now` at which a hold in place enters its renewal window
 * (a stop-payment with renewals left, `renewStopHoursBefore` its end; a freeze,
 * `extendFreezeDaysBefore` its end). Null when no hold will need renewing. A case with no events
 * for two days must still renew its stop-payments, so the service wakes the case at this instant.
 * Holds already in their window are left out: the run that saw them acted, or waits on a request
 * whose answer will wake the case anyway.
 */
export function nextTimedAction(
  accounts: readonly AccountSnapshot[],
  policy: DisposalPolicy,
  now: number,
): number | null {
  let next = Number.POSITIVE_INFINITY;
  const consider = (at: number) => {
    if (at > now && at < next) next = at;
  };
  for (const a of accounts) {
    const renewFrom = stopRenewalFrom(a, policy);
    if (renewFrom !== null) consider(renewFrom);
    const extendFrom = freezeExtensionFrom(a, policy);
    if (extendFrom !== null) consider(extendFrom);
  }
  return Number.isFinite(next) ? next : null;
}

/** When the account's stop-payment enters its renewal window; null if it has none to enter (no stop-payment, no renewal left, one on its way). */
function stopRenewalFrom(a: AccountSnapshot, policy: DisposalPolicy): number | null {
  if (
    a.stopped <= 0 ||
    a.stopExpiresAt === null ||
    a.stopRenewalsUsed >= policy.maxStopRenewals ||
    a.pending.has('renew-stop-payment')
  )
    return null;
  return a.stopExpiresAt - policy.renewStopHoursBefore * HOUR;
}

/** When the account's freezes enter their extension window; null if none is to be extended. */
function freezeExtensionFrom(a: AccountSnapshot, policy: DisposalPolicy): number | null {
  if (a.frozen <= 0 || a.freezeExpiresAt === null || a.pending.has('extend-freeze')) return null;
  return a.freezeExpiresAt - policy.extendFreezeDaysBefore * 24 * HOUR;
}

export interface Outflow {
  readonly key: string;
  readonly institution: string;
  readonly account: string;
  readonly holder: string;
  readonly amount: number;
  /** ms since epoch */
  readonly at: number;
}

/**
 * The accounts a detail answer shows money going to after the victims' money reached the source,
 * with the provisional figure the policy stops them for: the sum of what each received from the
 * source since then, at most `sourceLocated` (the victims' money located in the source before the
 * answer, the largest figure over the rules). `firstVictimMoneyAt` is the first such transfer.
 */
export function onwardAccounts(
  source: { readonly firstVictimMoneyAt: number | null; readonly located: number },
  outflows: readonly Outflow[],
): {
  key: string;
  institution: string;
  account: string;
  holder: string;
  located: number;
  firstVictimMoneyAt: number;
}[] {
  if (source.firstVictimMoneyAt === null || source.located <= 0) return [];
  const byKey = new Map<
    string,
    {
      key: string;
      institution: string;
      account: string;
      holder: string;
      located: number;
      firstVictimMoneyAt: number;
    }
  >();
  for (const o of outflows) {
    if (o.at < source.firstVictimMoneyAt || o.amount <= 0) continue;
    const seen = byKey.get(o.key);
    if (seen) {
      seen.located += o.amount;
      seen.firstVictimMoneyAt = Math.min(seen.firstVictimMoneyAt, o.at);
    } else
      byKey.set(o.key, {
        key: o.key,
        institution: o.institution,
        account: o.account,
        holder: o.holder,
        located: o.amount,
        firstVictimMoneyAt: o.at,
      });
  }
  return [...byKey.values()].map((a) => ({ ...a, located: Math.min(a.located, source.located) }));
}
