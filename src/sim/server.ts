/**
 * The simulator's HTTP side (Fastify): serves the institution protocol for every institution
 * under /inst/<code>/v1/…, verifies Levee's signatures (timestamp window, nonce replay), applies
 * idempotency, injects faults and latency, executes on the simulated ledgers, and sends signed
 * feedback callbacks to Levee (resending until a 2xx, unless the fault plan drops them; polling
 * endpoints stay as the fallback). /sim/… is introspection for tests and demos — no signatures,
 * so listen on localhost only.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Agent } from 'undici';
import { backoffDelayMs } from '../institution-protocol/backoff.js';
import { problemOf } from '../institution-protocol/callback-verifier.js';
import { ProtocolError } from '../institution-protocol/errors.js';
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyStore } from '../institution-protocol/idempotency.js';
import type { KeysFile } from '../institution-protocol/keys-file.js';
import { ReplayGuard } from '../institution-protocol/replay-guard.js';
import {
  type Ack,
  BATCH_MAX_ITEMS,
  BATCH_PATH,
  type BatchItemResult,
  type BatchRequest,
  type Feedback,
  REQUEST_TYPES,
  type RequestType,
} from '../institution-protocol/schemas.js';
import {
  createSigner,
  headerList,
  Keyring,
  type Signer,
  signRequestAsync,
  verifySignature,
  verifySignatureAsync,
} from '../institution-protocol/signing.js';
import { isRequestType, validateBatchRequest, validateRequest } from '../institution-protocol/validate.js';
import type { Logger } from '../core/logger.js';
import { isoCst, SimClock } from './clock.js';
import { exportLedger } from './export-ledger.js';
import { FaultPlan, type FaultProfile, resolveFaultProfile } from './faults.js';
import type { InstitutionInfo } from './institutions.js';
import { simKeysFile } from './keys.js';
import type { Scenario } from './scenario.js';
import { type RequestRecord, Simulator } from './simulator.js';

export interface SimServerOptions {
  scenario: Scenario;
  banks?: number;
  payments?: number;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Sim start, Unix ms (default: scenario.start, else now). */
  start?: number;
  /** Sim ms per wall ms (default 1). */
  speed?: number;
  /** Keys file with the institutions' private keys and Levee's public key (default: derived from the seed). */
  keys?: KeysFile;
  /** Where feedback is POSTed; without it Levee must poll. */
  callbackUrl?: string;
  faults?: FaultProfile | string;
  replayWindowMs?: number;
  /** How often the world is advanced to the clock, wall ms (default 20). */
  tickMs?: number;
  /** Callback attempts before giving up (feedback stays available by polling). Default 8. */
  callbackAttempts?: number;
  /**
   * Most feedbacks of one institution sent in one callback (`{ "feedback": [...] }`). Feedback
   * that comes due while a callback of the same institution is on its way waits and goes with the
   * next one, so batches only form under load. Default BATCH_MAX_ITEMS; 1 sends each alone.
   */
  callbackBatch?: number;
  logger?: Logger;
}

export interface CallbackStats {
  sent: number;
  delivered: number;
  failedAttempts: number;
  givenUp: number;
  dropped: number;
  duplicated: number;
  /** Callbacks that carried more than one feedback (each counts in `sent` per feedback). */
  batches: number;
}

export interface SimServer {
  readonly url: string;
  readonly port: number;
  readonly simulator: Simulator;
  readonly clock: SimClock;
  /** Keys file for Levee's side, with this server's base URLs (Levee's private key included). */
  readonly keys: KeysFile;
  readonly faults: FaultProfile;
  readonly app: FastifyInstance;
  callbackStats(): CallbackStats;
  close(): Promise<void>;
}

const TYPE_BY_SEGMENT = new Map<string, RequestType>(
  (Object.entries(REQUEST_TYPES) as [RequestType, { path: string }][]).map(([type, spec]) => [
    spec.path.slice('/v1/'.length),
    type,
  ]),
);

