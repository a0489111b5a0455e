/**
 * The simulator's protocol core: institutions of a World answering Levee's requests. It records
 * requests, executes each at most once per idempotency key on the ledgers (holds placed, renewed,
 * released; queries answered from the transfer index), numbers every feedback per institution
 * (seq) for callbacks and polling, and batches movement reports for dynamic queries.
 * No I/O and no wall clock: the server calls accept/execute with sim times.
 */
import {
  extendFreeze,
  freezeTerm,
  renewalsLeft,
  renewStopPayment,
  stopPaymentTerm,
} from '../institution-protocol/deadlines.js';
import { DeadlineError } from '../institution-protocol/errors.js';
import type {
  Feedback,
  FeedbackPage,
  HoldResult,
  InstitutionRequest,
  Movement,
  RejectionCode,
  ReleaseResult,
  RequestStatus,
  Result,
} from '../institution-protocol/schemas.js';
import { dateCst, isoCst } from './clock.js';
import type { InstitutionInfo } from './institutions.js';
import type { Hold } from './ledger.js';
import { World, type WorldOptions } from './world.js';

/**
 * What the simulator keeps of a request for as long as it runs (idempotent replays and status
 * polls need it). Once executed it keeps the answer as its JSON text and lets the parsed request
 * go: tens of thousands of small objects held for the whole run made every young-generation
 * collection copy them and every full one mark them.
 */
export interface RequestRecord {
  institution: string;
  readonly type: InstitutionRequest['type'];
  /** The request until it is executed. */
  request: InstitutionRequest | undefined;
  idempotencyKey: string;
  receivedAt: number;
  status: RequestStatus['status'];
  /** The feedback, as JSON (what callbacks and polls send), once executed. */
  feedbackJson: string | undefined;
  /** Executed already: a record is one idempotency key, and a key executes at most once. */
  executed: boolean;
}

interface Subscription {
  institution: string;
  requestId: string;
  account: number;
  until: number;
  active: boolean;
  reports: number;
  pending: number[];
}

type Body = NonNullable<Feedback['body']>;
type Outcome = { result: Result; body?: Body; rejection?: { code: RejectionCode; message: string } };

class Rejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** `json` is JSON.stringify(feedback), made once for the log, callbacks and polls. */
export type FeedbackListener = (feedback: Feedback, json: string) => void;

export interface SimulatorStats {
  requests: number;
  executions: number;
  /** requestIds executed more than once (a sender that changed the idempotency key of a retry). */
  duplicateExecutions: number;
  feedback: number;
  activeHolds: number;
  transfers: number;
}

/** Values by institution code, then by an id of that institution (a request id, an idempotency key). */
class PerInstitution<V> {
  private readonly byInstitution = new Map<string, Map<string, V>>();
  private entries = 0;

  get(institution: string, id: string): V | undefined {
    return this.byInstitution.get(institution)?.get(id);
  }

  set(institution: string, id: string, value: V): void {
    let map = this.byInstitution.get(institution);
    if (!map) {
      map = new Map();
      this.byInstitution.set(institution, map);
    }
    if (!map.has(id)) this.entries++;
    map.set(id, value);
  }

  get size(): number {
    return this.entries;
  }

  *values(): IterableIterator<V> {
    for (const map of this.byInstitution.values()) yield* map.values();
  }
}

export class Simulator {
  readonly world: World;
  // Keyed per institution by the request's own strings, not by `${institution}\u0000${id}`: such
  // a key stays a tree of concatenated strings in a Map, and at 2,000 req/s the keys held for the
  // whole run were a large part of what every young-generation collection copied.
  /** The latest record of each request. */
  private readonly records = new PerInstitution<RequestRecord>();
  private readonly byIdempotencyKey = new PerInstitution<RequestRecord>();
  private readonly executionCounts = new PerInstitution<number>();
  private readonly holdsByRequest = new PerInstitution<Hold>();
  private readonly subscriptions = new PerInstitution<Subscription>();
  private readonly subscriptionsByAccount = new Map<number, Subscription[]>();
  /** Per institution, every feedback as JSON, in seq order. */
  private readonly feedbackLog = new Map<string, string[]>();
  private readonly listeners: FeedbackListener[] = [];
  private executions = 0;
  private feedbackCount = 0;

