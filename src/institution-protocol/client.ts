/**
 * Typed client Levee uses to talk to institutions (undici, one keep-alive pool per origin).
 * It never throws for transport or HTTP failures: `send` returns an outcome an outbox worker can
 * act on directly — `accepted` (mark acknowledged), `retry` (back off and resend the same bytes
 * with the same idempotency key) or `refused` (permanent: dead-letter). Bodies are signed with a
 * fresh timestamp and nonce on every attempt; the idempotency key stays the same.
 */
import { Agent, type Dispatcher } from 'undici';
import { RequestValidationError } from './errors.js';
import type {
  Ack,
  BatchResult,
  FeedbackPage,
  InstitutionRequest,
  Problem,
  RequestStatus,
  RequestType,
} from './schemas.js';
import { BATCH_PATH, REQUEST_TYPES } from './schemas.js';
import { headerList, type Signer, signRequestAsync } from './signing.js';
import { validateRequest } from './validate.js';

export interface InstitutionEndpoint {
  /** e.g. https://levee-gw.icbc.example/api or http://127.0.0.1:7100/inst/ICBC (no trailing slash). */
  baseUrl: string;
  timeoutMs?: number;
}

export type EndpointDirectory =
  | ReadonlyMap<string, InstitutionEndpoint>
  | ((institution: string) => InstitutionEndpoint | undefined);

export interface InstitutionClientOptions {
  signer: Signer;
  endpoints: EndpointDirectory;
  /** Default per-attempt timeout, ms (5000). An endpoint's own timeoutMs wins. */
  timeoutMs?: number;
  /** Max sockets per origin (64). */
  connections?: number;
  now?: () => number;
  dispatcher?: Dispatcher;
}

export type RetryReason = 'timeout' | 'network' | 'server-error' | 'rate-limited' | 'nonce-replayed';

export type SendOutcome =
  | { kind: 'accepted'; ack: Ack; replayed: boolean; httpStatus: number }
  | { kind: 'retry'; reason: RetryReason; httpStatus?: number; retryAfterMs?: number; detail: string }
  | { kind: 'refused'; httpStatus: number; problem: Problem };

export type FetchOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'not-found' }
  | { kind: 'retry'; reason: RetryReason; httpStatus?: number; detail: string }
  | { kind: 'refused'; httpStatus: number; problem: Problem };