function sendProblem(reply: FastifyReply, error: unknown): FastifyReply {
  const problem = problemOf(error);
  return reply.code(problem.status).send(problem.body);
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const start = options.start ?? (options.scenario.start ? Date.parse(options.scenario.start) : Date.now());
  const simulator = new Simulator({
    scenario: options.scenario,
    start,
    banks: options.banks,
    payments: options.payments,
  });
  const clock = new SimClock({ start, speed: options.speed ?? 1 });
  const faults =
    typeof options.faults === 'object' ? options.faults : resolveFaultProfile(options.faults ?? 'none');
  const plan = new FaultPlan(faults, options.scenario.seed, simulator.world.institutions);
  const host = options.host ?? '127.0.0.1';
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let closed = false;

  // Keys: institutions sign callbacks; Levee's public key verifies requests.
  const provisional =
    options.keys ??
    simKeysFile({
      seed: options.scenario.seed,
      institutions: simulator.world.institutions,
      baseUrl: 'http://placeholder',
    });
  const keyring = new Keyring([[provisional.levee.keyId, provisional.levee.publicKey]]);
  const signers = new Map<string, Signer>();
  for (const inst of provisional.institutions)
    if (inst.privateKey) signers.set(inst.code, createSigner(inst.code, inst.privateKey));
  const replay = new ReplayGuard({ windowMs: options.replayWindowMs });
  const idempotency = new IdempotencyStore<Ack>();

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const advance = () => simulator.advanceTo(Math.max(clock.now(), simulator.world.now));

  // ------------------------------------------------------------------------------------------
  // Callbacks
  const callbackAgent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  const stats: CallbackStats = {
    sent: 0,
    delivered: 0,
    failedAttempts: 0,
    givenUp: 0,
    dropped: 0,
    duplicated: 0,
    batches: 0,
  };
  const attempts = options.callbackAttempts ?? 8;
  /** Request exchanges served: single requests, batches and the items they carried. */
  const exchanges = { single: 0, batches: 0, batchedItems: 0 };
  const callbackUrl = options.callbackUrl ? new URL(options.callbackUrl) : undefined;
  const callbackOrigin = callbackUrl?.origin ?? '';
  const callbackPath = callbackUrl ? callbackUrl.pathname + callbackUrl.search : '';

  const batchMax = Math.max(1, Math.min(BATCH_MAX_ITEMS, options.callbackBatch ?? BATCH_MAX_ITEMS));
  /** Callbacks of one institution on their way at once; what comes due meanwhile is batched. */
  const IN_FLIGHT_PER_INSTITUTION = 2;
  /** A feedback waiting for its callback, with its JSON text (made once, resends included). */
  type Pending = { feedback: Feedback; text: string; attempt: number };
  /**
   * A feedback batch stays under the 1 MiB a receiver (Levee's callback route) takes: at most this
   * many characters of JSON, UTF-8 taking at most 3 bytes for each.
   */
  const CALLBACK_BATCH_CHARS = 320 * 1024;
  const outgoing = new Map<string, { queue: Pending[]; inFlight: number; scheduled: boolean }>();

  const deliver = (feedback: Feedback, attempt: number, text = JSON.stringify(feedback)): void => {
    if (closed || !callbackUrl) return;
    let q = outgoing.get(feedback.institution);
    if (!q) {
      q = { queue: [], inFlight: 0, scheduled: false };
      outgoing.set(feedback.institution, q);
    }
    q.queue.push({ feedback, text, attempt });
    pump(feedback.institution);
  };

  const pump = (code: string): void => {
    const q = outgoing.get(code);
    if (!q || q.scheduled || q.queue.length === 0 || q.inFlight >= IN_FLIGHT_PER_INSTITUTION) return;
    q.scheduled = true;
    // On the next turn: what else comes due in this one goes along.
    setImmediate(() => {
      q.scheduled = false;
      if (closed) return;
      if (q.inFlight >= IN_FLIGHT_PER_INSTITUTION) return;
      let count = 0;
      let chars = 0;
      while (count < Math.min(batchMax, q.queue.length)) {
        chars += (q.queue[count] as Pending).text.length + 1;
        if (count > 0 && chars > CALLBACK_BATCH_CHARS) break;
        count++;
      }
      const items = q.queue.splice(0, count);
      if (items.length === 0) return;
      q.inFlight++;
      void send(code, items).finally(() => {
        q.inFlight--;
        pump(code);
      });
    });
  };

  /** POST one callback (a single feedback or a batch); resend what was not taken, with backoff. */
  const send = async (code: string, items: Pending[]): Promise<void> => {
    const signer = signers.get(code);
    if (!signer || !callbackUrl) return;
    const batch = items.length > 1;
    const body = batch ? `{"feedback":[${items.map((i) => i.text).join(',')}]}` : items[0]!.text;
    const headers = await signRequestAsync(
      signer,
      batch
        ? { method: 'POST', path: callbackPath, body }
        : { method: 'POST', path: callbackPath, body, idempotencyKey: items[0]!.feedback.feedbackId },
    );
    stats.sent += items.length;
    if (batch) stats.batches++;
    let taken: boolean[] = items.map(() => false);
    try {
      // The agent's own request(): undici's top-level request() parses the URL again and copies
      // the options into a literal that starts with a spread (V8's slow path on Node 20).
      const response = await callbackAgent.request({
        origin: callbackOrigin,
        path: callbackPath,
        method: 'POST',
        headers: headerList(headers, true),
        body,
        // Not AbortSignal.timeout: that kept a signal and a timer alive for 5 s per callback, and
        // at 2,000 req/s they outlived young-generation collections (copied, then promoted).
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (!batch) {
        await response.body.dump();
        taken = [ok];
      } else if (ok) {
        const answer = (await response.body.json()) as { results?: { status?: number }[] };
        taken = items.map((_, i) => {
          const status = answer.results?.[i]?.status ?? 0;
          return status >= 200 && status < 300;
        });
      } else await response.body.dump();
    } catch {
      // no answer: everything is resent
    }
    for (const [i, item] of items.entries()) {
      if (taken[i]) {
        stats.delivered++;
        continue;
      }
      stats.failedAttempts++;
      if (item.attempt + 1 >= attempts) {
        stats.givenUp++;
        continue;
      }
      later(backoffDelayMs(item.attempt, { baseMs: 200, capMs: 10_000 }) + 50, () =>
        deliver(item.feedback, item.attempt + 1, item.text),
      );
    }
  };

  simulator.onFeedback((feedback, json) => {
    if (!callbackUrl) return;
    const p = plan.callbackPlan(feedback.institution);
    if (p.drop) {
      stats.dropped++;
      return;
    }
    if (p.delays.length > 1) stats.duplicated += p.delays.length - 1;
    for (const delay of p.delays) {
      if (delay === 0) deliver(feedback, 0, json);
      else later(delay, () => deliver(feedback, 0, json));
    }
  });

  // ------------------------------------------------------------------------------------------
  // Protocol routes
  const hang = (reply: FastifyReply) =>
    new Promise<FastifyReply>((resolve) =>
      later(faults.hangMs, () =>
        resolve(reply.code(504).send({ code: 'UNAVAILABLE', message: 'simulated timeout' })),
      ),
    );

  /**
   * The idempotency scope of an institution and a sender key, made once: the store keeps it in
   * every entry's key, and a scope concatenated per request stayed there as a string tree.
   */
  const scopes = new Map<string, Map<string, string>>();
  const scopeOf = (code: string, keyId: string): string => {
    let byKey = scopes.get(code);
    if (!byKey) {
      byKey = new Map();
      scopes.set(code, byKey);
    }
    let scope = byKey.get(keyId);
    if (scope === undefined) {
      scope = `${code}\u0000${keyId}`;
      byKey.set(keyId, scope);
    }
    return scope;
  };

  const execute = (record: RequestRecord) => {
    if (closed) return;
    advance();
    simulator.execute(record, simulator.world.now);
  };
  /** Executes the records of one exchange that have no delay, in order (one immediate, not one each). */
  const executeAll = (records: RequestRecord[]) => {
    for (const record of records) execute(record);
  };

  /**
   * Record one request (its sender already authenticated) under its idempotency key and schedule
   * its execution (without delay: in `due`, the exchange's list that one immediate executes); a
   * repeat of the key gets the first answer. Throws ProtocolError.
   */
  const acceptOne = (
    code: string,
    inst: InstitutionInfo,
    type: RequestType,
    keyId: string,
    key: string | undefined,
    bytes: string | Buffer,
    parse: () => unknown,
    due: RequestRecord[],
  ): { ack: Ack; replayed: boolean } => {
    if (!key || !IDEMPOTENCY_KEY_PATTERN.test(key))
      throw new ProtocolError(
        'IDEMPOTENCY_KEY_MISSING',
        'Idempotency-Key must be 8-128 of A-Z a-z 0-9 . _ : -',
      );
    const scope = scopeOf(code, keyId);
    const lookup = idempotency.lookup(scope, key, bytes);
    if (lookup.kind === 'replay') return { ack: lookup.answer.body, replayed: true };
    const body = validateRequest(parse(), { expectedType: type, temporal: false });
    advance();
    const { record, duplicate } = simulator.accept(code, body, key, simulator.world.now);
    const ack: Ack = {
      requestId: body.requestId,
      institution: code,
      status: 'accepted',
      receivedAt: isoCst(record.receivedAt),
    };
    idempotency.store(scope, key, lookup.bodyHash, { status: 202, body: ack });
    if (!duplicate) {
      const delay = plan.executionDelayMs(inst);
      if (delay > 0) later(delay, () => execute(record));
      else if (due.push(record) === 1) setImmediate(executeAll, due);
    }
    return { ack, replayed: false };
  };

  app.post<{ Params: { code: string } }>(`/inst/:code${BATCH_PATH}`, async (request, reply) => {
    const { code } = request.params;
    const inst = simulator.institution(code);
    if (!inst)
      return sendProblem(reply, new ProtocolError('UNKNOWN_INSTITUTION', `no institution ${code} here`));
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    let batch: BatchRequest;
    let keyId: string;
    try {
      // Off the event loop: checking signatures was a fifth of the simulator's busy time.
      const fields = await verifySignatureAsync(keyring, {
        method: 'POST',
        path: request.url,
        headers: request.headers,
        body: raw,
      });
      replay.check(fields.keyId, fields.timestamp, fields.nonce);
      keyId = fields.keyId;
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ProtocolError('VALIDATION', 'the body is not JSON');
      }
      batch = validateBatchRequest(json);
    } catch (error) {
      return sendProblem(reply, error);
    }
    exchanges.batches++;
    exchanges.batchedItems += batch.items.length;
    // Each item meets the faults a request of its own would: the exchange hangs if any item's does.
    let hangs = false;
    const due: RequestRecord[] = [];
    const results: BatchItemResult[] = batch.items.map((item) => {
      const idempotencyKey = item.idempotencyKey;
      const fault = plan.requestFault(code);
      if (fault === 'unavailable')
        return {
          idempotencyKey,
          status: 503,
          problem: { code: 'UNAVAILABLE', message: 'simulated outage; retry later' },
        };
      if (fault === 'timeout-before') {
        hangs = true;
        return {
          idempotencyKey,
          status: 504,
          problem: { code: 'UNAVAILABLE', message: 'simulated timeout' },
        };
      }
      try {
        if (!isRequestType(item.type))
          throw new ProtocolError('VALIDATION', `unknown request type ${JSON.stringify(item.type)}`, 'type');
        const { ack, replayed } = acceptOne(
          code,
          inst,
          item.type,
          keyId,
          idempotencyKey,
          JSON.stringify(item.request),
          () => item.request,
          due,
        );
        if (fault === 'ack-lost')
          return {
            idempotencyKey,
            status: 500,
            problem: { code: 'INTERNAL', message: 'simulated failure after recording' },
          };
        if (fault === 'timeout-after') hangs = true;
        return replayed
          ? { idempotencyKey, status: 202, ack, replayed }
          : { idempotencyKey, status: 202, ack };
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        const problem = problemOf(error);
        return { idempotencyKey, status: problem.status, problem: problem.body };
      }
    });
    if (hangs) return hang(reply);
    return reply.code(200).send({ results });
  });

  app.post<{ Params: { code: string; kind: string } }>('/inst/:code/v1/:kind', async (request, reply) => {
    const { code, kind } = request.params;
    const inst = simulator.institution(code);
    if (!inst)
      return sendProblem(reply, new ProtocolError('UNKNOWN_INSTITUTION', `no institution ${code} here`));
    const type = TYPE_BY_SEGMENT.get(kind);
    if (!type) return sendProblem(reply, new ProtocolError('NOT_FOUND', `no endpoint /v1/${kind}`));
    exchanges.single++;
    const fault = plan.requestFault(code);
    if (fault === 'unavailable')
      return reply.code(503).send({ code: 'UNAVAILABLE', message: 'simulated outage; retry later' });
    if (fault === 'timeout-before') return hang(reply);
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    let answer: { ack: Ack; replayed: boolean };
    const due: RequestRecord[] = [];
    try {
      const fields = await verifySignatureAsync(keyring, {
        method: 'POST',
        path: request.url,
        headers: request.headers,
        body: raw,
      });
      replay.check(fields.keyId, fields.timestamp, fields.nonce);
      answer = acceptOne(
        code,
        inst,
        type,
        fields.keyId,
        fields.idempotencyKey,
        raw,
        () => {
          try {
            return JSON.parse(raw.toString('utf8'));
          } catch {
            throw new ProtocolError('VALIDATION', 'the body is not JSON');
          }
        },
        due,
      );
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return sendProblem(reply, error);
    }
    if (fault === 'ack-lost')
      return reply.code(500).send({ code: 'INTERNAL', message: 'simulated failure after recording' });
    if (fault === 'timeout-after') return hang(reply);
    if (answer.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(202).send(answer.ack);
  });

  const verifyGet = (request: { url: string; headers: Record<string, string | string[] | undefined> }) => {
    const fields = verifySignature(keyring, {
      method: 'GET',
      path: request.url,
      headers: request.headers,
      body: '',
    });
    replay.check(fields.keyId, fields.timestamp, fields.nonce);
  };

  app.get<{ Params: { code: string; requestId: string } }>(
    '/inst/:code/v1/requests/:requestId',
    async (request, reply) => {
      try {
        verifyGet(request);
        if (!simulator.institution(request.params.code))
          throw new ProtocolError('UNKNOWN_INSTITUTION', `no institution ${request.params.code} here`);
        advance();
        const status = simulator.status(request.params.code, request.params.requestId);
        if (!status) throw new ProtocolError('NOT_FOUND', `no request ${request.params.requestId}`);
        return status;
      } catch (error) {
        return sendProblem(reply, error);
      }
    },
  );

  app.get<{ Params: { code: string }; Querystring: { after?: string; limit?: string } }>(
    '/inst/:code/v1/feedback',
    async (request, reply) => {
      try {
        verifyGet(request);
        if (!simulator.institution(request.params.code))
          throw new ProtocolError('UNKNOWN_INSTITUTION', `no institution ${request.params.code} here`);
        const after = Number(request.query.after ?? 0);
        const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100)));
        if (!Number.isInteger(after) || after < 0 || !Number.isInteger(limit))
          throw new ProtocolError('VALIDATION', 'after and limit must be whole numbers');
        advance();
        return simulator.feedbackAfter(request.params.code, after, limit);
      } catch (error) {
        return sendProblem(reply, error);
      }
    },
  );

  // ------------------------------------------------------------------------------------------
  // Introspection (tests, demos)
  app.get('/sim/status', async () => {
    advance();
    return {
      now: isoCst(simulator.world.now),
      speed: clock.speed,
      faults: faults.name,
      institutions: simulator.world.institutions.length,
      stats: simulator.stats(),
      callbacks: { ...stats },
      exchanges: { ...exchanges },
    };
  });
  app.get<{ Params: { code: string; requestId: string } }>(
    '/sim/executions/:code/:requestId',
    async (request) => ({
      institution: request.params.code,
      requestId: request.params.requestId,
      executions: simulator.executionCount(request.params.code, request.params.requestId),
    }),
  );
  app.get('/sim/truth', async () => {
    advance();
    const world = simulator.world;
    const ledger = world.ledger;
    const describe = (a: number) => ({
      institution: world.institutions[ledger.inst[a] as number]?.code,
      number: ledger.number[a],
      name: world.persons[ledger.holder[a] as number]?.name,
      balance: ledger.balance[a],
      available: ledger.available(a, world.now),
    });
    return {
      victims: world.victims.map((v) => ({
        id: v.id,
        gang: v.gang,
        amount: v.amount,
        account: describe(v.account),
      })),
      gangs: world.gangs.map((g) => ({ id: g.id, levels: g.levels.map((level) => level.map(describe)) })),
    };
  });
  app.get<{ Params: { code: string; number: string } }>(
    '/sim/accounts/:code/:number',
    async (request, reply) => {
      advance();
      const inst = simulator.institution(request.params.code);
      const a = inst ? simulator.world.ledger.find(inst.index, request.params.number) : undefined;
      if (a === undefined) return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such account' });
      const ledger = simulator.world.ledger;
      return {
        balance: ledger.balance[a],
        available: ledger.available(a, simulator.world.now),
        holds: ledger
          .holdsOf(a)
          .map((h) => ({ ...h, startsAt: isoCst(h.startsAt), expiresAt: isoCst(h.expiresAt) })),
      };
    },
  );
  app.get('/sim/ledger', async () => {
    advance();
    return exportLedger(simulator.world);
  });

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const keys: KeysFile = {
    ...provisional,
    institutions: provisional.institutions.map((i) => ({ ...i, baseUrl: `${url}/inst/${i.code}` })),
  };
  const ticker = setInterval(advance, options.tickMs ?? 20);
  options.logger?.info({ url, faults: faults.name }, 'simulator listening');

  return {
    url,
    port,
    simulator,
    clock,
    keys,
    faults,
    app,
    callbackStats: () => ({ ...stats }),
    close: async () => {
      closed = true;
      clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await app.close();
      await callbackAgent.close();
    },
  };
}
