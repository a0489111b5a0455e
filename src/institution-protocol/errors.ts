/**
 * Typed errors of the institution protocol. Wire-level refusals (bad signature, replay, idempotency
 * conflict, invalid body) have a stable code and HTTP status in PROTOCOL_ERRORS; the same table is
 * published in the OpenAPI document and docs/institution-protocol.md. Tests match class names and
 * codes, never message text.
 */

export const PROTOCOL_ERRORS = {
  SIGNATURE_MISSING: { status: 401, title: 'Signature headers are missing' },
  SIGNATURE_INVALID: { status: 401, title: 'The signature does not match the request' },
  UNKNOWN_KEY: { status: 401, title: 'The key id is not known to the receiver' },
  TIMESTAMP_OUT_OF_WINDOW: { status: 401, title: 'The timestamp is too far from the receiver clock' },
  NONCE_REPLAYED: { status: 401, title: 'The nonce was already used' },
  IDEMPOTENCY_KEY_MISSING: { status: 400, title: 'The Idempotency-Key header is missing or malformed' },
  IDEMPOTENCY_CONFLICT: { status: 409, title: 'The idempotency key was used with a different body' },
  VALIDATION: { status: 400, title: 'The request body is not valid' },
  UNKNOWN_INSTITUTION: { status: 404, title: 'No such institution at this endpoint' },
  NOT_FOUND: { status: 404, title: 'No such request or resource' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; retry after the indicated delay' },
  INTERNAL: { status: 500, title: 'Internal error; retry with the same idempotency key' },
  UNAVAILABLE: { status: 503, title: 'Temporarily unavailable; retry with the same idempotency key' },
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** A refusal that travels over the wire as `{ code, message, field? }` with PROTOCOL_ERRORS' status. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  constructor(code: ProtocolErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.status = PROTOCOL_ERRORS[code].status;
    this.field = field;
  }
}

/** Signature missing, invalid, or made with an unknown key. */
export class SignatureError extends ProtocolError {
  constructor(code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'UNKNOWN_KEY', message: string) {
    super(code, message);
    this.name = 'SignatureError';
  }
}

/** Old/future timestamp or a nonce seen before. */
export class ReplayError extends ProtocolError {
  constructor(code: 'TIMESTAMP_OUT_OF_WINDOW' | 'NONCE_REPLAYED', message: string) {
    super(code, message);
    this.name = 'ReplayError';
  }
}

export class IdempotencyConflictError extends ProtocolError {
  constructor(key: string) {
    super('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" was already used with a different body`);
    this.name = 'IdempotencyConflictError';
  }
}

/** A request that breaks the schema or a protocol rule; `field` names the offending input. */
export class RequestValidationError extends ProtocolError {
  constructor(message: string, field?: string) {
    super('VALIDATION', message, field);
    this.name = 'RequestValidationError';
  }
}

export type DeadlineErrorCode =
  | 'RENEWAL_LIMIT_REACHED'
  | 'HOLD_LAPSED'
  | 'TERM_TOO_LONG'
  | 'TERM_TOO_SHORT'
  | 'MAJOR_CASE_REQUIRED';

/** A renewal or term that breaks the stop-payment/freeze deadline rules (pure, no wire status). */
export class DeadlineError extends Error {
  readonly code: DeadlineErrorCode;
  constructor(code: DeadlineErrorCode, message: string) {
    super(message);
    this.name = 'DeadlineError';
    this.code = code;
  }
}
