/**
 * The case endpoints (notes/api-cases.md). Endpoints that are still being built answer 404; the
 * screens then show an empty state, so `optional` turns a 404 into `null` instead of an error.
 */
import { ApiError, api } from '../api/client.js';
import type {
  CaseDetail,
  CaseEvent,
  CaseGraph,
  CaseSummary,
  DisposalRequest,
  FundReport,
  GatewayRequest,
  Institution,
  IntakeBody,
  IntakeResult,
  Items,
  ScamType,
  TraceComparison,
  TraceDocument,
  TraceRule,
} from '../api/types.js';

export const TRACE_RULES: readonly TraceRule[] = ['fifo', 'lifo', 'libr', 'prorata'];

/** `null` when the endpoint (or the resource) answers 404; any other failure is thrown. */
export async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The gateway's row in the tracker's shape. */
export function fromGateway(r: GatewayRequest): DisposalRequest {
  return {
    id: r.id,
    requestId: r.requestId,
    caseId: r.caseId,
    caseNo: r.caseNo,
    type: r.type,
    institution: r.institution,
    account: r.account ?? '',
    amount: r.amount,
    state: r.state,
    attempts: r.attempts,
    reason: r.reason,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    executedAt: r.executedAt,
    deadlineAt: r.deadlineAt,
    result: r.heldAmount === null ? null : { heldAmount: r.heldAmount },
    resultText: r.result,
    lastError: r.lastError,
  };
}

/**
 * The case's requests: GET /api/cases/:id/requests (every role that may read the case), in the
 * gateway's row shape. Only if that route answers 404 (an older server) the gateway's own list
 * filtered by case is tried; `null` when neither is there or the role may not read the gateway.
 */
async function caseRequests(id: number, signal?: AbortSignal): Promise<Items<DisposalRequest> | null> {
  const own = await optional(api.get<Items<GatewayRequest>>(`/api/cases/${id}/requests`, undefined, signal));
  if (own !== null) return { items: own.items.map(fromGateway) };
  try {
    const rows = await api.get<Items<GatewayRequest>>(
      '/api/gateway/requests',
      { caseId: id, limit: 500 },
      signal,
    );
    return { items: rows.items.map(fromGateway) };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return null;
    throw error;
  }
}

export interface CaseFilter {
  unitId?: number;
  status?: string;
  scamType?: string;
  q?: string;
}

const base = (id: number) => `/api/cases/${id}`;

export const caseApi = {
  scamTypes: (signal?: AbortSignal) => api.get<Items<ScamType>>('/api/scam-types', undefined, signal),
  institutions: (signal?: AbortSignal) => api.get<Items<Institution>>('/api/institutions', undefined, signal),
  list: (filter: CaseFilter, signal?: AbortSignal) =>
    api.get<Items<CaseSummary>>('/api/cases', { ...filter, limit: 200 }, signal),
  create: (body: IntakeBody) => api.post<IntakeResult>('/api/cases', body),
  get: (id: number, signal?: AbortSignal) => api.get<CaseDetail>(base(id), undefined, signal),
  timeline: (id: number, signal?: AbortSignal) =>
    api.get<Items<CaseEvent>>(`${base(id)}/timeline`, undefined, signal),
  graph: (id: number, rule: TraceRule, signal?: AbortSignal) =>
    optional(api.get<CaseGraph>(`${base(id)}/graph`, { rule }, signal)),
  trace: (id: number, rule: TraceRule, signal?: AbortSignal) =>
    optional(api.get<TraceDocument>(`${base(id)}/trace`, { rule }, signal)),
  compare: (id: number, signal?: AbortSignal) =>
    optional(api.get<TraceComparison>(`${base(id)}/trace/compare`, undefined, signal)),
  requests: (id: number, signal?: AbortSignal) => caseRequests(id, signal),
  renewRequest: (requestId: number, reason: string) =>
    api.post<GatewayRequest>(`/api/gateway/requests/${requestId}/renew`, { reason }),
  setAutomation: (id: number, state: 'running' | 'paused', reason: string) =>
    api.post<CaseSummary>(`${base(id)}/automation`, { state, reason }),
  exclude: (id: number, key: string, reason: string) =>
    api.post<void>(`${base(id)}/accounts/exclude`, { key, reason }),
  confirmFreeze: (id: number, key: string) => api.post<void>(`${base(id)}/accounts/confirm-freeze`, { key }),
  report: (id: number, rule: TraceRule, signal?: AbortSignal) =>
    optional(api.get<FundReport>(`${base(id)}/report`, { rule, format: 'json' }, signal)),
  reportUrl: (id: number, rule: TraceRule, format: 'json' | 'pdf' | 'xlsx') =>
    `${base(id)}/report?rule=${rule}&format=${format}`,
  eventsUrl: (id: number) => `${base(id)}/events`,
};