  constructor(options: WorldOptions) {
    this.world = new World(options);
    this.world.ledger.onTransfer((t) => this.noteMovement(t));
  }

  institution(code: string): InstitutionInfo | undefined {
    return this.world.instByCode.get(code);
  }

  onFeedback(listener: FeedbackListener): void {
    this.listeners.push(listener);
  }

  /** Run the world up to sim time `t` and send movement reports for what happened. */
  advanceTo(t: number): void {
    this.world.advanceTo(t);
    this.flushReports();
  }

  /**
   * Record a request. Returns the existing record when the idempotency key was seen (the caller
   * answers the same ack again), or the new record (the caller schedules `execute`).
   */
  accept(
    institution: string,
    request: InstitutionRequest,
    idempotencyKey: string,
    at: number,
  ): { record: RequestRecord; duplicate: boolean } {
    const known = this.byIdempotencyKey.get(institution, idempotencyKey);
    if (known) return { record: known, duplicate: true };
    const record: RequestRecord = {
      institution,
      type: request.type,
      request,
      idempotencyKey,
      receivedAt: at,
      status: 'accepted',
      feedbackJson: undefined,
      executed: false,
    };
    this.records.set(institution, request.requestId, record);
    this.byIdempotencyKey.set(institution, idempotencyKey, record);
    return { record, duplicate: false };
  }

  /** Execute an accepted request at sim time `at` — at most once per idempotency key. */
  execute(record: RequestRecord, at: number): Feedback | undefined {
    const request = record.request;
    if (record.executed || !request) return undefined;
    record.executed = true;
    record.request = undefined;
    this.advanceTo(Math.max(at, this.world.now));
    const now = this.world.now;
    const id = request.requestId;
    this.executionCounts.set(
      record.institution,
      id,
      (this.executionCounts.get(record.institution, id) ?? 0) + 1,
    );
    this.executions++;
    let outcome: Outcome;
    try {
      outcome = this.run(record.institution, request, now);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      outcome = { result: 'rejected', rejection: { code: error.code, message: error.message } };
    }
    record.status = outcome.result;
    const [feedback, json] = this.emit(record.institution, request.type, request.requestId, outcome, now);
    record.feedbackJson = json;
    return feedback;
  }

  /** How many times the request was executed on the ledger (tests prove "exactly once" with it). */
  executionCount(institution: string, requestId: string): number {
    return this.executionCounts.get(institution, requestId) ?? 0;
  }

  status(institution: string, requestId: string): RequestStatus | undefined {
    const record = this.records.get(institution, requestId);
    if (!record) return undefined;
    return {
      requestId,
      type: record.type,
      status: record.status,
      receivedAt: isoCst(record.receivedAt),
      ...(record.feedbackJson ? { feedback: JSON.parse(record.feedbackJson) as Feedback } : {}),
    };
  }

  feedbackAfter(institution: string, after: number, limit: number): FeedbackPage {
    const log = this.feedbackLog.get(institution) ?? [];
    const items = log
      .slice(Math.max(0, after), Math.max(0, after) + limit)
      .map((json) => JSON.parse(json) as Feedback);
    return { items, next: items.length ? (items[items.length - 1] as Feedback).seq : after };
  }

  hold(institution: string, requestId: string): Hold | undefined {
    return this.holdsByRequest.get(institution, requestId);
  }

  stats(): SimulatorStats {
    let duplicateExecutions = 0;
    for (const n of this.executionCounts.values()) if (n > 1) duplicateExecutions++;
    return {
      requests: this.byIdempotencyKey.size,
      executions: this.executions,
      duplicateExecutions,
      feedback: this.feedbackCount,
      activeHolds: this.world.ledger.holds.filter((h) => h.status === 'active').length,
      transfers: this.world.ledger.transferCount,
    };
  }

  // -------------------------------------------------------------------------------------------

  private emit(
    institution: string,
    type: Feedback['type'],
    requestId: string,
    outcome: Outcome,
    at: number,
  ): [Feedback, string] {
    let log = this.feedbackLog.get(institution);
    if (!log) {
      log = [];
      this.feedbackLog.set(institution, log);
    }
    const seq = log.length + 1;
    // Optional keys stored one by one, in this order: properties after a spread in a literal
    // take V8's slow path on Node 20.
    const feedback: Record<string, unknown> = {
      type,
      feedbackId: `${institution}-${seq}`,
      seq,
      institution,
      requestId,
      result: outcome.result,
    };
    if (outcome.rejection) feedback['rejection'] = outcome.rejection;
    feedback['answeredAt'] = isoCst(at);
    if (outcome.body) feedback['body'] = outcome.body;
    const json = JSON.stringify(feedback);
    log.push(json);
    this.feedbackCount++;
    for (const listener of this.listeners) listener(feedback as unknown as Feedback, json);
    return [feedback as unknown as Feedback, json];
  }

