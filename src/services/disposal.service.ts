/**
 * Automatic disposal (自动处置): from a saved report to frozen accounts with no human step.
 *
 * After every change to a case — intake, an institution's answer, an analyst's decision — the
 * case is re-examined: the ledger is traced under all four rules, the requests already made are
 * read back from the outbox, and the written policy (engines/disposal/policy.ts) says what to send
 * next. Each request goes into the outbox in the same transaction as the timeline entry that says
 * why it was sent. Detail answers feed the case ledger, which is how the next level appears.
 * Runs for one case never overlap; a change during a run triggers one more run.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { type DetailMovement, sinkAccount, sinkOf } from '../engines/disposal/detail-answer.js';
import {
  type AccountSnapshot,
  type ActionKind,
  DEFAULT_POLICY,
  type DisposalAction,
  type DisposalPolicy,
  decideActions,
  nextTimedAction,
  onwardAccounts,
} from '../engines/disposal/policy.js';
import { compileLedger } from '../engines/tracing/index.js';
import { poisonReach } from '../engines/tracing/poison.js';
import type { FeedbackEvent, GatewayService, RequestDraft } from '../gateway/gateway.service.js';
import type {
  Feedback,
  SubscriptionReport,
  TransactionQueryResult,
} from '../institution-protocol/schemas.js';
import type { Db } from '../repositories/audit.repository.js';
import { findCase, insertEvent } from '../repositories/case.repository.js';
import type { Database, GatewayRequestRow } from '../storage/schema.js';
import { type Actor, requirePermission, requireScope } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import { type CaseAnalysisService, victimMoneyByAccount } from './case-analysis.service.js';
import type { CaseEvents } from './case-events.js';
import { accountKey, addLedgerTransfers, type LedgerTransferInput } from './case-ledger.js';
import type { CaseService } from './case.service.js';

const PENDING = new Set(['queued', 'sent', 'acknowledged']);
const KIND_OF_TYPE: Record<string, ActionKind> = {
  'transaction-query': 'detail-query',
  'stop-payment': 'stop-payment',
  freeze: 'freeze',
  'stop-payment-renewal': 'renew-stop-payment',
  'freeze-extension': 'extend-freeze',
  subscription: 'dynamic-query',
};
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
/** The shortest wall time between the end of one examination of a case and the start of the next. */
const MIN_RUN_GAP_MS = 400;
/** When freezes or dynamic queries wait for a chase, the case is looked at again after this long (wall). */
const RECHECK_MS = 2_000;

/**
 * An optional hold on the policy's actions (off by default): the earliest clock time an action may
 * go out, or undefined for now. The interception benchmark uses it to model a manual process
 * (analyst work per level); whoever sets it calls `schedule(caseId)` again when the time comes.
 */
export interface DisposalGate {
  notBefore(caseId: number, action: DisposalAction, account: AccountSnapshot | undefined): number | undefined;
}

/** The policy's view of an account Levee has not asked anything of yet: no requests, holds or answers. */
function untouched(row: { state: string; sink: string | null; freeze_confirmed: number }) {
  return {
    state: row.state as AccountSnapshot['state'],
    sink: row.sink,
    detailQueried: false,
    detailAnsweredNoOutflow: false,
    pending: new Set<ActionKind>(),
    stopped: 0,
    frozen: 0,
    stopExpiresAt: null,
    stopRenewalsUsed: 0,
    freezeExpiresAt: null,
    freezeConfirmed: row.freeze_confirmed === 1,
    holdTarget: 0,
    stopTarget: 0,
    subscribed: false,
  } satisfies Partial<AccountSnapshot>;
}

