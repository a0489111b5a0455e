/**
 * The console's only door to the server: same-origin fetch with the session cookie, the CSRF token
 * on every state-changing request, and RFC 9457 problem documents turned into `ApiError`.
 * A 401 on anything but the login call means the session is gone: the registered handler sends the
 * user back to the login screen. LEVEE_PASSWORD_CHANGE_REQUIRED makes the session re-read `me`, which
 * brings up the password screen.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  /** For LEVEE_LOGIN_THROTTLED: when the next attempt is allowed (ISO time). */
  readonly lockedUntil: string | undefined;
  /** For LEVEE_VALIDATION with several bad fields: every one of them (e.g. `payments[1].time`), with
   * the checker's `code` (e.g. `check-digit`) when the server gives one. */
  readonly errors: readonly FieldError[] | undefined;

  constructor(
    status: number,
    code: string,
    detail: string,
    field?: string,
    requestId?: string,
    lockedUntil?: string,
    errors?: readonly FieldError[],
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.field = field;
    this.requestId = requestId;
    this.lockedUntil = lockedUntil;
    this.errors = errors;
  }
}

/** One invalid field of a problem document. */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

/** Thrown when the server cannot be reached at all (no HTTP status). */
export const NETWORK_ERROR = 'NETWORK';

let csrfToken: string | null = null;
let unauthenticatedHandler: (() => void) | null = null;
let passwordChangeHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

/** Called when the server refuses a request until the password is changed (e.g. after a reset). */
export function onPasswordChangeRequired(handler: (() => void) | null): void {
  passwordChangeHandler = handler;
}

type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

function withQuery(path: string, query: Query | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter(
      (e): e is FieldError =>
        typeof e === 'object' && e !== null && typeof e.field === 'string' && typeof e.message === 'string',
    )
    .map((e) => ({
      field: e.field,
      message: e.message,
      ...(typeof e.code === 'string' && e.code !== '' ? { code: e.code } : {}),
    }));
}

async function toApiError(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as Record<string, unknown>;
      const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
      return new ApiError(
        response.status,
        str(problem['code']) ?? `HTTP_${response.status}`,
        str(problem['detail']) ?? str(problem['title']) ?? response.statusText,
        str(problem['field']),
        str(problem['requestId']),
        str(problem['lockedUntil']),
        fieldErrors(problem['errors']),
      );
    } catch {
      // Not JSON after all: fall through to the status line.
    }
  }
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    response.statusText || `HTTP ${response.status}`,
  );
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : String(error));
  }

  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && path !== '/api/auth/login') unauthenticatedHandler?.();
    if (error.code === 'LEVEE_PASSWORD_CHANGE_REQUIRED') passwordChangeHandler?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