  private account(inst: InstitutionInfo, number: string, name?: string): number {
    const account = this.world.ledger.find(inst.index, number);
    if (account === undefined || this.world.ledger.isSink(account))
      throw new Rejected('ACCOUNT_NOT_FOUND', `no account ${number} at ${inst.code}`);
    if (name !== undefined && this.holderName(account) !== name)
      throw new Rejected('NAME_MISMATCH', `the holder of ${number} is not "${name}"`);
    return account;
  }

  private holderName(account: number): string {
    return this.world.persons[this.world.ledger.holder[account] as number]?.name ?? '';
  }

  private findHold(institution: string, requestId: string, kind: Hold['kind'], at: number): Hold {
    const hold = this.holdsByRequest.get(institution, requestId);
    if (!hold || hold.kind !== kind)
      throw new Rejected('HOLD_NOT_FOUND', `no ${kind} from request ${requestId}`);
    this.world.ledger.expireHolds(hold.account, at);
    if (hold.status !== 'active') throw new Rejected('HOLD_NOT_ACTIVE', `the ${kind} is ${hold.status}`);
    return hold;
  }

  private run(institution: string, request: InstitutionRequest, now: number): Outcome {
    const inst = this.institution(institution);
    if (!inst) throw new Rejected('ACCOUNT_NOT_FOUND', `no institution ${institution}`);
    const ledger = this.world.ledger;
    const authority = request.authority.name;
    const authorityCode = request.authority.code;
    const documentNumber = request.document.number;
    switch (request.type) {
      case 'stop-payment': {
        const account = this.account(inst, request.account.number, request.account.name);
        const term = stopPaymentTerm(now);
        const hold = ledger.placeHold({
          requestId: request.requestId,
          kind: 'stop-payment',
          account,
          target: request.amount,
          ...term,
          authority,
          authorityCode,
          documentNumber,
        });
        this.holdsByRequest.set(institution, request.requestId, hold);
        return this.holdOutcome(hold, now);
      }
      case 'freeze': {
        const account = this.account(inst, request.account.number, request.account.name);
        let term: { startsAt: number; expiresAt: number };
        try {
          term = freezeTerm(now, request.termMonths ?? 6, request.majorCase ?? false);
        } catch (error) {
          throw this.deadlineRejection(error);
        }
        const stop = request.convertsStopPayment
          ? this.findHold(institution, request.convertsStopPayment, 'stop-payment', now)
          : undefined;
        if (stop && stop.account !== account)
          throw new Rejected('HOLD_NOT_FOUND', 'the stop-payment to convert is on another account');
        const hold = ledger.placeHold({
          requestId: request.requestId,
          kind: 'freeze',
          account,
          target: request.amount ?? null,
          ...term,
          authority,
          authorityCode,
          documentNumber,
        });
        if (stop) ledger.convertHold(stop, hold, now);
        this.holdsByRequest.set(institution, request.requestId, hold);
        return this.holdOutcome(hold, now);
      }
      case 'stop-payment-renewal':
      case 'freeze-extension': {
        const kind = request.type === 'stop-payment-renewal' ? 'stop-payment' : 'freeze';
        const hold = this.findHold(institution, request.holdRequestId, kind, now);
        try {
          const next =
            request.type === 'stop-payment-renewal'
              ? renewStopPayment(hold, now)
              : extendFreeze(hold, now, request.termMonths ?? 6, request.majorCase ?? false);
          hold.expiresAt = next.expiresAt;
          hold.renewalsUsed = next.renewalsUsed;
        } catch (error) {
          throw this.deadlineRejection(error);
        }
        return this.holdOutcome(hold, now);
      }
      case 'stop-payment-release':
      case 'freeze-release': {
        const kind = request.type === 'stop-payment-release' ? 'stop-payment' : 'freeze';
        const hold = this.findHold(institution, request.holdRequestId, kind, now);
        const released = ledger.endHold(hold, now, 'released');
        const body: ReleaseResult = {
          kind,
          holdRequestId: request.holdRequestId,
          accountNumber: ledger.number[hold.account] as string,
          releasedAmount: released,
          balance: ledger.balance[hold.account] as number,
          availableBalance: ledger.available(hold.account, now),
          releasedAt: isoCst(now),
        };
        return { result: 'executed', body };
      }
      case 'transaction-query': {
        const account = this.account(inst, request.account.number, request.account.name);
        const from = Date.parse(request.from);
        const to = Math.min(Date.parse(request.to), now + 1);
        return {
          result: 'executed',
          body: {
            accountNumber: request.account.number,
            name: this.holderName(account),
            from: request.from,
            to: request.to,
            transfers: ledger.transfersOf(account, from, to).map((t) => this.movement(account, t)),
            balance: ledger.balance[account] as number,
          },
        };
      }
      case 'holder-query': {
        const account = this.account(inst, request.account.number);
        const person = this.world.persons[ledger.holder[account] as number];
        return {
          result: 'executed',
          body: {
            accountNumber: request.account.number,
            name: person?.name ?? '',
            idType: 'resident-id',
            idNumber: person?.idNumber ?? '',
            phone: person?.phone ?? '',
            openedOn: dateCst(ledger.openedAt[account] as number),
            branch: ledger.branch[account] as string,
            status: this.accountStatus(account, now),
            balance: ledger.balance[account] as number,
          },
        };
      }
      case 'accounts-by-id-query': {
        const personIndex = this.world.persons.findIndex((p) => p.idNumber === request.idNumber);
        const person = this.world.persons[personIndex];
        if (person && request.name !== undefined && person.name !== request.name)
          throw new Rejected(
            'NAME_MISMATCH',
            `the holder of ID ${request.idNumber} is not "${request.name}"`,
          );
        const accounts = (this.world.accountsByPerson.get(personIndex) ?? []).filter(
          (a) => ledger.inst[a] === inst.index,
        );
        return {
          result: 'executed',
          body: {
            idNumber: request.idNumber,
            name: person?.name ?? request.name ?? '',
            accounts: accounts.map((a) => ({
              accountNumber: ledger.number[a] as string,
              openedOn: dateCst(ledger.openedAt[a] as number),
              branch: ledger.branch[a] as string,
              status: this.accountStatus(a, now),
              balance: ledger.balance[a] as number,
            })),
          },
        };
      }
      case 'subscription': {
        const account = this.account(inst, request.account.number, request.account.name);
        const sub: Subscription = {
          institution,
          requestId: request.requestId,
          account,
          until: request.until ? Date.parse(request.until) : Number.POSITIVE_INFINITY,
          active: true,
          reports: 0,
          pending: [],
        };
        this.subscriptions.set(institution, request.requestId, sub);
        const list = this.subscriptionsByAccount.get(account) ?? [];
        list.push(sub);
        this.subscriptionsByAccount.set(account, list);
        return { result: 'executed', body: this.subscriptionBody(sub) };
      }
      case 'subscription-cancel': {
        const sub = this.subscriptions.get(institution, request.subscriptionRequestId);
        if (!sub?.active)
          throw new Rejected(
            'SUBSCRIPTION_NOT_FOUND',
            `no active subscription ${request.subscriptionRequestId}`,
          );
        this.flushReports();
        sub.active = false;
        return { result: 'executed', body: this.subscriptionBody(sub) };
      }
    }
  }

