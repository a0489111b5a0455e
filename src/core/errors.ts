/**
 * The one error catalogue (habit borrowed from Fastify's lib/errors.js): every error Levee can
 * raise has a stable code, an HTTP status and a title here. The API turns a LeveeError into an
 * RFC 9457 problem document; the CLI prints `code: detail` and exits 2. A test checks that this
 * catalogue, docs/errors.md and the OpenAPI document list the same codes.
 */

export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
}

export const ERROR_CATALOGUE = {
  LEVEE_VALIDATION: { status: 400, title: 'The request is not valid' },
  LEVEE_BAD_JSON: { status: 400, title: 'The request body is not valid JSON' },
  LEVEE_BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  LEVEE_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has an unsupported media type' },
  LEVEE_UNAUTHENTICATED: { status: 401, title: 'Log in first' },
  LEVEE_BAD_CREDENTIALS: { status: 401, title: 'Wrong user name or password' },
  LEVEE_LOGIN_THROTTLED: { status: 429, title: 'Too many failed logins; wait before trying again' },
  LEVEE_PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your password before going on' },
  LEVEE_WEAK_PASSWORD: { status: 400, title: 'The new password is too weak' },
  LEVEE_CSRF: { status: 403, title: 'Missing or wrong CSRF token' },
  LEVEE_FORBIDDEN: { status: 403, title: 'Your role may not do this' },
  LEVEE_OUT_OF_SCOPE: { status: 403, title: 'This record is outside your unit' },
  LEVEE_NOT_FOUND: { status: 404, title: 'No such record' },
  LEVEE_ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  LEVEE_CONFLICT: { status: 409, title: 'The record conflicts with an existing one' },
  LEVEE_REASON_REQUIRED: { status: 400, title: 'A reason is required for this action' },
  LEVEE_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  LEVEE_CONFIG: { status: 500, title: 'Levee is misconfigured' },
  LEVEE_INTERNAL: { status: 500, title: 'Internal error' },
  LEVEE_NOT_READY: { status: 503, title: 'Levee is not ready' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A problem that names what is wrong. `field` points at the offending input where there is one. */
export class LeveeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { field?: string; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LeveeError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.field = options.field;
    this.extra = options.extra;
  }
}

export function isLeveeError(error: unknown): error is LeveeError {
  return error instanceof LeveeError;
}
