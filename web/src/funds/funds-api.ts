/** The gateway's endpoints as the fund control screens use them (src/api/routes/gateway.routes.ts). */
import { api } from '../api/client.js';
import type {
  GatewayAlarm,
  GatewayEndpoint,
  GatewayEndpointChanges,
  GatewayRequest,
  Items,
} from '../api/types.js';

export const REQUEST_STATES = [
  'queued',
  'sent',
  'acknowledged',
  'executed',
  'failed',
  'expired',
  'dead',
] as const;

export interface RequestFilter {
  state?: string | undefined;
  institution?: string | undefined;
}

export const fundsApi = {
  /** Requests within the user's scope; a liaison's list is its institution's alone (the server decides). */
  requests: (filter: RequestFilter, signal?: AbortSignal) =>
    api.get<Items<GatewayRequest>>('/api/gateway/requests', { ...filter, limit: 500 }, signal),
  alarms: (signal?: AbortSignal) => api.get<Items<GatewayAlarm>>('/api/gateway/alarms', undefined, signal),
  endpoints: (signal?: AbortSignal) =>
    api.get<Items<GatewayEndpoint>>('/api/gateway/endpoints', undefined, signal),
  setEndpoint: (code: string, changes: GatewayEndpointChanges) =>
    api.put<GatewayEndpoint>(`/api/gateway/endpoints/${encodeURIComponent(code)}`, changes),
};