  private deadlineRejection(error: unknown): Rejected {
    if (!(error instanceof DeadlineError)) throw error;
    const code: RejectionCode =
      error.code === 'HOLD_LAPSED'
        ? 'HOLD_NOT_ACTIVE'
        : error.code === 'TERM_TOO_SHORT'
          ? 'TERM_TOO_LONG'
          : error.code;
    return new Rejected(code, error.message);
  }

  private holdOutcome(hold: Hold, now: number): Outcome {
    const ledger = this.world.ledger;
    // Other authorities' earlier holds, as the protocol says: the requester knows its own (and
    // listing them made every answer on a busy account grow with the account's history).
    const prior = ledger.priorHoldsOfOthers(hold, now).map((h) => ({
      kind: h.kind,
      authority: h.authority,
      documentNumber: h.documentNumber,
      amount: h.held,
      startsAt: isoCst(h.startsAt),
      expiresAt: isoCst(h.expiresAt),
    }));
    const body: HoldResult = {
      kind: hold.kind,
      holdRequestId: hold.requestId,
      accountNumber: ledger.number[hold.account] as string,
      requestedAmount: hold.target,
      heldAmount: hold.held,
      balance: ledger.balance[hold.account] as number,
      availableBalance: ledger.available(hold.account, now),
      startsAt: isoCst(hold.startsAt),
      expiresAt: isoCst(hold.expiresAt),
      renewalsUsed: hold.renewalsUsed,
      renewalsLeft: renewalsLeft(hold),
      priorHolds: prior,
    };
    const full = hold.target === null || hold.held >= hold.target;
    return { result: full ? 'executed' : 'partially-executed', body };
  }

