/**
 * The statement-import API for the console. Uploads go through XMLHttpRequest because fetch()
 * reports no upload progress; the body is the file itself (application/octet-stream), so a large
 * statement is streamed by the browser and the server, never read into a JSON string.
 */
import { ApiError, api, NETWORK_ERROR } from '../api/client.js';

export interface Batch {
  id: number;
  caseId: number;
  fileName: string;
  fileSha256: string;
  size: number;
  format: string;
  encoding: string;
  institution: string;
  account: string;
  holder: string;
  rows: number;
  transfers: number;
  duplicates: number;
  reconciliation: string;
  acceptedUnreconciled: boolean;
  state: 'active' | 'withdrawn';
  createdBy: string;
  createdAt: string;
  withdrawnBy: string | null;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

export interface PreviewTransaction {
  sheet: string;
  line: number;
  account: string;
  time: string;
  direction: 'debit' | 'credit';
  amount: number;
  balance?: number;
  counterpartyAccount?: string;
  counterpartyName?: string;
  summary?: string;
  serial?: string;
}

export interface RowError {
  sheet: string;
  line: number;
  column?: string;
  field?: string;
  value?: string;
  reason: string;
}

export interface AccountReconciliation {
  account: string;
  status: 'reconciled' | 'broken' | 'no-balance';
  order: string;
  checkedPairs: number;
  breaks: number;
  firstBreak?: { sheet: string; line: number; previousLine: number; expected: number; found: number };
  opening?: number;
  closing?: number;
}

export interface Preview {
  ok: boolean;
  source: { fileName?: string; format: string; encoding?: string; bytes?: number };
  statement: { account?: string; accountFrom: string; accountName?: string; institution?: string };
  sheets: {
    name: string;
    status: string;
    preset?: string;
    headerLine?: number;
    transactions: number;
    errors: number;
  }[];
  preview: PreviewTransaction[];
  errors: RowError[];
  errorCount: number;
  reconciliation: { status: string; accounts: AccountReconciliation[] };
  totals: {
    transactions: number;
    creditCount: number;
    creditFen: number;
    debitCount: number;
    debitFen: number;
  };
}

export interface FileProblem {
  kind: string;
  detail: string;
  missingFields?: string[];
  header?: { line: number; cells: string[]; fingerprint: string };
}

export interface ImportResult {
  dryRun: boolean;
  ok: boolean;
  fileProblem?: FileProblem;
  preview?: Preview;
  statementAccounts: { institution: string; account: string; holder: string }[];
  transfers: number;
  duplicates: number;
  newTransfers: number;
  sameFileBatchId: number | null;
  batch?: Batch;
}

export interface ImportParams {
  preset?: string;
  institution?: string;
  account?: string;
  acceptUnreconciled?: boolean;
  dryRun: boolean;
}

export interface Presets {
  presets: { name: string; description: string }[];
  fields: { name: string; label: string }[];
}

export const statementApi = {
  list: (caseId: number, signal?: AbortSignal) =>
    api.get<{ items: Batch[] }>(`/api/cases/${caseId}/statements`, undefined, signal),
  presets: (signal?: AbortSignal) => api.get<Presets>('/api/statement-presets', undefined, signal),
  withdraw: (caseId: number, batchId: number, reason: string) =>
    api.post<Batch>(`/api/cases/${caseId}/statements/${batchId}/withdraw`, { reason }),
  saveMapping: (fingerprint: string, columns: Record<string, string>, source: string) =>
    request<unknown>('PUT', `/api/statement-mappings/${fingerprint}`, { mapping: { columns }, source }),
};

async function request<T>(method: string, path: string, body: unknown): Promise<T> {
  const token = await csrfToken();
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { code?: string; detail?: string; field?: string };
  if (!response.ok)
    throw new ApiError(
      response.status,
      json.code ?? `HTTP_${response.status}`,
      json.detail ?? '',
      json.field,
    );
  return json;
}

/** The session's CSRF token, read from `me` (the API client keeps its copy to itself). */
async function csrfToken(): Promise<string> {
  return (await api.get<{ csrfToken: string }>('/api/auth/me')).csrfToken;
}

/** Upload a statement with progress (0..1 of the bytes sent); resolves with the server's answer. */
export async function uploadStatement(
  caseId: number,
  file: File,
  params: ImportParams,
  onProgress: (fraction: number) => void,
): Promise<ImportResult> {
  const token = await csrfToken();
  const query = new URLSearchParams({ fileName: file.name, dryRun: String(params.dryRun) });
  if (params.preset) query.set('preset', params.preset);
  if (params.institution) query.set('institution', params.institution);
  if (params.account) query.set('account', params.account);
  if (params.acceptUnreconciled) query.set('acceptUnreconciled', 'true');
  return new Promise<ImportResult>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/cases/${caseId}/statements?${query.toString()}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, 'the upload did not reach the server'));
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON: the status line speaks
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as unknown as ImportResult);
        return;
      }
      const errors = Array.isArray(body['errors'])
        ? (body['errors'] as { field: string; message: string }[])
        : undefined;
      reject(
        new ApiError(
          xhr.status,
          typeof body['code'] === 'string' ? body['code'] : `HTTP_${xhr.status}`,
          typeof body['detail'] === 'string' ? body['detail'] : xhr.statusText,
          typeof body['field'] === 'string' ? body['field'] : undefined,
          typeof body['requestId'] === 'string' ? body['requestId'] : undefined,
          undefined,
          errors,
        ),
      );
    };
    xhr.send(file);
  });
}
