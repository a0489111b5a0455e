/**
 * The institution gateway, Levee's side of the conversation with banks and payment institutions.
 *
 * - `enqueue` checks a request completely (institution known and enabled, account number, amount,
 *   query window) and writes it to the outbox inside the caller's transaction: the action and its
 *   requests commit together or not at all. Dispatchers (this process, or workers fed through NATS
 *   JetStream) send it later, retrying with the same idempotency key until the institution answers.
 * - `applyFeedback` takes an institution's answer (callback or polling), ignores duplicates, never
 *   moves a request backwards, and tells listeners (the case workflow) exactly once per feedback.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { RequestValidationError } from '../institution-protocol/errors.js';
import type { EndpointDirectory, InstitutionEndpoint } from '../institution-protocol/client.js';
import type { KeysFile } from '../institution-protocol/keys-file.js';
import type { Feedback, InstitutionRequest, RequestType } from '../institution-protocol/schemas.js';
import { createSigner, Keyring, type Signer } from '../institution-protocol/signing.js';
import { validateOutgoing } from '../institution-protocol/validate.js';
import type { Db } from '../repositories/audit.repository.js';
import { findUnitByCode, insertUnit } from '../repositories/unit.repository.js';
import {
  deleteFeedback,
  feedbackKey,
  findRequestByRequestId,
  type AnsweredRequest,
  findRequestsByRequestIds,
  insertFeedbackMany,
  enabledInstitutions,
  findCaseNumbers,
  insertRequests,
  newRequestRow,
  listRequests,
  raiseAlarm,
  setFeedbackBodies,
  updateAnswered,
  type AnsweredChanges,
} from '../repositories/gateway.repository.js';
import type { Capabilities } from '../storage/database.js';
import type { Database, GatewayRequestRow, GatewayState } from '../storage/schema.js';
import { MicroBatch } from './micro-batch.js';

/** A request as its author thinks of it: the type and its own fields; the gateway adds the envelope. */
export type RequestDraft = DistributiveOmit<
  InstitutionRequest,
  'requestId' | 'caseNumber' | 'authority' | 'document' | 'issuedAt'
>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface EnqueueInput {
  readonly caseId: number | null;
  readonly institution: string;
  readonly draft: RequestDraft;
  /** Why it is sent, in words an officer would write in the file. */
  readonly reason: string;
  readonly createdBy: string;
  readonly renews?: string | undefined;
}

export interface FeedbackEvent {
  /** The request as the answer left it (without the body it was sent with). */
  readonly request: AnsweredRequest;
  readonly feedback: Feedback;
}

export type FeedbackListener = (event: FeedbackEvent) => Promise<void>;

/**
 * Feedback whose text is kept in its own `gateway_feedback` row even when it is its request's
 * answer: a standing query's reports replace the answer text in the request row one after another.
 */
const KEEPS_OWN_TEXT: ReadonlySet<string> = new Set(['subscription', 'subscription-report']);

/** Terminal states are never left; a late "acknowledged" never overwrites an answer. */
export const TERMINAL: ReadonlySet<GatewayState> = new Set(['executed', 'failed', 'expired', 'dead']);

export interface Directory {
  readonly signer: Signer;
  readonly keyring: Keyring;
  readonly endpoints: EndpointDirectory;
  readonly rates: ReadonlyMap<string, number>;
}

export class GatewayService {
  private readonly listeners: FeedbackListener[] = [];
  private readonly enqueuedListeners: ((ids: number[]) => void)[] = [];
  private directoryCache: Directory | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: Capabilities,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  onFeedback(listener: FeedbackListener): void {
    this.listeners.push(listener);
  }

  /** Dispatchers subscribe here to hear of new work at once instead of at their next poll. */
  onEnqueued(listener: (ids: number[]) => void): void {
    this.enqueuedListeners.push(listener);
  }

  /** Call after the transaction that enqueued `ids` has committed. */
  kick(ids: number[]): void {
    if (ids.length > 0) for (const listener of this.enqueuedListeners) listener(ids);
  }

  // ----- identity and endpoints ---------------------------------------------------------------

