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
  requests: (id: number, signal?: AbortSignal) =>
    optional(api.get<Items<DisposalRequest>>(`${base(id)}/requests`, undefined, signal)),
  setAutomation: (id: number, state: 'running' | 'paused', reason: string) =>
    api.post<CaseSummary>(`${base(id)}/automation`, { state, reason }),
  exclude: (id: number, key: string, reason: string) =>
    api.post<unknown>(`${base(id)}/accounts/exclude`, { key, reason }),
  confirmFreeze: (id: number, key: string) =>
    api.post<unknown>(`${base(id)}/accounts/confirm-freeze`, { key }),
  reportUrl: (id: number, rule: TraceRule, format: 'json' | 'pdf' | 'xlsx') =>
    `${base(id)}/report?rule=${rule}&format=${format}`,
  eventsUrl: (id: number) => `${base(id)}/events`,
};
