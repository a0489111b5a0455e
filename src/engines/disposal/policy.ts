/**
 * The written disposal policy: what Levee does on its own for each account of a case, and when it
 * waits for an analyst. Pure: it reads a snapshot (accounts, what the trace locates in them, what
 * is outstanding at the institutions, the time) and returns actions with the reason for each.
 *
 * Per account, in this order:
 * 1. an account that is excluded (an innocent merchant, the victim's own) or a sink gets nothing;
 * 2. an account that received victims' money and has not been asked for its transactions gets a
 *    detail query from the first victim money's arrival to now — that is how the next level is found;
 * 3. an account where victims' money is located and no hold is in place or on its way gets an
 *    emergency stop-payment for that amount (the largest figure any tracing rule gives, so the
 *    choice of rule never lets money go);
 * 4. a stopped account becomes a freeze for the amount actually stopped — automatically up to
 *    `autoFreezeMax`, above it only once an analyst confirms;
 * 5. holds about to lapse are renewed: a stop-payment at most twice, `renewStopHoursBefore` its
 *    end; a freeze extended `extendFreezeDaysBefore` its end;
 * 6. an account answered with no onward movement and nothing left is marked trail-ended.
 * A stop-payment that comes back holding nothing after the last detail answer means the money
 * moved in between: the account is asked for its details again (that is where the money went)
 * instead of being stopped again, and an account is stopped at most `maxEmptyStops` times for
 * nothing (money held by someone else's earlier measure would otherwise loop forever).
 * Levels beyond `maxLevel` are reported but not pursued (a runaway split is for an analyst).
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
  /** Amount actually held by the institution now, by kind. */
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
}

export const DEFAULT_POLICY: DisposalPolicy = {
  autoFreezeMax: 500_000_00,
  minPursue: 1_00,
  renewStopHoursBefore: 6,
  extendFreezeDaysBefore: 7,
  maxLevel: 8,
  maxStopRenewals: 2,
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
): DisposalAction[] {
  const actions: DisposalAction[] = [];
  for (const a of accounts) {
    if (a.state === 'excluded' || a.sink !== null || a.state === 'cashed-out') continue;
    if (a.level > policy.maxLevel) continue;
    const base = { key: a.key, institution: a.institution, account: a.account, holder: a.holder };
    const reached = a.firstVictimMoneyAt !== null;

    const stopEmpty = a.stopCameBackEmpty === true;
    if (reached && (!a.detailQueried || stopEmpty) && !a.pending.has('detail-query')) {
      actions.push({
        ...base,
        kind: 'detail-query',
        from: a.firstVictimMoneyAt! - HOUR,
        to: now,
        reason: stopEmpty
          ? `第${a.level}级账户止付未冻结到资金，资金已转出，重新查询交易明细`
          : `第${a.level}级账户自 ${new Date(a.firstVictimMoneyAt!).toISOString()} 起收到受害人资金，查询交易明细以追踪下一级`,
      });
    }

    const holding = a.stopped > 0 || a.frozen > 0;
    const holdOnItsWay = a.pending.has('stop-payment') || a.pending.has('freeze');
    if (
      a.located >= policy.minPursue &&
      !holding &&
      !holdOnItsWay &&
      !stopEmpty &&
      (a.emptyStops ?? 0) < (policy.maxEmptyStops ?? 3) &&
      a.state !== 'frozen' &&
      a.state !== 'released'
    ) {
      actions.push({
        ...base,
        kind: 'stop-payment',
        amount: a.located,
        reason: `账户内定位受害人资金 ${yuan(a.located)}，紧急止付`,
      });
    }

    if (a.stopped > 0 && a.frozen === 0 && !a.pending.has('freeze')) {
      if (a.stopped <= policy.autoFreezeMax || a.freezeConfirmed) {
        actions.push({
          ...base,
          kind: 'freeze',
          amount: a.stopped,
          reason: `已止付 ${yuan(a.stopped)}，依策略转为冻结${a.freezeConfirmed ? '（研判员已确认）' : ''}`,
        });
      } else if (!a.pending.has('freeze-needs-confirmation')) {
        actions.push({
          ...base,
          kind: 'freeze-needs-confirmation',
          amount: a.stopped,
          reason: `止付金额 ${yuan(a.stopped)} 超过自动冻结上限 ${yuan(policy.autoFreezeMax)}，需研判员确认`,
        });
      }
    }

    if (
      a.stopped > 0 &&
      a.frozen === 0 &&
      a.stopExpiresAt !== null &&
      !a.pending.has('renew-stop-payment') &&
      !a.pending.has('freeze')
    ) {
      if (
        a.stopExpiresAt - now <= policy.renewStopHoursBefore * HOUR &&
        a.stopRenewalsUsed < policy.maxStopRenewals
      ) {
        actions.push({
          ...base,
          kind: 'renew-stop-payment',
          reason: `止付将于 ${new Date(a.stopExpiresAt).toISOString()} 到期，续止付（第${a.stopRenewalsUsed + 1}次）`,
        });
      }
    }

    if (
      a.frozen > 0 &&
      a.freezeExpiresAt !== null &&
      !a.pending.has('extend-freeze') &&
      a.freezeExpiresAt - now <= policy.extendFreezeDaysBefore * 24 * HOUR
    ) {
      actions.push({
        ...base,
        kind: 'extend-freeze',
        reason: `冻结将于 ${new Date(a.freezeExpiresAt).toISOString()} 到期，续冻`,
      });
    }

    if (a.detailAnsweredNoOutflow && a.located === 0 && !holding && a.state !== 'trail-ended') {
      actions.push({ ...base, kind: 'trail-ended', reason: '明细显示无后续转出且无余额，线索终止' });
    }
  }
  return actions;
}
