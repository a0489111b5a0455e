/**
 * Sends what the outbox holds. A dispatcher leases due requests, sends each with its stored bytes
 * and idempotency key, and records the outcome while it still holds the lease:
 *
 *   queued ──send──▶ sent ──2xx──▶ acknowledged ──feedback──▶ executed | failed
 *     ▲                │                 │                         │
 *     └─retry/backoff──┘                 └──no feedback: poll──────┘        hold lapsed ▶ expired
 *                      └──too many attempts──▶ dead (alarm)   refused ▶ failed
 *
 * If the process dies while holding a lease, the lease runs out and any dispatcher sends the
 * request again with the same idempotency key: the institution executes it once and answers the
 * repeat with the first answer. Work arrives by polling the outbox (the safety net, and the only
 * source in-process) and, with NATS JetStream, as request ids published when the outbox commits.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { backoffDelayMs } from '../institution-protocol/backoff.js';
import { InstitutionClient, type SendOutcome } from '../institution-protocol/client.js';
import { BATCH_MAX_ITEMS, type RequestType } from '../institution-protocol/schemas.js';
import {
  anyDue,
  claimDue,
  claimMany,
  type LeasedRequest,
  releaseLeased,
  updateLeased,
  updateAcked,
  updateRequest,
} from '../repositories/gateway.repository.js';
import type { Capabilities } from '../storage/database.js';
import type { Database } from '../storage/schema.js';
import type { GatewayService } from './gateway.service.js';
import { MicroBatch } from './micro-batch.js';
import { TokenBuckets } from './token-buckets.js';

/** Exchanges with one institution on their way at once (each may carry a batch). */
const EXCHANGES_PER_INSTITUTION = 2;

/** How long an acknowledgement waits to be stored, in case the answer comes first (ms). */
const ACK_HOLD_MS = 30;

export interface DispatcherOptions {
  /**
   * Most requests leased per round (256). A round runs once per turn of a busy event loop: at
   * 64 a backlog at 2,000 requests/s was leased more slowly than it grew.
   */
  readonly batch?: number;
  /** How long a lease lasts beyond the request's own timeout, ms. */
  readonly leaseMarginMs?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** Ask an institution for the result when no feedback came this long after acknowledgement. */
  readonly pollAfterMs?: number;
  /** Send in parallel at most this many requests. */
  readonly concurrency?: number;
  /** Requests to one institution that are ready together go in one batch exchange (default true). */
  readonly batchSend?: boolean;
  readonly owner?: string;
}