  /** Load a levee.institution-keys/1 file: Levee's signing key and each institution's endpoint and public key. */
  async importKeys(
    file: KeysFile,
    by: string,
    defaults: { ratePerSecond?: number } = {},
  ): Promise<{ institutions: number }> {
    const now = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      if (file.levee.privateKey) {
        await trx.deleteFrom('gateway_identity').execute();
        await trx
          .insertInto('gateway_identity')
          .values({
            id: 1,
            key_id: file.levee.keyId,
            public_key: file.levee.publicKey,
            private_key: file.levee.privateKey,
            updated_at: now,
          })
          .execute();
      }
      const root = await trx
        .selectFrom('unit')
        .selectAll()
        .where('parent_id', 'is', null)
        .orderBy('id')
        .executeTakeFirst();
      for (const inst of file.institutions) {
        // An institution Levee can address is a unit too: its liaison belongs to it, cases name it.
        if (root && !(await findUnitByCode(trx, inst.code))) {
          await insertUnit(
            trx,
            {
              parent_id: root.id,
              kind: inst.kind,
              code: inst.code,
              name: inst.name,
              name_en: inst.code,
              created_at: now,
            },
            root,
          );
        }
        const row = {
          base_url: inst.baseUrl.replace(/\/$/, ''),
          public_key: inst.publicKey,
          timeout_ms: inst.timeoutMs ?? 5000,
          rate_per_second: defaults.ratePerSecond ?? 200,
          enabled: 1,
          updated_at: now,
          updated_by: by,
        };
        await trx
          .insertInto('institution_endpoint')
          .values({ institution_code: inst.code, ...row })
          .onConflict((oc) => oc.column('institution_code').doUpdateSet(row))
          .execute();
      }
    });
    this.directoryCache = undefined;
    return { institutions: file.institutions.length };
  }

  async setEndpoint(
    code: string,
    changes: {
      baseUrl?: string;
      publicKey?: string;
      timeoutMs?: number;
      ratePerSecond?: number;
      enabled?: boolean;
    },
    by: string,
  ) {
    const existing = await this.db
      .selectFrom('institution_endpoint')
      .selectAll()
      .where('institution_code', '=', code)
      .executeTakeFirst();
    const now = this.clock.now().toISOString();
    if (!existing) {
      if (!changes.baseUrl || !changes.publicKey) {
        throw new LeveeError(
          'LEVEE_VALIDATION',
          `institution ${code} has no endpoint yet: give baseUrl and publicKey`,
          { field: changes.baseUrl ? 'publicKey' : 'baseUrl' },
        );
      }
      await this.db
        .insertInto('institution_endpoint')
        .values({
          institution_code: code,
          base_url: changes.baseUrl,
          public_key: changes.publicKey,
          timeout_ms: changes.timeoutMs ?? 5000,
          rate_per_second: changes.ratePerSecond ?? 200,
          enabled: changes.enabled === false ? 0 : 1,
          updated_at: now,
          updated_by: by,
        })
        .execute();
    } else {
      await this.db
        .updateTable('institution_endpoint')
        .set({
          ...(changes.baseUrl === undefined ? {} : { base_url: changes.baseUrl }),
          ...(changes.publicKey === undefined ? {} : { public_key: changes.publicKey }),
          ...(changes.timeoutMs === undefined ? {} : { timeout_ms: changes.timeoutMs }),
          ...(changes.ratePerSecond === undefined ? {} : { rate_per_second: changes.ratePerSecond }),
          ...(changes.enabled === undefined ? {} : { enabled: changes.enabled ? 1 : 0 }),
          updated_at: now,
          updated_by: by,
        })
        .where('institution_code', '=', code)
        .execute();
    }
    this.directoryCache = undefined;
  }

  async listEndpoints() {
    return this.db.selectFrom('institution_endpoint').selectAll().orderBy('institution_code').execute();
  }

  /** Signer, keyring and endpoints as the client and the callback verifier need them (cached until keys change). */
  async directory(): Promise<Directory> {
    if (this.directoryCache) return this.directoryCache;
    const identity = await this.db
      .selectFrom('gateway_identity')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    if (!identity)
      throw new LeveeError(
        'LEVEE_CONFIG',
        'the gateway has no signing key: load one with `levee gateway keys import <file>`',
      );
    const rows = await this.listEndpoints();
    const endpoints = new Map<string, InstitutionEndpoint>();
    const rates = new Map<string, number>();
    const keyring = new Keyring();
    for (const row of rows) {
      if (row.enabled !== 1) continue;
      endpoints.set(row.institution_code, { baseUrl: row.base_url, timeoutMs: row.timeout_ms });
      rates.set(row.institution_code, row.rate_per_second);
      keyring.add(row.institution_code, row.public_key);
    }
    this.directoryCache = {
      signer: createSigner(identity.key_id, identity.private_key),
      keyring,
      endpoints,
      rates,
    };
    return this.directoryCache;
  }

  /** Forget cached keys and endpoints (after an administrator changed them in another process). */
  invalidate(): void {
    this.directoryCache = undefined;
  }

  // ----- the outbox -----------------------------------------------------------------------------

  /**
   * Check a request completely and write it to the outbox in `trx`. Nothing is queued when any
   * check fails; the error names the field. Returns the row id (pass it to `kick` after commit).
   */
  async enqueue(trx: Db, input: EnqueueInput): Promise<{ id: number; requestId: string }> {
    return (await this.enqueueMany(trx, [input]))[0]!;
  }

  /**
   * `enqueue` for many requests at once (a workflow writing a batch, as disposal runs do): every
   * request is checked before any is written, so one bad request queues none and the error names
   * it (its index and institution). The lookups are one query each — the addressed institutions,
   * the cases, the centre — and the rows go in as multi-row INSERTs. Ids come back in input order.
   */
  async enqueueMany(trx: Db, inputs: readonly EnqueueInput[]): Promise<{ id: number; requestId: string }[]> {
    if (inputs.length === 0) return [];
    const now = this.clock.now();
    const nowIso = now.toISOString();
    // Within one transaction the endpoint table and the centre are looked up once: a workflow
    // enqueues many requests in one.
    const seen = this.lookupsOf(trx);
    const known = new Set<string>();
    const unseen: string[] = [];
    for (const code of new Set(inputs.map((i) => i.institution))) {
      const enabled = seen?.institutions.get(code);
      if (enabled === undefined) unseen.push(code);
      else if (enabled) known.add(code);
    }
    if (unseen.length > 0) {
      // Only the addressed institutions matter: indexed lookups, not the whole endpoint table.
      const enabled = await enabledInstitutions(trx, unseen);
      for (const code of unseen) {
        seen?.institutions.set(code, enabled.has(code));
        if (enabled.has(code)) known.add(code);
      }
    }
    const caseIds = [...new Set(inputs.flatMap((i) => (i.caseId === null ? [] : [i.caseId])))];
    const caseNumbers = caseIds.length > 0 ? await findCaseNumbers(trx, caseIds) : new Map<number, string>();
    let centre = seen?.centre;
    if (!centre) {
      centre = {
        row: await trx
          .selectFrom('unit')
          .select(['code', 'name'])
          .where('parent_id', 'is', null)
          .orderBy('id')
          .executeTakeFirst(),
      };
      if (seen) seen.centre = centre;
    }
    const authority = { code: centre.row?.code ?? 'LEVEE', name: centre.row?.name ?? 'Levee' };
    const rows = inputs.map((input, index) => {
      // One request alone keeps its plain message; in a batch the message says which one.
      const which =
        inputs.length === 1 ? '' : `request ${index} of ${inputs.length} (${input.institution}): `;
      const caseNo = input.caseId === null ? undefined : caseNumbers.get(input.caseId);
      if (input.caseId !== null && caseNo === undefined)
        throw new LeveeError('LEVEE_VALIDATION', `${which}no case ${input.caseId}`, {
          field: 'caseId',
          ...(which ? { extra: { index, institution: input.institution } } : {}),
        });
      const requestId = `LV-${timeOrderedUuid(Date.now())}`;
      // Object.assign, not `{ ...draft, requestId, … }`: see newRequestRow.
      const body = Object.assign({}, input.draft, {
        requestId,
        caseNumber: caseNo ?? 'LEVEE-ADHOC',
        authority,
        // Eight random hex digits (the id's first ones are its time).
        document: { number: `${caseNo ?? 'ADHOC'}-${requestId.slice(-8).toUpperCase()}` },
        issuedAt: nowIso,
      });
      let request: InstitutionRequest;
      try {
        request = validateOutgoing(input.institution, body, { institutions: known, now: now.getTime() });
      } catch (error) {
        if (error instanceof RequestValidationError) {
          throw new LeveeError(
            'LEVEE_VALIDATION',
            `${which}${input.draft.type} to ${input.institution}: ${error.message}`,
            {
              field: error.field ?? 'request',
              ...(which ? { extra: { index, institution: input.institution } } : {}),
            },
          );
        }
        throw error;
      }
      return newRequestRow(
        {
          request_id: requestId,
          case_id: input.caseId,
          institution_code: input.institution,
          type: request.type,
          account: 'account' in request ? request.account.number : null,
          amount: 'amount' in request && typeof request.amount === 'number' ? request.amount : null,
          body: JSON.stringify(request),
          reason: input.reason,
          created_by: input.createdBy,
          renews_request_id: input.renews ?? null,
        },
        nowIso,
      );
    });
    const ids = await insertRequests(trx, rows);
    return rows.map((row, i) => ({ id: ids[i]!, requestId: row.request_id }));
  }

  /** What `enqueueMany` looked up in one transaction (none outside one: the table may change any time). */
  private readonly lookups = new WeakMap<
    object,
    { institutions: Map<string, boolean>; centre?: { row: { code: string; name: string } | undefined } }
  >();

  private lookupsOf(trx: Db) {
    if (!trx.isTransaction) return undefined;
    let seen = this.lookups.get(trx);
    if (!seen) {
      seen = { institutions: new Map() };
      this.lookups.set(trx, seen);
    }
    return seen;
  }

  // ----- feedback -------------------------------------------------------------------------------

  /**
   * Apply one verified feedback. Duplicates (same request and feedbackId) are dropped; an answer for an
   * unknown request is refused; the request moves to executed or failed whatever state it was in,
   * unless it already ended. Listeners run once per new feedback, after it is stored.
   *
   * Feedback arriving together (concurrent callbacks, a batched callback, a poll) is stored by
   * one transaction: on SQLite the commit, not the statement, is what costs.
   */
  async applyFeedback(feedback: Feedback, via: 'callback' | 'poll'): Promise<'applied' | 'duplicate'> {
    const outcome = await this.feedbackBatch.push({ feedback, via });
    if (outcome instanceof LeveeError) throw outcome;
    if (outcome === 'duplicate') return 'duplicate';
    await this.notify(outcome, feedback);
    return 'applied';
  }

  /**
   * Apply many verified feedbacks (a batched callback) in one go. Each gets its own outcome: a
   * refused one (unknown request, wrong institution) does not keep the others from being stored.
   */
  async applyFeedbackMany(
    items: readonly Feedback[],
    via: 'callback' | 'poll',
  ): Promise<('applied' | 'duplicate' | LeveeError)[]> {
    const outcomes = await Promise.all(items.map((feedback) => this.feedbackBatch.push({ feedback, via })));
    const results: ('applied' | 'duplicate' | LeveeError)[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome instanceof LeveeError || outcome === 'duplicate') results.push(outcome);
      else {
        await this.notify(outcome, items[i]!);
        results.push('applied');
      }
    }
    return results;
  }

  private async notify(request: AnsweredRequest, feedback: Feedback): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener({ request, feedback });
      } catch (error) {
        // The feedback is stored; the workflow re-derives its state from the ledger on the next event.
        this.logger.error({ err: error, requestId: feedback.requestId }, 'feedback listener failed');
      }
    }
  }

  private readonly feedbackBatch = new MicroBatch<
    { feedback: Feedback; via: 'callback' | 'poll' },
    AnsweredRequest | 'duplicate' | LeveeError
  >((items) => this.storeFeedback(items));

  /**
   * One transaction for many feedbacks. It begins with all the feedback rows, new ones returned
   * (PostgreSQL: inserted in key order before any request is locked, see insertFeedbackMany).
   * Refused ones are deleted again before the commit. Results in the order of `items`: the
   * request row as the transaction left it, 'duplicate', or the refusal.
   */
  private async storeFeedback(
    items: readonly { feedback: Feedback; via: 'callback' | 'poll' }[],
  ): Promise<(AnsweredRequest | 'duplicate' | LeveeError)[]> {
    const now = this.clock.now().toISOString();
    const texts = items.map(({ feedback }) => JSON.stringify(feedback));
    return this.db.transaction().execute(async (trx) => {
      // The text is stored once: an answer's in its request row (its feedback row's body stays
      // NULL), anything else's in its feedback row. A standing query's answer and reports keep
      // theirs: each report replaces the text in the request row.
      const fresh = await insertFeedbackMany(
        trx,
        items.map(({ feedback, via }, i) => ({
          feedback_id: feedback.feedbackId,
          request_id: feedback.requestId,
          institution_code: feedback.institution,
          seq: feedback.seq,
          type: feedback.type,
          result: feedback.result,
          body: KEEPS_OWN_TEXT.has(feedback.type) ? texts[i]! : null,
          received_at: now,
          via,
        })),
      );
      const requests = new Map(
        (
          await findRequestsByRequestIds(trx, this.caps, [...new Set(items.map((i) => i.feedback.requestId))])
        ).map((r) => [r.request_id, r]),
      );
      const refusedFresh: { request_id: string; feedback_id: string }[] = [];
      /** New feedback that did not become its request's answer: its text goes in its own row. */
      const notAnswers: { request_id: string; feedback_id: string; body: string }[] = [];
      const answered = new Map<number, AnsweredChanges>();
      const results: (AnsweredRequest | 'duplicate' | LeveeError)[] = new Array(items.length);
      // In id order, feedback for one request in arrival order (PostgreSQL: the rows were
      // locked in id order as they were read, the order an ack locks them in).
      const idOf = (i: number) => requests.get(items[i]!.feedback.requestId)?.id ?? -1;
      const order = items.map((_, i) => i).sort((a, b) => idOf(a) - idOf(b) || a - b);
      for (const i of order) {
        const { feedback } = items[i]!;
        // The first of several items with one key is the new one; the others repeat it.
        const isFresh = fresh.delete(feedbackKey(feedback.requestId, feedback.feedbackId));
        const request = requests.get(feedback.requestId);
        if (!request || request.institution_code !== feedback.institution) {
          if (isFresh)
            refusedFresh.push({ request_id: feedback.requestId, feedback_id: feedback.feedbackId });
          results[i] = request
            ? new LeveeError(
                'LEVEE_FORBIDDEN',
                `${feedback.institution} answered a request addressed to ${request.institution_code}`,
              )
            : new LeveeError('LEVEE_NOT_FOUND', `no request ${feedback.requestId}`);
          continue;
        }
        if (!isFresh) {
          results[i] = 'duplicate';
          continue;
        }
        // A standing query keeps reporting; its request stays executed and each report is news.
        if (!TERMINAL.has(request.state) || feedback.type === 'subscription-report') {
          const body = feedback.body as { heldAmount?: number; expiresAt?: string } | undefined;
          const executed = feedback.result !== 'rejected';
          const changes: AnsweredChanges = {
            state: executed ? 'executed' : 'failed',
            result: feedback.result,
            feedback: texts[i]!,
            held_amount: typeof body?.heldAmount === 'number' ? body.heldAmount : request.held_amount,
            deadline_at:
              typeof body?.expiresAt === 'string'
                ? new Date(body.expiresAt).toISOString()
                : request.deadline_at,
            last_error: executed
              ? request.last_error
              : `${feedback.rejection?.code ?? 'REJECTED'}: ${feedback.rejection?.message ?? ''}`,
            executed_at: request.executed_at ?? now,
            acked_at: request.acked_at ?? now,
            lease_owner: null,
            lease_until: null,
            updated_at: now,
          };
          // The row as this transaction leaves it, composed rather than read back (RETURNING
          // copied the request's body and feedback text back out for every answer).
          const stored: AnsweredRequest = Object.assign({}, request, changes);
          requests.set(stored.request_id, stored);
          answered.set(stored.id, changes);
          results[i] = stored;
          continue;
        }
        if (!KEEPS_OWN_TEXT.has(feedback.type))
          notAnswers.push({
            request_id: feedback.requestId,
            feedback_id: feedback.feedbackId,
            body: texts[i]!,
          });
        results[i] = request;
      }
      // One write per request with its last answer's changes.
      await updateAnswered(
        trx,
        this.caps,
        [...answered].map(([id, changes]) => ({ id, changes })),
      );
      await setFeedbackBodies(trx, notAnswers);
      await deleteFeedback(trx, refusedFresh);
      return results;
    });
  }

  async raiseDeadLetter(
    request: Pick<GatewayRequestRow, 'request_id' | 'case_id'>,
    message: string,
  ): Promise<void> {
    await raiseAlarm(this.db, {
      request_id: request.request_id,
      case_id: request.case_id,
      kind: 'dead-letter',
      message,
      created_at: this.clock.now().toISOString(),
    });
  }

  async alarms(open = true) {
    let query = this.db.selectFrom('gateway_alarm').selectAll().orderBy('id', 'desc').limit(200);
    if (open) query = query.where('cleared_at', 'is', null);
    return query.execute();
  }

  async requestsOf(filter: Parameters<typeof listRequests>[1]) {
    return listRequests(this.db, filter);
  }

  async byRequestId(requestId: string) {
    return findRequestByRequestId(this.db, requestId);
  }

  static typeOf(row: GatewayRequestRow): RequestType {
    return row.type as RequestType;
  }
}

/**
 * A UUID of version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Request ids
 * made later sort later, so an enqueue adds to the right edge of gateway_request's request_id
 * index instead of to a random page of it per request (each page a commit touches is written
 * to SQLite's WAL again: with random ids a 20-request commit wrote ~20 more pages).
 */
export function timeOrderedUuid(ms: number): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