  private accountStatus(account: number, now: number): 'normal' | 'stopped' | 'frozen' {
    const holds = this.world.ledger.activeHolds(account, now);
    if (holds.some((h) => h.kind === 'freeze')) return 'frozen';
    return holds.length > 0 ? 'stopped' : 'normal';
  }

  private movement(account: number, t: number): Movement {
    const ledger = this.world.ledger;
    const v = ledger.transferView(t);
    const out = v.from === account;
    const other = out ? v.to : v.from;
    const inst = this.world.institutions[ledger.inst[account] as number] as InstitutionInfo;
    let counterparty: Movement['counterparty'];
    if (other < 0)
      counterparty = {
        institution: inst.code,
        institutionName: inst.name,
        accountNumber: '',
        name: '现金存入',
      };
    else {
      const oi = this.world.institutions[ledger.inst[other] as number] as InstitutionInfo;
      const sink = ledger.sinkKind[other];
      counterparty = {
        institution: oi.code,
        institutionName: oi.name,
        accountNumber: sink === 'cash' ? '' : (ledger.number[other] as string),
        name: sink ? (ledger.sinkName[other] as string) : this.holderName(other),
      };
    }
    const remarks: Record<string, string> = {
      atm: 'ATM取款',
      pos: '消费',
      counter: '现金存款',
      'quick-pay': '快捷支付',
      mobile: '手机银行转账',
      online: '网银转账',
      transfer: '转账',
    };
    return {
      transferId: `T${String(t + 1).padStart(9, '0')}`,
      time: isoCst(v.time),
      direction: out ? 'out' : 'in',
      amount: v.amount,
      counterparty,
      channel: v.channel,
      balanceAfter: out ? v.fromBalanceAfter : v.toBalanceAfter,
      remark: remarks[v.channel] ?? '转账',
    };
  }

  private subscriptionBody(sub: Subscription) {
    return {
      subscriptionRequestId: sub.requestId,
      accountNumber: this.world.ledger.number[sub.account] as string,
      until: Number.isFinite(sub.until) ? isoCst(sub.until) : null,
      reportsSent: sub.reports,
    };
  }

  private noteMovement(t: number): void {
    const ledger = this.world.ledger;
    for (const account of [ledger.tFrom[t] as number, ledger.tTo[t] as number]) {
      if (account < 0) continue;
      for (const sub of this.subscriptionsByAccount.get(account) ?? []) {
        if (sub.active && (ledger.tTime[t] as number) < sub.until) sub.pending.push(t);
      }
    }
  }

  private flushReports(): void {
    const now = this.world.now;
    for (const subs of this.subscriptionsByAccount.values()) {
      for (const sub of subs) {
        if (!sub.active || sub.pending.length === 0) {
          if (sub.active && now >= sub.until) sub.active = false;
          continue;
        }
        const ledger = this.world.ledger;
        const transfers = sub.pending.map((t) => this.movement(sub.account, t));
        sub.pending = [];
        sub.reports++;
        this.emit(
          sub.institution,
          'subscription-report',
          sub.requestId,
          {
            result: 'executed',
            body: {
              subscriptionRequestId: sub.requestId,
              accountNumber: ledger.number[sub.account] as string,
              reportNumber: sub.reports,
              transfers,
              balance: ledger.balance[sub.account] as number,
              availableBalance: ledger.available(sub.account, now),
            },
          },
          now,
        );
        if (now >= sub.until) sub.active = false;
      }
    }
  }
}