export class Dispatcher {
  readonly owner: string;
  private readonly opts: Required<Omit<DispatcherOptions, 'owner'>>;
  private client: InstitutionClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> | undefined;
  private again = false;
  private inFlight = 0;
  private warnedNoKeys = false;
  private readonly buckets = new TokenBuckets();
  /** Rows ready to send, by institution, and the exchanges with it on their way. */
  private readonly outgoing = new Map<
    string,
    {
      queue: { row: LeasedRequest; done: () => void; failed: (e: unknown) => void }[];
      inFlight: number;
      scheduled: boolean;
    }
  >();
  /** Institutions that answered that they have no batch endpoint. */
  private readonly singleOnly = new Set<string>();
  /** The last tick leased fewer rows than it could because too many were in flight. */
  private starved = false;
  /** When the outbox was last asked for overdue answers (wall ms: the case clock may be simulated). */
  private lastOverduePoll = Number.NEGATIVE_INFINITY;
  /** When a lease last looked for leases that ran out (wall ms). */
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** JetStream deliveries that arrive together are leased by one statement. */
  private readonly claims = new MicroBatch<number, LeasedRequest | undefined>(async (ids) => {
    const now = this.clock.now();
    const rows = await claimMany(
      this.db,
      this.caps,
      ids,
      this.owner,
      now.toISOString(),
      new Date(now.getTime() + this.leaseMs()).toISOString(),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // A repeated id (a redelivery) is sent once.
    return ids.map((id) => {
      const row = byId.get(id);
      byId.delete(id);
      return row;
    });
  });
  /**
   * Acknowledgements that come back together are stored by one statement, each row with its own
   * attempt count and times. They wait ACK_HOLD_MS first: most answers come sooner, and an
   * answered request's ack then writes nothing (it wants state 'sent'; the answer keeps the ack
   * time), which saves rewriting the row once per request. A process that dies holding acks
   * loses nothing the lease does not recover: the request is sent again under its idempotency
   * key and the institution repeats its first answer.
   */
  private readonly acks = new MicroBatch<{ row: LeasedRequest; at: string }, void>(
    async (items) => {
      await updateAcked(
        this.db,
        this.caps,
        this.owner,
        items.map(({ row, at }) => ({
          id: row.id,
          attempts: row.attempts + 1,
          sent_at: row.sent_at ?? at,
          acked_at: at,
        })),
      );
      return items.map(() => undefined);
    },
    256,
    ACK_HOLD_MS,
  );

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: Capabilities,
    private readonly gateway: GatewayService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: DispatcherOptions = {},
  ) {
    this.owner = options.owner ?? `dispatcher-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.opts = {
      batch: options.batch ?? 256,
      leaseMarginMs: options.leaseMarginMs ?? 5_000,
      pollMs: options.pollMs ?? 250,
      maxAttempts: options.maxAttempts ?? 12,
      backoffBaseMs: options.backoffBaseMs ?? 200,
      backoffCapMs: options.backoffCapMs ?? 60_000,
      pollAfterMs: options.pollAfterMs ?? 30_000,
      concurrency: options.concurrency ?? 1024,
      batchSend: options.batchSend ?? true,
    };
  }

  /** Poll the outbox continuously and react to `gateway.kick`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.gateway.onEnqueued(() => this.wake());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    await this.client?.close();
    this.client = undefined;
  }

  wake(): void {
    if (!this.running) return;
    if (this.busy) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.busy = this.tick({ idle: ms > 0 })
        .then(() => undefined)
        .catch((error) => this.logger.error({ err: error }, 'gateway dispatcher tick failed'))
        .finally(() => {
          this.busy = undefined;
          if (!this.running) return;
          const more = this.again;
          this.again = false;
          this.schedule(more ? 0 : this.opts.pollMs);
        });
    }, ms);
  }

  /**
   * One round: lease what is due and send it; ask for overdue answers. Returns how many were sent.
   * `idle`: a poll, not a wake-up for new work (SQLite: look before taking the write lock).
   */
  async tick(options: { idle?: boolean } = {}): Promise<number> {
    let client: InstitutionClient;
    try {
      client = await this.ensureClient();
    } catch (error) {
      // No keys loaded yet: nothing can be sent; say so once, keep polling for when they arrive.
      if (!this.warnedNoKeys) this.logger.warn(`gateway idle: ${(error as Error).message}`);
      this.warnedNoKeys = true;
      this.gateway.invalidate();
      return 0;
    }
    this.warnedNoKeys = false;
    const now = this.clock.now();
    const free = this.opts.concurrency - this.inFlight;
    if (free <= 0) return 0;
    // One statement, no transaction around it (on PostgreSQL that was three more round trips).
    const rows =
      options.idle && !this.caps.rowLocks && !(await anyDue(this.db, now.toISOString()))
        ? []
        : await claimDue(
            this.db,
            this.caps,
            this.owner,
            now.toISOString(),
            new Date(now.getTime() + this.leaseMs()).toISOString(),
            Math.min(this.opts.batch, free),
            { expired: this.sweepDue() },
          );
    // Sent concurrently; the tick does not wait for slow institutions before leasing more.
    for (const row of rows) void this.track(this.dispatch(client, row));
    if (rows.length === this.opts.batch) this.again = true;
    this.starved = rows.length === free && free < this.opts.batch;
    // The overdue query walks every acknowledged request: once per poll interval is enough (a
    // busy dispatcher ticks far more often; answers are asked for after pollAfterMs anyway).
    if (performance.now() - this.lastOverduePoll >= this.opts.pollMs) {
      this.lastOverduePoll = performance.now();
      await this.pollOverdue(client, now);
    }
    return rows.length;
  }

  /** Whether this round's lease also takes requests whose lease ran out: once per poll interval. */
  private sweepDue(): boolean {
    if (performance.now() - this.lastSweep < this.opts.pollMs) return false;
    this.lastSweep = performance.now();
    return true;
  }

  /** The JetStream path: a worker was told request `id` is ready. False if someone else has it or it is not due. */
  async processById(id: number): Promise<boolean> {
    const client = await this.ensureClient();
    const row = await this.claims.push(id);
    if (!row) return false;
    await this.track(this.dispatch(client, row));
    return true;
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await work;
    } catch (error) {
      this.logger.error({ err: error }, 'gateway send failed');
    } finally {
      this.inFlight--;
      // Leasing stopped for want of room: resume as soon as half the room is free again.
      if (this.starved && this.inFlight <= this.opts.concurrency / 2) {
        this.starved = false;
        this.wake();
      }
    }
  }

  private leaseMs(): number {
    return 5_000 + this.opts.leaseMarginMs;
  }

  private async ensureClient(): Promise<InstitutionClient> {
    if (!this.client) {
      const directory = await this.gateway.directory();
      // Signatures carry the wall-clock time: the receiver checks them against its own clock,
      // whatever time the case work runs on (a simulation may run faster than real time).
      this.client = new InstitutionClient({ signer: directory.signer, endpoints: directory.endpoints });
    }
    return this.client;
  }

  /**
   * Send `row` together with whatever else for its institution is ready: one request alone, two
   * or more in one batch exchange. At most `EXCHANGES_PER_INSTITUTION` exchanges with one
   * institution are on their way at a time; what becomes ready meanwhile waits for the next, so
   * batches grow with the load and a quiet institution gets each request at once. Resolves once
   * its outcome is stored.
   */
  private dispatch(client: InstitutionClient, row: LeasedRequest): Promise<void> {
    return new Promise<void>((done, failed) => {
      const code = row.institution_code;
      let lane = this.outgoing.get(code);
      if (!lane) {
        lane = { queue: [], inFlight: 0, scheduled: false };
        this.outgoing.set(code, lane);
      }
      lane.queue.push({ row, done, failed });
      this.pump(client, code);
    });
  }

  private pump(client: InstitutionClient, code: string): void {
    const lane = this.outgoing.get(code);
    if (!lane || lane.scheduled || lane.queue.length === 0) return;
    if (lane.inFlight >= EXCHANGES_PER_INSTITUTION) return;
    lane.scheduled = true;
    // On the next turn of the event loop: rows leased in this one go along.
    setImmediate(() => {
      lane.scheduled = false;
      while (lane.inFlight < EXCHANGES_PER_INSTITUTION && lane.queue.length > 0) {
        const chunk = lane.queue.splice(0, this.opts.batchSend ? BATCH_MAX_ITEMS : 1);
        lane.inFlight++;
        // The lane is free again once the exchange is over, not once its outcomes are stored.
        let freed = false;
        const free = () => {
          if (freed) return;
          freed = true;
          lane.inFlight--;
          if (lane.queue.length > 0) this.pump(client, code);
          else if (lane.inFlight === 0) this.outgoing.delete(code);
        };
        this.sendGroup(
          client,
          code,
          chunk.map((e) => e.row),
          free,
        )
          .then(
            () => {
              for (const e of chunk) e.done();
            },
            (error: unknown) => {
              for (const e of chunk) e.failed(error);
            },
          )
          .finally(free);
      }
    });
  }

  private async sendGroup(
    client: InstitutionClient,
    institution: string,
    leased: readonly LeasedRequest[],
    exchanged: () => void,
  ): Promise<void> {
    const directory = await this.gateway.directory();
    const rate = directory.rates.get(institution) ?? 200;
    for (let i = 0; i < leased.length; i++) await this.buckets.take(institution, rate);
    // A row that waited so long for its turn (a slow institution) that its lease would run out
    // before an answer could come is not sent: it goes back to the outbox as it was.
    const timeoutMs = client.endpoint(institution)?.timeoutMs ?? 5_000;
    const latest = new Date(this.clock.now().getTime() + timeoutMs).toISOString();
    const rows = leased.filter((row) => row.lease_until !== null && row.lease_until > latest);
    if (rows.length < leased.length)
      await releaseLeased(
        this.db,
        leased.filter((row) => !rows.includes(row)).map((row) => row.id),
        this.owner,
      );
    if (rows.length === 0) return;
    if (rows.length > 1 && this.opts.batchSend && !this.singleOnly.has(institution)) {
      const outcomes = await client.sendBatch(
        institution,
        rows.map((row) => ({
          type: row.type as RequestType,
          body: row.body,
          idempotencyKey: row.request_id,
        })),
      );
      if (outcomes !== 'unsupported') {
        exchanged();
        await Promise.all(rows.map((row, i) => this.record(row, outcomes[i]!)));
        return;
      }
      this.singleOnly.add(institution);
      this.logger.info({ institution }, 'institution has no batch endpoint: sending its requests one by one');
    }
    const outcomes = await Promise.all(
      rows.map((row) =>
        client.sendRaw(row.institution_code, row.type as RequestType, row.body, row.request_id),
      ),
    );
    exchanged();
    await Promise.all(rows.map((row, i) => this.record(row, outcomes[i]!)));
  }

  /** Store what became of one attempt, while the lease is still ours. */
  private async record(row: LeasedRequest, outcome: SendOutcome): Promise<void> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const attempts = row.attempts + 1;
    if (outcome.kind === 'accepted') {
      await this.acks.push({ row, at: nowIso });
    } else if (outcome.kind === 'retry') {
      const error = `${outcome.reason}${outcome.httpStatus ? ` (HTTP ${outcome.httpStatus})` : ''}: ${outcome.detail}`;
      if (attempts >= this.opts.maxAttempts) {
        const stored = await updateLeased(this.db, row.id, this.owner, {
          state: 'dead',
          attempts,
          last_error: error,
          lease_owner: null,
          lease_until: null,
          updated_at: nowIso,
        });
        if (stored)
          await this.gateway.raiseDeadLetter(
            row,
            `${row.type} to ${row.institution_code} gave up after ${attempts} attempts: ${error}`,
          );
      } else {
        const delay = Math.max(
          outcome.retryAfterMs ?? 0,
          backoffDelayMs(attempts, { baseMs: this.opts.backoffBaseMs, capMs: this.opts.backoffCapMs }),
        );
        await updateLeased(this.db, row.id, this.owner, {
          state: 'queued',
          attempts,
          sent_at: row.sent_at ?? nowIso,
          next_attempt_at: new Date(now.getTime() + delay).toISOString(),
          last_error: error,
          lease_owner: null,
          lease_until: null,
          updated_at: nowIso,
        });
      }
    } else {
      await updateLeased(this.db, row.id, this.owner, {
        state: 'failed',
        attempts,
        sent_at: row.sent_at ?? nowIso,
        last_error: `refused (HTTP ${outcome.httpStatus}) ${outcome.problem.code}: ${outcome.problem.message}`,
        lease_owner: null,
        lease_until: null,
        updated_at: nowIso,
      });
      await this.gateway.raiseDeadLetter(
        row,
        `${row.institution_code} refused ${row.type}: ${outcome.problem.code} ${outcome.problem.message}`,
      );
    }
  }

  /** The polling fallback: acknowledged long ago and still no feedback — ask the institution. */
  private async pollOverdue(client: InstitutionClient, now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - this.opts.pollAfterMs).toISOString();
    const overdue = await this.db
      .selectFrom('gateway_request')
      .selectAll()
      .where('state', '=', 'acknowledged')
      .where('acked_at', '<', cutoff)
      .where('updated_at', '<', cutoff)
      .orderBy('acked_at')
      .limit(32)
      .execute();
    for (const row of overdue) {
      const status = await client.getStatus(row.institution_code, row.request_id);
      if (status.kind === 'ok' && status.value.feedback) {
        await this.gateway.applyFeedback(status.value.feedback, 'poll');
      } else {
        // Not answered yet (or not reachable): look again after another interval.
        await updateRequest(this.db, row.id, { updated_at: this.clock.now().toISOString() });
      }
    }
  }
}