export class DisposalService {
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  /** Cases whose next run is waiting for its turn (`MIN_RUN_GAP_MS`). */
  private readonly waiting = new Set<number>();
  /** When each case's last run ended, performance.now(). */
  private readonly lastRunEnd = new Map<number, number>();
  private readonly settled = new Set<() => void>();
  /** Per case: when a hold of it enters its renewal window (clock ms), from its last run. */
  private readonly timedDue = new Map<number, number>();
  private gate: DisposalGate | undefined;
  /** Per case: its linked cases and each account's victims' money, from the last snapshot. */
  private readonly lastView = new Map<
    number,
    {
      caseIds: number[];
      accounts: Map<string, { located: number; firstVictimMoneyAt: number | null }>;
      /** A recent stop-payment or detail query of the case is still unanswered. */
      chasing: boolean;
    }
  >();
  /** Per case, per account: the hold a freeze converts or a renewal renews, from the last snapshot. */
  private readonly holdIds = new Map<
    number,
    Map<string, { stop?: string | undefined; freeze?: string | undefined }>
  >();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly gateway: GatewayService,
    private readonly analysis: CaseAnalysisService,
    private readonly audit: AuditService,
    private readonly events: CaseEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private policy: DisposalPolicy = DEFAULT_POLICY,
  ) {}

  /** Replace the written policy's parameters (tests and benchmarks compare variants). */
  setPolicy(policy: DisposalPolicy): void {
    this.policy = policy;
  }

  /** Hold actions back until the gate allows them (benchmarks); undefined removes the gate. */
  setGate(gate: DisposalGate | undefined): void {
    this.gate = gate;
  }

  /** Subscribe to the events that move a case on. */
  attach(cases: CaseService): void {
    cases.onCaseSaved(async (caseId) => {
      try {
        await this.pushIntake(caseId);
      } catch (error) {
        this.logger.error({ err: error, caseId }, 'disposal intake push failed');
      }
      this.schedule(caseId);
    });
    this.gateway.onFeedback((event) => this.onFeedback(event));
  }

  /**
   * Re-examine a case soon; coalesces bursts of events into one run at a time per case. A case is
   * examined again at most every `MIN_RUN_GAP_MS` (wall time): the re-trace under every rule is the
   * expensive part, and during a chase answers arrive by the dozen; the chase itself does not wait
   * for it (the next level is pushed from each answer, `pushOnward`). A case's first run is at once.
   */
  schedule(caseId: number): void {
    if (this.waiting.has(caseId)) return; // the run about to start reads this change too
    if (this.running.has(caseId)) {
      this.again.add(caseId);
      return;
    }
    const delay = Math.max(0, (this.lastRunEnd.get(caseId) ?? 0) + MIN_RUN_GAP_MS - performance.now());
    this.waiting.add(caseId);
    const run = (delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve())
      .then(() => {
        this.waiting.delete(caseId);
        return this.run(caseId);
      })
      .then(() => undefined)
      .catch((error) => this.logger.error({ err: error, caseId }, 'disposal run failed'))
      .finally(() => {
        this.waiting.delete(caseId);
        this.lastRunEnd.set(caseId, performance.now());
        this.running.delete(caseId);
        if (this.again.delete(caseId)) this.schedule(caseId);
        else if (this.running.size === 0) for (const resolve of this.settled) resolve();
      });
    this.running.set(caseId, run);
  }

  private readonly rechecks = new Map<number, NodeJS.Timeout>();

  /** Examine a case again after `ms` wall milliseconds (once per case at a time). */
  private recheck(caseId: number, ms: number): void {
    if (this.rechecks.has(caseId)) return;
    const timer = setTimeout(() => {
      this.rechecks.delete(caseId);
      this.schedule(caseId);
    }, ms);
    timer.unref();
    this.rechecks.set(caseId, timer);
  }

  /**
   * Examine the cases whose holds have reached their renewal window (`nextTimedAction`): without
   * this, a case nobody and nothing touched for two days would let its stop-payments lapse.
   * Returns how many cases it woke.
   */
  wakeTimedCases(): number {
    const now = this.clock.now().getTime();
    let woken = 0;
    for (const [caseId, at] of this.timedDue)
      if (at <= now) {
        this.timedDue.delete(caseId);
        this.schedule(caseId);
        woken++;
      }
    return woken;
  }

  /**
   * Keep holds alive while the process runs: examine every case under automation once (what a
   * restart forgot, and each case's next renewal time), then wake cases as their renewal windows
   * open, checking every `everyMs` of wall time. Returns a function that stops it.
   */
  async watchDeadlines(everyMs = 60_000): Promise<() => void> {
    const open = await this.db
      .selectFrom('fraud_case')
      .select('id')
      .where('automation', '=', 'running')
      .where('status', '=', 'open')
      .orderBy('id')
      .execute();
    for (const { id } of open) this.schedule(id);
    const timer = setInterval(() => this.wakeTimedCases(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Resolves when no case is being examined (tests and the benchmark wait on it). */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.settled.delete(done);
        resolve();
      };
      this.settled.add(done);
    });
  }

  /** One examination of a case: trace, compare with what is under way, send what the policy says. */
  async run(caseId: number): Promise<DisposalAction[]> {
    const found = await this.db
      .selectFrom('fraud_case')
      .select(['id', 'automation', 'status'])
      .where('id', '=', caseId)
      .executeTakeFirst();
    if (found?.automation !== 'running' || found.status !== 'open') {
      this.lastView.delete(caseId);
      this.holdIds.delete(caseId);
      this.timedDue.delete(caseId);
      return [];
    }
    const snapshots = await this.snapshots(caseId);
    const now = this.clock.now().getTime();
    const due = nextTimedAction(snapshots, this.policy, now);
    if (due === null) this.timedDue.delete(caseId);
    else this.timedDue.set(caseId, due);
    const chasing = this.lastView.get(caseId)?.chasing ?? false;
    let actions = decideActions(snapshots, this.policy, now, { chasing });
    // What waits while the case is chasing goes out when the chase's answers come (each one
    // re-examines the case); looked at again after a while too, should none come.
    if (chasing && decideActions(snapshots, this.policy, now).length > actions.length)
      this.recheck(caseId, RECHECK_MS);
    const gate = this.gate;
    if (gate) {
      const byKey = new Map(snapshots.map((s) => [s.key, s]));
      actions = actions.filter((a) => (gate.notBefore(caseId, a, byKey.get(a.key)) ?? now) <= now);
    }
    if (actions.length === 0) return actions;
    const enqueued = await this.db.transaction().execute((trx) => this.write(trx, caseId, actions));
    this.gateway.kick(enqueued);
    this.events.publish(caseId, 'timeline', 'requests', 'graph');
    return actions;
  }

  /**
   * Write the policy's actions for a case in `trx`: each request with its timeline entry saying
   * why. Stop-payments and freezes go first (the dispatcher sends in that order). Returns the
   * outbox ids to kick after the commit.
   */
  private async write(trx: Db, caseId: number, actions: readonly DisposalAction[]): Promise<number[]> {
    const at = this.clock.now().toISOString();
    const enqueued: number[] = [];
    const caseUnit = (
      await trx.selectFrom('fraud_case').select('unit_id').where('id', '=', caseId).executeTakeFirst()
    )?.unit_id;
    const urgent = (a: DisposalAction) => (a.kind === 'stop-payment' || a.kind === 'freeze' ? 0 : 1);
    const ordered = [...actions].sort((x, y) => urgent(x) - urgent(y));
    for (const action of ordered) {
      if (action.kind === 'trail-ended') {
        await this.setAccountState(trx, caseId, action, 'trail-ended');
        await insertEvent(trx, {
          case_id: caseId,
          at,
          kind: 'account.trail-ended',
          actor: 'automation',
          summary: `${action.institution} ${action.account}：${action.reason}`,
          detail: JSON.stringify({ key: action.key }),
        });
        continue;
      }
      if (action.kind === 'freeze-needs-confirmation') {
        await insertEvent(trx, {
          case_id: caseId,
          at,
          kind: 'decision.confirm-freeze',
          actor: 'automation',
          summary: `${action.institution} ${action.account}：${action.reason}`,
          detail: JSON.stringify({ key: action.key, amount: action.amount }),
        });
        continue;
      }
      const draft = this.draftFor(caseId, action);
      if (!draft) continue;
      try {
        const result = await this.gateway.enqueue(trx, {
          caseId,
          institution: action.institution,
          draft,
          reason: action.reason,
          createdBy: 'automation',
          renews: 'holdRequestId' in draft ? draft.holdRequestId : undefined,
        });
        enqueued.push(result.id);
        // A stop-payment or a freeze of someone's account is an act of the centre even when the
        // automation decides it: audited like a person's, with the policy's reason.
        await this.audit.record(trx, {
          userId: null,
          username: 'automation',
          unitId: caseUnit ?? null,
          action: `disposal.${draft.type}`,
          targetType: 'gateway_request',
          targetId: result.requestId,
          ip: 'local',
          reason: action.reason,
          detail: {
            caseId,
            institution: action.institution,
            account: action.account,
            amount: action.amount ?? null,
            policy: action.kind,
          },
        });
        await insertEvent(trx, {
          case_id: caseId,
          at,
          kind: `request.${draft.type}`,
          actor: 'automation',
          summary: `${labelOf(draft.type)} → ${action.institution} ${action.account}${action.amount ? ` ${yuan(action.amount)}` : ''}：${action.reason}`,
          detail: JSON.stringify({ requestId: result.requestId, key: action.key }),
        });
      } catch (error) {
        // A request the gateway will not take (no endpoint for that institution, malformed number):
        // say so on the timeline for an analyst instead of retrying forever.
        if (!(error instanceof LeveeError)) throw error;
        await this.setAccountState(
          trx,
          caseId,
          action,
          'trail-ended',
          `cannot send ${draft.type}: ${error.message}`,
        );
        await insertEvent(trx, {
          case_id: caseId,
          at,
          kind: 'request.refused-locally',
          actor: 'automation',
          summary: `无法向 ${action.institution} 发送 ${labelOf(draft.type)}：${error.message}`,
          detail: JSON.stringify({ key: action.key }),
        });
      }
    }
    return enqueued;
  }

  /** The policy's view of every account of a case, from the ledger and the outbox. */
  async snapshots(caseId: number): Promise<AccountSnapshot[]> {
    const snapshot = await this.analysis.snapshot(caseId);
    if (snapshot.ledger.transfers.length === 0) return [];
    const compiled = compileLedger(snapshot.ledger);
    const docs = this.analysis.traceAll(snapshot);
    const located = new Map<string, number>();
    for (const doc of Object.values(docs)) {
      for (const [key, amount] of victimMoneyByAccount(snapshot.ledger, doc))
        located.set(key, Math.max(located.get(key) ?? 0, amount));
    }
    // Pro rata spreads every victim's money over every onward transfer: the widest reach.
    const firstReached = new Map(
      poisonReach(compiled, 'prorata').accounts.map((a) => [a.account, Date.parse(a.first.time)]),
    );
    const requests = await this.db
      .selectFrom('gateway_request')
      .selectAll()
      .where('case_id', 'in', snapshot.caseIds)
      .orderBy('id')
      .execute();
    const byAccount = new Map<string, GatewayRequestRow[]>();
    for (const r of requests) {
      if (!r.account) continue;
      const key = accountKey(r.institution_code, r.account);
      byAccount.set(key, [...(byAccount.get(key) ?? []), r]);
    }
    // Renewals name the hold they renew, not the account: attach them to the hold's account.
    const holdAccount = new Map(
      requests
        .filter((r) => r.account)
        .map((r) => [r.request_id, accountKey(r.institution_code, r.account!)]),
    );
    for (const r of requests) {
      if (r.account || !r.renews_request_id) continue;
      const key = holdAccount.get(r.renews_request_id);
      if (key) byAccount.set(key, [...(byAccount.get(key) ?? []), r]);
    }
    const awaiting = await this.awaitingConfirmation(snapshot.caseIds);
    const now = this.clock.now().getTime();
    const out: AccountSnapshot[] = [];
    const seen = new Set<string>();
    this.holdIds.set(caseId, new Map());
    const view = new Map<string, { located: number; firstVictimMoneyAt: number | null }>();
    const chaseSince = now - (this.policy.chaseMinutes ?? 0) * 60_000;
    const chasing = requests.some(
      (r) =>
        PENDING.has(r.state) &&
        (r.type === 'stop-payment' || r.type === 'transaction-query') &&
        Date.parse(r.created_at) > chaseSince,
    );
    this.lastView.set(caseId, { caseIds: snapshot.caseIds, accounts: view, chasing });
    for (const a of snapshot.accounts) {
      const key = accountKey(a.institution_code, a.account);
      if (seen.has(key)) continue;
      seen.add(key);
      const rs = byAccount.get(key) ?? [];
      const pending = new Set<ActionKind>();
      for (const r of rs)
        if (PENDING.has(r.state) && KIND_OF_TYPE[r.type]) pending.add(KIND_OF_TYPE[r.type]!);
      if (a.state !== 'frozen' && a.freeze_confirmed === 0 && awaiting.has(key))
        pending.add('freeze-needs-confirmation');
      const queries = rs.filter(
        (r) => r.type === 'transaction-query' && r.state !== 'failed' && r.state !== 'dead',
      );
      const lastAnswer = [...queries].reverse().find((r) => r.state === 'executed' && r.feedback);
      const answeredNoOutflow = lastAnswer
        ? !(
            (JSON.parse(lastAnswer.feedback!) as Feedback).body as TransactionQueryResult | undefined
          )?.transfers.some((m) => m.direction === 'out')
        : false;
      // A stop-payment that held nothing after the last detail answer: the money moved in between.
      const emptyStops = rs.filter(
        (r) => r.type === 'stop-payment' && r.state === 'executed' && Number(r.held_amount ?? 0) === 0,
      );
      const lastEmpty = emptyStops.at(-1);
      const stopCameBackEmpty =
        lastEmpty !== undefined &&
        (!lastAnswer || Date.parse(lastAnswer.executed_at ?? '') < Date.parse(lastEmpty.executed_at ?? ''));
      const holds = liveHolds(rs, now);
      // The stop-payment a freeze converts and a renewal renews: the oldest one still in place.
      const stop = holds.stops[0];
      const freeze = [...holds.freezes].sort((x, y) => x.expiresAt - y.expiresAt)[0];
      this.holdIds.get(caseId)!.set(key, { stop: stop?.requestId, freeze: freeze?.requestId });
      const subscribed = rs.some(
        (r) =>
          r.type === 'subscription' &&
          r.state === 'executed' &&
          r.result !== 'rejected' &&
          subscriptionUntil(r) > now,
      );
      view.set(key, { located: located.get(key) ?? 0, firstVictimMoneyAt: firstReached.get(key) ?? null });
      out.push({
        key,
        institution: a.institution_code,
        account: a.account,
        holder: a.holder_name,
        level: a.level,
        state: a.state as AccountSnapshot['state'],
        sink: a.sink,
        located: located.get(key) ?? 0,
        firstVictimMoneyAt: firstReached.get(key) ?? null,
        detailQueried: queries.length > 0,
        detailAnsweredNoOutflow: answeredNoOutflow,
        pending,
        stopped: stop?.held ?? 0,
        frozen: holds.freezes.reduce((sum, f) => sum + f.held, 0),
        stopExpiresAt: stop?.expiresAt ?? null,
        stopRenewalsUsed: stop?.renewals ?? 0,
        freezeExpiresAt: freeze?.expiresAt ?? null,
        freezeConfirmed: a.freeze_confirmed === 1,
        stopCameBackEmpty,
        emptyStops: emptyStops.length,
        holdTarget: holds.target,
        stopTarget: stop?.target ?? 0,
        subscribed,
      });
    }
    return out;
  }

  /** An institution answered: record what it says in the case, then look at the case again. */
  async onFeedback({ request, feedback }: FeedbackEvent): Promise<void> {
    if (request.case_id === null) return;
    const caseId = request.case_id;
    const at = this.clock.now().toISOString();
    const where = `${request.institution_code} ${request.account ?? ''}`.trim();
    const pushed: number[] = [];
    await this.db.transaction().execute(async (trx) => {
      const account = request.account
        ? await trx
            .selectFrom('case_account')
            .selectAll()
            .where('case_id', '=', caseId)
            .where('institution_code', '=', request.institution_code)
            .where('account', '=', request.account)
            .executeTakeFirst()
        : undefined;
      // Every answer leaves one timeline entry by its institution, naming the request.
      const answerEvent = (kind: string, summary: string) =>
        insertEvent(trx, {
          case_id: caseId,
          at,
          kind,
          actor: request.institution_code,
          summary,
          detail: JSON.stringify({ requestId: request.request_id }),
        });
      // A detail answer and a standing query's report both bring movements: new case-ledger
      // transfers (the next level appears), the balance, and the next level pushed at once.
      const movements = async (
        found: NonNullable<typeof account>,
        detail: TransactionQueryResult,
        options: { opening: boolean; state: string; summary: (added: number) => string; kind: string },
      ) => {
        const added = await this.recordDetail(
          trx,
          caseId,
          request.institution_code,
          found.account,
          found.holder_name,
          found.level,
          detail,
          request.request_id,
          at,
          options.opening,
        );
        await trx
          .updateTable('case_account')
          .set({ balance: detail.balance, state: options.state, updated_at: at })
          .where('id', '=', found.id)
          .execute();
        await answerEvent(options.kind, options.summary(added));
        pushed.push(...(await this.pushOnward(trx, caseId, found, detail.transfers as DetailMovement[])));
      };
      if (feedback.result === 'rejected') {
        await answerEvent(
          `answer.${feedback.type}.rejected`,
          `${labelOf(feedback.type)}被拒绝（${where}）：${feedback.rejection?.code ?? ''} ${feedback.rejection?.message ?? ''}`,
        );
        if (account && feedback.rejection?.code === 'ACCOUNT_NOT_FOUND')
          await trx
            .updateTable('case_account')
            .set({ state: 'trail-ended', note: 'account not found at the institution', updated_at: at })
            .where('id', '=', account.id)
            .execute();
        return;
      }
      switch (feedback.type) {
        case 'transaction-query': {
          const body = feedback.body as TransactionQueryResult | undefined;
          if (!body || !account) break;
          await movements(account, body, {
            opening: true,
            state: account.state === 'new' ? 'queried' : account.state,
            kind: 'answer.transaction-query',
            summary: (added) =>
              `明细反馈（${where}）：${body.transfers.length} 笔交易，新增 ${added} 笔，余额 ${yuan(body.balance)}`,
          });
          break;
        }
        case 'subscription-report': {
          const body = feedback.body as SubscriptionReport | undefined;
          if (!body || !account) break;
          // A detail answer made of the report: its movements and balance, the holder, now.
          await movements(
            account,
            {
              accountNumber: body.accountNumber,
              name: account.holder_name,
              from: at,
              to: at,
              transfers: body.transfers,
              balance: body.balance,
            },
            {
              opening: false,
              state: account.state,
              kind: 'answer.subscription-report',
              summary: (added) =>
                `动态报告第${body.reportNumber}次（${where}）：${body.transfers.length} 笔交易，新增 ${added} 笔，余额 ${yuan(body.balance)}，可用 ${yuan(body.availableBalance)}`,
            },
          );
          break;
        }
        case 'stop-payment':
        case 'stop-payment-renewal':
        case 'freeze':
        case 'freeze-extension': {
          const body = feedback.body as
            | { heldAmount: number; balance: number; expiresAt: string; priorHolds?: unknown[] }
            | undefined;
          const frozen = feedback.type.startsWith('freeze');
          const target = account ?? (await this.accountOfHold(trx, caseId, request.renews_request_id));
          if (target && body) {
            // What the account's holds of this case held at their answers, this one included (a
            // top-up adds to a hold in place; a freeze takes over the stop-payment it converts).
            const rows = await trx
              .selectFrom('gateway_request')
              .selectAll()
              .where('case_id', '=', caseId)
              .where('institution_code', '=', target.institution_code)
              .where('account', '=', target.account)
              .execute();
            const holds = liveHolds(rows, this.clock.now().getTime());
            const total = [...holds.stops, ...holds.freezes].reduce((sum, h) => sum + h.held, 0);
            await trx
              .updateTable('case_account')
              .set({
                state: frozen ? 'frozen' : target.state === 'frozen' ? 'frozen' : 'stop-paid',
                frozen_amount: Math.max(total, body.heldAmount),
                balance: body.balance,
                updated_at: at,
              })
              .where('id', '=', target.id)
              .execute();
          }
          const prior = body?.priorHolds?.length ? `，另有 ${body.priorHolds.length} 项他方在先措施` : '';
          await answerEvent(
            `answer.${feedback.type}`,
            `${labelOf(feedback.type)}${feedback.result === 'partially-executed' ? '部分' : ''}执行（${where}）：${body ? `${frozen ? '冻结' : '止付'} ${yuan(body.heldAmount)}，余额 ${yuan(body.balance)}，至 ${body.expiresAt}` : ''}${prior}`,
          );
          break;
        }
        default:
          await answerEvent(`answer.${feedback.type}`, `${labelOf(feedback.type)}反馈（${where}）`);
      }
    });
    this.gateway.kick(pushed);
    this.events.publish(caseId, 'timeline', 'requests', 'graph');
    this.schedule(caseId);
  }

  /**
   * The next level, straight from an answer: the accounts this one sent money to after the
   * victims' money reached it get what the policy gives a new account holding the provisional
   * figure (`onwardAccounts`), in the answer's own transaction — without waiting for the re-trace
   * of the whole case, which follows and corrects the amounts. Accounts any request of the case
   * (or a linked case) already concerns are left to that re-trace.
   */
  private async pushOnward(
    trx: Db,
    caseId: number,
    source: { institution_code: string; account: string; level: number },
    movements: readonly DetailMovement[],
  ): Promise<number[]> {
    const last = this.lastView.get(caseId);
    const view = last?.accounts.get(accountKey(source.institution_code, source.account));
    if (!last || !view) return [];
    const outflows = movements
      .filter((m) => m.direction === 'out' && sinkOf(m) === null && m.counterparty.accountNumber !== '')
      .map((m) => ({
        key: accountKey(m.counterparty.institution, m.counterparty.accountNumber),
        institution: m.counterparty.institution,
        account: m.counterparty.accountNumber,
        holder: m.counterparty.name,
        amount: m.amount,
        at: Date.parse(m.time),
      }));
    const onward = onwardAccounts(view, outflows);
    if (onward.length === 0) return [];
    const found = await trx
      .selectFrom('fraud_case')
      .select(['automation', 'status'])
      .where('id', '=', caseId)
      .executeTakeFirst();
    if (found?.automation !== 'running' || found.status !== 'open') return [];
    const numbers = onward.map((o) => o.account);
    const concerned = new Set(
      (
        await trx
          .selectFrom('gateway_request')
          .select(['institution_code', 'account'])
          .where('case_id', 'in', last.caseIds)
          .where('account', 'in', numbers)
          .execute()
      ).map((r) => accountKey(r.institution_code, r.account!)),
    );
    const accounts = new Map(
      (
        await trx
          .selectFrom('case_account')
          .select(['institution_code', 'account', 'state', 'sink', 'freeze_confirmed'])
          .where('case_id', '=', caseId)
          .where('account', 'in', numbers)
          .execute()
      ).map((a) => [accountKey(a.institution_code, a.account), a]),
    );
    const snapshots: AccountSnapshot[] = [];
    for (const o of onward) {
      const a = accounts.get(o.key);
      if (!a || concerned.has(o.key)) continue;
      // `level` first: a literal that starts with a spread and then adds keys is V8's slow path on
      // Node 20 (several µs here). Neither spread holds a `level`.
      snapshots.push({
        level: source.level + 1,
        ...o,
        ...untouched(a),
      });
    }
    // The pushed accounts' own answers push the level after them, before any re-trace knows them.
    for (const a of snapshots)
      if (!last.accounts.has(a.key))
        last.accounts.set(a.key, { located: a.located, firstVictimMoneyAt: a.firstVictimMoneyAt });
    const now = this.clock.now().getTime();
    const from = `${source.institution_code} ${source.account}`;
    let actions = decideActions(snapshots, this.policy, now).map((a) => ({
      ...a,
      reason: `${a.reason}（据上一级 ${from} 的反馈即时推送，金额暂按其转入额计，全案重新追踪后补足）`,
    }));
    const gate = this.gate;
    if (gate) {
      const byKey = new Map(snapshots.map((s) => [s.key, s]));
      actions = actions.filter((a) => (gate.notBefore(caseId, a, byKey.get(a.key)) ?? now) <= now);
    }
    return actions.length > 0 ? this.write(trx, caseId, actions) : [];
  }

  /**
   * The first level, at intake: each account the victims' payments went to gets what the policy
   * gives a new account holding what was paid into it, written and sent before the intake answers
   * — without waiting for the examination of the case (and of the cases linked to it), which
   * follows. Accounts with a request of this case, or a hold of another case on its way, are left
   * to that examination.
   */
  async pushIntake(caseId: number): Promise<void> {
    const ids = await this.db.transaction().execute(async (trx) => {
      const found = await trx
        .selectFrom('fraud_case')
        .select(['automation', 'status'])
        .where('id', '=', caseId)
        .executeTakeFirst();
      if (found?.automation !== 'running' || found.status !== 'open') return [];
      const payments = await trx
        .selectFrom('case_transfer')
        .select(['to_key', 'amount', 'at'])
        .where('case_id', '=', caseId)
        .where('withdrawn', '=', 0)
        .where('from_key', 'in', (eb) =>
          eb
            .selectFrom('case_party')
            .select('key')
            .where('case_id', '=', caseId)
            .where('role', '=', 'victim'),
        )
        .execute();
      const paid = new Map<string, { located: number; firstVictimMoneyAt: number }>();
      for (const p of payments) {
        const seen = paid.get(p.to_key);
        const at = Date.parse(p.at);
        paid.set(p.to_key, {
          located: (seen?.located ?? 0) + Number(p.amount),
          firstVictimMoneyAt: Math.min(seen?.firstVictimMoneyAt ?? at, at),
        });
      }
      if (paid.size === 0) return [];
      const accounts = await trx
        .selectFrom('case_account')
        .select(['institution_code', 'account', 'holder_name', 'level', 'state', 'sink', 'freeze_confirmed'])
        .where('case_id', '=', caseId)
        .execute();
      const numbers = accounts.map((a) => a.account);
      const concerned = new Set(
        (
          await trx
            .selectFrom('gateway_request')
            .select(['institution_code', 'account'])
            .where('account', 'in', numbers)
            .where((eb) =>
              eb.or([
                eb('case_id', '=', caseId),
                eb.and([
                  eb('type', 'in', ['stop-payment', 'freeze']),
                  eb('state', 'in', ['queued', 'sent', 'acknowledged']),
                ]),
              ]),
            )
            .execute()
        ).map((r) => accountKey(r.institution_code, r.account!)),
      );
      const snapshots: AccountSnapshot[] = [];
      for (const a of accounts) {
        const key = accountKey(a.institution_code, a.account);
        const money = paid.get(key);
        if (!money || concerned.has(key)) continue;
        snapshots.push({
          key,
          institution: a.institution_code,
          account: a.account,
          holder: a.holder_name,
          level: a.level,
          ...money,
          ...untouched(a),
        });
      }
      // Until the case's first examination, the answers of these accounts push the next level.
      if (!this.lastView.has(caseId))
        this.lastView.set(caseId, {
          caseIds: [caseId],
          accounts: new Map(
            snapshots.map((a) => [a.key, { located: a.located, firstVictimMoneyAt: a.firstVictimMoneyAt }]),
          ),
          chasing: true,
        });
      const now = this.clock.now().getTime();
      let actions = decideActions(snapshots, this.policy, now);
      const gate = this.gate;
      if (gate) {
        const byKey = new Map(snapshots.map((s) => [s.key, s]));
        actions = actions.filter((a) => (gate.notBefore(caseId, a, byKey.get(a.key)) ?? now) <= now);
      }
      return actions.length > 0 ? this.write(trx, caseId, actions) : [];
    });
    this.gateway.kick(ids);
    if (ids.length > 0) this.events.publish(caseId, 'timeline', 'requests', 'graph');
  }

  /**
   * Turn a detail answer into case-ledger transfers; returns how many were new. `opening`: a detail
   * query's window, whose first movement tells what the account held before it (a standing query's
   * report starts mid-stream and tells nothing of the kind).
   */
  private async recordDetail(
    trx: Db,
    caseId: number,
    institution: string,
    account: string,
    holder: string,
    level: number,
    body: TransactionQueryResult,
    requestId: string,
    at: string,
    opening = true,
  ): Promise<number> {
    const self = { institution, account, holder };
    const victimInflows = await trx
      .selectFrom('case_transfer')
      .select(['amount', 'at', 'from_key'])
      .where('case_id', '=', caseId)
      .where('to_key', '=', accountKey(institution, account))
      .where('from_key', 'like', 'V%')
      .execute();
    const matched = new Set<number>();
    const transfers: LedgerTransferInput[] = [];
    for (const m of body.transfers as DetailMovement[]) {
      if (m.direction === 'out') {
        const sink = sinkOf(m);
        const to = sink
          ? Object.assign(sinkAccount(m, institution, sink), { holder: m.counterparty.name || sink, sink })
          : {
              institution: m.counterparty.institution,
              account: m.counterparty.accountNumber,
              holder: m.counterparty.name,
            };
        transfers.push({
          from: self,
          to,
          amount: m.amount,
          at: m.time,
          channel: m.channel,
          serial: m.transferId,
        });
        continue;
      }
      // The victims' own payments are in the case already (from the report); don't count them twice.
      const t = Date.parse(m.time);
      const victim = victimInflows.findIndex(
        (v, i) =>
          !matched.has(i) && Number(v.amount) === m.amount && Math.abs(Date.parse(v.at) - t) <= 10 * 60_000,
      );
      if (victim >= 0) {
        matched.add(victim);
        continue;
      }
      const known = await trx
        .selectFrom('case_account')
        .select('id')
        .where('case_id', '=', caseId)
        .where('institution_code', '=', m.counterparty.institution)
        .where('account', '=', m.counterparty.accountNumber)
        .executeTakeFirst();
      const from = known
        ? {
            institution: m.counterparty.institution,
            account: m.counterparty.accountNumber,
            holder: m.counterparty.name,
          }
        : {
            party: `X-${m.counterparty.institution || institution}-${m.counterparty.accountNumber || 'CASH'}`,
            role: 'unknown' as const,
            label: m.counterparty.name,
          };
      transfers.push({
        from,
        to: self,
        amount: m.amount,
        at: m.time,
        channel: m.channel,
        serial: m.transferId,
      });
    }
    // The balance before the first movement answered is money that was there before the window:
    // the account's opening balance, the oldest money in it.
    const first = opening ? body.transfers[0] : undefined;
    if (first) {
      const before =
        first.direction === 'in' ? first.balanceAfter - first.amount : first.balanceAfter + first.amount;
      const row = await trx
        .selectFrom('case_account')
        .select(['id', 'opening'])
        .where('case_id', '=', caseId)
        .where('institution_code', '=', institution)
        .where('account', '=', account)
        .executeTakeFirst();
      if (row && Number(row.opening) === 0 && before > 0)
        await trx.updateTable('case_account').set({ opening: before }).where('id', '=', row.id).execute();
    }
    return addLedgerTransfers(trx, caseId, 'detail-query', requestId, transfers, at, level);
  }

  private async accountOfHold(trx: Db, caseId: number, holdRequestId: string | null) {
    if (!holdRequestId) return undefined;
    const hold = await trx
      .selectFrom('gateway_request')
      .select(['institution_code', 'account'])
      .where('request_id', '=', holdRequestId)
      .executeTakeFirst();
    if (!hold?.account) return undefined;
    return trx
      .selectFrom('case_account')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('institution_code', '=', hold.institution_code)
      .where('account', '=', hold.account)
      .executeTakeFirst();
  }

  /** Accounts for which the policy has asked an analyst to confirm a freeze. */
  private async awaitingConfirmation(caseIds: number[]): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('case_event')
      .select('detail')
      .where('case_id', 'in', caseIds)
      .where('kind', '=', 'decision.confirm-freeze')
      .execute();
    return new Set(rows.map((r) => (JSON.parse(r.detail ?? '{}') as { key?: string }).key ?? ''));
  }

  private draftFor(caseId: number, action: DisposalAction): RequestDraft | undefined {
    const account = { number: action.account, name: action.holder };
    const holds = this.holdIds.get(caseId)?.get(action.key);
    switch (action.kind) {
      case 'detail-query':
        return {
          type: 'transaction-query',
          account,
          from: new Date(action.from!).toISOString(),
          to: new Date(action.to!).toISOString(),
        };
      case 'dynamic-query':
        return { type: 'subscription', account, until: new Date(action.to!).toISOString() };
      case 'stop-payment':
        return { type: 'stop-payment', account, amount: action.amount! };
      case 'freeze':
        return {
          type: 'freeze',
          account,
          amount: action.amount!,
          ...(holds?.stop ? { convertsStopPayment: holds.stop } : {}),
        };
      case 'renew-stop-payment':
        return holds?.stop ? { type: 'stop-payment-renewal', holdRequestId: holds.stop } : undefined;
      case 'extend-freeze':
        return holds?.freeze ? { type: 'freeze-extension', holdRequestId: holds.freeze } : undefined;
      default:
        return undefined;
    }
  }

  private async setAccountState(
    trx: Db,
    caseId: number,
    action: { institution: string; account: string },
    state: string,
    note?: string,
  ) {
    await trx
      .updateTable('case_account')
      .set({ state, ...(note ? { note } : {}), updated_at: this.clock.now().toISOString() })
      .where('case_id', '=', caseId)
      .where('institution_code', '=', action.institution)
      .where('account', '=', action.account)
      .execute();
  }

  /**
   * Before a report is written, ask again for the statements of every account the victims' money
   * reached (sinks and excluded accounts aside), from its first victim money up to now, so the
   * case ledger is complete up to one moment. Returns that moment and the requests sent.
   */
  async refreshStatements(actor: Actor, caseId: number): Promise<{ upTo: string; requests: number }> {
    await this.writableCase(actor, caseId);
    const snapshots = await this.snapshots(caseId);
    const now = this.clock.now();
    const at = now.toISOString();
    const ids: number[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const a of snapshots) {
        if (a.sink !== null || a.state === 'excluded' || a.firstVictimMoneyAt === null) continue;
        const reason = `出具报告前更新明细（截至 ${at}）`;
        const result = await this.gateway.enqueue(trx, {
          caseId,
          institution: a.institution,
          draft: {
            type: 'transaction-query',
            account: { number: a.account, name: a.holder },
            from: new Date(a.firstVictimMoneyAt - 3_600_000).toISOString(),
            to: at,
          },
          reason,
          createdBy: actor.username,
        });
        ids.push(result.id);
      }
      await insertEvent(trx, {
        case_id: caseId,
        at,
        kind: 'request.refresh',
        actor: actor.username,
        summary: `更新 ${ids.length} 个账户的交易明细，截至 ${at}`,
        detail: JSON.stringify({ upTo: at }),
      });
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          'case.refresh-statements',
          { type: 'case', id: caseId },
          { detail: { requests: ids.length, upTo: at } },
        ),
      );
    });
    this.gateway.kick(ids);
    this.events.publish(caseId, 'timeline', 'requests');
    return { upTo: at, requests: ids.length };
  }

  // ----- analysts' decisions ------------------------------------------------------------------

  /** Exclude an account from the automation (an innocent merchant, the victim's own account). */
  async exclude(actor: Actor, caseId: number, key: string, reason: string): Promise<void> {
    await this.decide(actor, caseId, key, async (trx, account, at) => {
      await trx
        .updateTable('case_account')
        .set({ state: 'excluded', note: reason, updated_at: at })
        .where('id', '=', account.id)
        .execute();
      await insertEvent(trx, {
        case_id: caseId,
        at,
        kind: 'decision.exclude',
        actor: actor.username,
        summary: `排除账户 ${key}：${reason}`,
        detail: JSON.stringify({ key, reason }),
      });
      await this.audit.record(
        trx,
        actorEntry(actor, 'case.account-exclude', { type: 'case', id: caseId }, { reason, detail: { key } }),
      );
    });
  }

  /** Confirm a freeze the policy would not make on its own (above the automatic limit). */
  async confirmFreeze(actor: Actor, caseId: number, key: string): Promise<void> {
    await this.decide(actor, caseId, key, async (trx, account, at) => {
      await trx
        .updateTable('case_account')
        .set({ freeze_confirmed: 1, updated_at: at })
        .where('id', '=', account.id)
        .execute();
      await insertEvent(trx, {
        case_id: caseId,
        at,
        kind: 'decision.freeze-confirmed',
        actor: actor.username,
        summary: `研判确认冻结 ${key}`,
        detail: JSON.stringify({ key }),
      });
      await this.audit.record(
        trx,
        actorEntry(actor, 'case.freeze-confirm', { type: 'case', id: caseId }, { detail: { key } }),
      );
    });
  }

  private async decide(
    actor: Actor,
    caseId: number,
    key: string,
    work: (trx: Db, account: { id: number }, at: string) => Promise<void>,
  ) {
    await this.writableCase(actor, caseId);
    const [institution, ...rest] = key.split('/');
    const account = await this.db
      .selectFrom('case_account')
      .select('id')
      .where('case_id', '=', caseId)
      .where('institution_code', '=', institution ?? '')
      .where('account', '=', rest.join('/'))
      .executeTakeFirst();
    if (!account)
      throw new LeveeError('LEVEE_VALIDATION', `case ${caseId} has no account ${key}`, { field: 'key' });
    await this.db.transaction().execute((trx) => work(trx, account, this.clock.now().toISOString()));
    this.events.publish(caseId, 'timeline', 'graph');
    this.schedule(caseId);
  }

  /** Analysts' actions on a case: the permission to act on cases, then the case's unit in scope. */
  private async writableCase(actor: Actor, caseId: number): Promise<void> {
    requirePermission(actor, 'cases.write');
    const found = await findCase(this.db, caseId);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${caseId}`);
    requireScope(actor, found.unit_path, `case ${caseId}`);
  }
}

function labelOf(type: string): string {
  return (
    (
      {
        'transaction-query': '明细查询',
        'stop-payment': '紧急止付',
        'stop-payment-renewal': '续止付',
        'stop-payment-release': '解除止付',
        freeze: '冻结',
        'freeze-extension': '续冻',
        'freeze-release': '解冻',
        'holder-query': '主体查询',
        'accounts-by-id-query': '账户查询',
        subscription: '动态查询',
        'subscription-cancel': '取消动态查询',
        'subscription-report': '动态报告',
      } as Record<string, string>
    )[type] ?? type
  );
}

interface LiveHold {
  readonly requestId: string;
  readonly target: number;
  readonly held: number;
  readonly expiresAt: number;
  readonly renewals: number;
}

/**
 * The holds an account's requests have put in place and that are still running: stop-payments not
 * yet turned into a freeze (oldest first) and freezes, each with what it asked for, what it held
 * at its answer and its end after renewals; and `target`, what they and the holds still on their
 * way ask for in total (a hold keeps taking money arriving later up to its amount).
 */
export function liveHolds(
  rs: readonly GatewayRequestRow[],
  now: number,
): { stops: LiveHold[]; freezes: LiveHold[]; target: number } {
  const converted = new Set<string>();
  for (const r of rs)
    if (r.type === 'freeze' && (r.state === 'executed' || PENDING.has(r.state))) {
      const body = JSON.parse(r.body) as { convertsStopPayment?: string };
      if (body.convertsStopPayment && r.result !== 'rejected') converted.add(body.convertsStopPayment);
    }
  const renewed = new Map<string, { expiresAt: number; count: number }>();
  for (const r of rs)
    if (
      (r.type === 'stop-payment-renewal' || r.type === 'freeze-extension') &&
      r.state === 'executed' &&
      r.renews_request_id &&
      r.deadline_at
    ) {
      const before = renewed.get(r.renews_request_id);
      renewed.set(r.renews_request_id, {
        expiresAt: Math.max(before?.expiresAt ?? 0, Date.parse(r.deadline_at)),
        count: (before?.count ?? 0) + 1,
      });
    }
  const stops: LiveHold[] = [];
  const freezes: LiveHold[] = [];
  let target = 0;
  for (const r of rs) {
    if (r.type !== 'stop-payment' && r.type !== 'freeze') continue;
    const asked = r.amount ?? Number.MAX_SAFE_INTEGER;
    if (PENDING.has(r.state)) {
      if (!(r.type === 'stop-payment' && converted.has(r.request_id))) target += asked;
      continue;
    }
    if (r.state !== 'executed' || r.result === 'rejected' || !r.deadline_at) continue;
    const renewal = renewed.get(r.request_id);
    const expiresAt = Math.max(Date.parse(r.deadline_at), renewal?.expiresAt ?? 0);
    if (expiresAt <= now) continue;
    if (r.type === 'stop-payment' && converted.has(r.request_id)) continue;
    const hold = {
      requestId: r.request_id,
      target: asked,
      held: Number(r.held_amount ?? 0),
      expiresAt,
      renewals: renewal?.count ?? 0,
    };
    target += asked;
    (r.type === 'stop-payment' ? stops : freezes).push(hold);
  }
  return { stops, freezes, target };
}

function subscriptionUntil(r: GatewayRequestRow): number {
  const until = (JSON.parse(r.body) as { until?: string }).until;
  return until ? Date.parse(until) : Number.POSITIVE_INFINITY;
}