export interface SendOptions {
  /** Defaults to request.requestId. */
  idempotencyKey?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class InstitutionClient {
  private readonly signer: Signer;
  private readonly endpoints: EndpointDirectory;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: boolean;

  constructor(options: InstitutionClientOptions) {
    this.signer = options.signer;
    this.endpoints = options.endpoints;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.ownDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({ connections: options.connections ?? 64, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  endpoint(institution: string): InstitutionEndpoint | undefined {
    return typeof this.endpoints === 'function'
      ? this.endpoints(institution)
      : this.endpoints.get(institution);
  }

  /** Validate, serialise and send. Validation failures throw RequestValidationError (nothing is sent). */
  async send(
    institution: string,
    request: InstitutionRequest,
    options: SendOptions = {},
  ): Promise<SendOutcome> {
    if (!this.endpoint(institution))
      throw new RequestValidationError(`unknown institution "${institution}"`, 'institution');
    validateRequest(request, { now: this.now() });
    return this.sendRaw(
      institution,
      request.type,
      JSON.stringify(request),
      options.idempotencyKey ?? request.requestId,
      options,
    );
  }

  /**
   * Send an already serialised body (what an outbox row stores), so retries carry the same bytes.
   * `body` must be the JSON of a request of `type`.
   */
  async sendRaw(
    institution: string,
    type: RequestType,
    body: string,
    idempotencyKey: string,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<SendOutcome> {
    const endpoint = this.endpoint(institution);
    if (!endpoint)
      return {
        kind: 'refused',
        httpStatus: 0,
        problem: { code: 'UNKNOWN_INSTITUTION', message: institution },
      };
    const url = new URL(endpoint.baseUrl + REQUEST_TYPES[type].path);
    const result = await this.call(endpoint, url, 'POST', body, idempotencyKey, options);
    if (result.kind !== 'response') return result;
    const { status, json, headers } = result;
    if (status === 200 || status === 201 || status === 202)
      return {
        kind: 'accepted',
        ack: json as Ack,
        replayed: headers['idempotent-replayed'] === 'true',
        httpStatus: status,
      };
    return classifyFailure(status, json, headers);
  }

  /**
   * Send several already serialised requests to one institution in one signed exchange
   * (POST /v1/batches). Returns one outcome per item, in order, as `sendRaw` would have for each
   * alone; a failure of the whole exchange (timeout, network, 5xx, a refused signature) is every
   * item's outcome. 'unsupported' when the institution has no batch endpoint (send them one by one).
   */
  async sendBatch(
    institution: string,
    items: readonly { type: RequestType; body: string; idempotencyKey: string }[],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<SendOutcome[] | 'unsupported'> {
    const endpoint = this.endpoint(institution);
    if (!endpoint)
      return items.map(() => ({
        kind: 'refused',
        httpStatus: 0,
        problem: { code: 'UNKNOWN_INSTITUTION', message: institution },
      }));
    // The stored bytes of each request go in as they are: no parse and re-serialisation.
    let body = '{"items":[';
    for (const [i, item] of items.entries())
      body += `${i ? ',' : ''}{"type":${JSON.stringify(item.type)},"idempotencyKey":${JSON.stringify(item.idempotencyKey)},"request":${item.body}}`;
    body += ']}';
    const url = new URL(endpoint.baseUrl + BATCH_PATH);
    const result = await this.call(endpoint, url, 'POST', body, undefined, options);
    if (result.kind !== 'response') return items.map(() => result);
    const { status, json, headers } = result;
    const code = (json as Problem | undefined)?.code;
    if (status === 405 || status === 501 || (status === 404 && (code === undefined || code === 'NOT_FOUND')))
      return 'unsupported';
    const results = (json as BatchResult | undefined)?.results;
    if (status !== 200 || !Array.isArray(results) || results.length !== items.length) {
      const failure =
        status === 200
          ? ({
              kind: 'retry',
              reason: 'server-error',
              httpStatus: status,
              detail: 'batch answer without one result per item',
            } as const)
          : classifyFailure(status, json, headers);
      return items.map(() => failure);
    }
    return results.map((r): SendOutcome => {
      if (r.status === 200 || r.status === 201 || r.status === 202)
        return { kind: 'accepted', ack: r.ack as Ack, replayed: r.replayed === true, httpStatus: r.status };
      return classifyFailure(r.status, r.problem, {});
    });
  }

  /** Polling fallback: the status (and feedback, once answered) of one request. */
  async getStatus(
    institution: string,
    requestId: string,
    options: { timeoutMs?: number } = {},
  ): Promise<FetchOutcome<RequestStatus>> {
    return this.fetchJson<RequestStatus>(
      institution,
      `/v1/requests/${encodeURIComponent(requestId)}`,
      options,
    );
  }

  /** Polling fallback: every feedback with seq > after, in seq order. */
  async getFeedback(
    institution: string,
    after: number,
    limit = 100,
    options: { timeoutMs?: number } = {},
  ): Promise<FetchOutcome<FeedbackPage>> {
    return this.fetchJson<FeedbackPage>(institution, `/v1/feedback?after=${after}&limit=${limit}`, options);
  }

  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }

  private async fetchJson<T>(
    institution: string,
    path: string,
    options: { timeoutMs?: number },
  ): Promise<FetchOutcome<T>> {
    const endpoint = this.endpoint(institution);
    if (!endpoint)
      return {
        kind: 'refused',
        httpStatus: 0,
        problem: { code: 'UNKNOWN_INSTITUTION', message: institution },
      };
    const result = await this.call(endpoint, new URL(endpoint.baseUrl + path), 'GET', '', undefined, options);
    if (result.kind !== 'response') return result;
    if (result.status === 200) return { kind: 'ok', value: result.json as T };
    if (result.status === 404 && (result.json as Problem | undefined)?.code === 'NOT_FOUND')
      return { kind: 'not-found' };
    const failure = classifyFailure(result.status, result.json, result.headers);
    return failure.kind === 'retry'
      ? { kind: 'retry', reason: failure.reason, httpStatus: result.status, detail: failure.detail }
      : failure;
  }

  private async call(
    endpoint: InstitutionEndpoint,
    url: URL,
    method: 'GET' | 'POST',
    body: string,
    idempotencyKey: string | undefined,
    options: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<
    | {
        kind: 'response';
        status: number;
        json: unknown;
        headers: Record<string, string | string[] | undefined>;
      }
    | { kind: 'retry'; reason: RetryReason; detail: string }
  > {
    const path = url.pathname + url.search;
    const signed = await signRequestAsync(this.signer, {
      method,
      path,
      body,
      idempotencyKey,
      timestamp: this.now(),
    });
    const timeoutMs = options.timeoutMs ?? endpoint.timeoutMs ?? this.timeoutMs;
    // undici's own header and body timeouts, not AbortSignal.timeout: a signal and its timer lived
    // for the whole timeout per exchange, long enough to be copied and promoted by the collector.
    // undici keeps one coarse timer per connection: a timeout over a second fires up to about a
    // second late, well inside the lease's margin. A caller's own signal still aborts.
    try {
      // The dispatcher's own request(): undici's top-level request() parses the URL again and
      // copies its options after a spread (slow on Node 20) for every exchange.
      const response = await this.dispatcher.request({
        origin: url.origin,
        path,
        method,
        headers: headerList(signed, method === 'POST'),
        body: method === 'POST' ? body : undefined,
        signal: options.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { kind: 'response', status: response.statusCode, json, headers: response.headers };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return { kind: 'retry', reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
      if (options.signal?.aborted) throw error;
      return { kind: 'retry', reason: 'network', detail: `${code}: ${(error as Error).message}` };
    }
  }
}

function classifyFailure(
  status: number,
  json: unknown,
  headers: Record<string, string | string[] | undefined>,
): Exclude<SendOutcome, { kind: 'accepted' }> {
  const problem: Problem =
    json && typeof json === 'object' && typeof (json as Problem).code === 'string'
      ? (json as Problem)
      : { code: `HTTP_${status}`, message: `HTTP ${status}` };
  if (status === 429) {
    const retryAfter = Number(headers['retry-after']);
    return {
      kind: 'retry',
      reason: 'rate-limited',
      httpStatus: status,
      retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      detail: problem.message,
    };
  }
  if (status >= 500)
    return { kind: 'retry', reason: 'server-error', httpStatus: status, detail: problem.message };
  if (problem.code === 'NONCE_REPLAYED')
    return { kind: 'retry', reason: 'nonce-replayed', httpStatus: status, detail: problem.message };
  return { kind: 'refused', httpStatus: status, problem };
}
