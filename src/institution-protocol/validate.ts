/**
 * Validation of protocol messages: the TypeBox schema (compiled once) plus the rules a schema
 * cannot say — times that parse, a query window in the past, a freeze term allowed for the case.
 * Both sides use it: Levee before anything is queued, the institution before accepting.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { RequestValidationError } from './errors.js';
import {
  BatchRequest,
  type BatchRequest as BatchRequestT,
  Feedback,
  FeedbackBatch,
  type Feedback as FeedbackT,
  type InstitutionRequest,
  InstitutionRequest as InstitutionRequestSchema,
  REQUEST_TYPES,
  type RequestType,
} from './schemas.js';
import { FREEZE_MAX_ORDINARY_MONTHS } from './deadlines.js';

const checks = new Map<TSchema, TypeCheck<TSchema>>();

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    checks.set(schema, check);
  }
  return check;
}

function firstError(check: TypeCheck<TSchema>, value: unknown): RequestValidationError {
  const error = check.Errors(value).First();
  const field = error?.path.replace(/^\//, '').replace(/\//g, '.') || undefined;
  return new RequestValidationError(
    error ? `${field ?? 'body'}: ${error.message}` : 'the body does not match the schema',
    field,
  );
}

export function isRequestType(type: unknown): type is RequestType {
  return typeof type === 'string' && Object.hasOwn(REQUEST_TYPES, type);
}

/** Max clock skew tolerated for a query window end (the sender's "now" may be a little ahead). */
export const WINDOW_SKEW_MS = 5 * 60_000;

/** Parse an ISO time; NaN if it is not one. */
export function parseTime(text: string): number {
  return Date.parse(text);
}

/**
 * Validate a request body against its schema and the protocol rules; returns it typed or throws
 * RequestValidationError naming the field. `expectedType` is the type implied by the path, if any;
 * `temporal: false` skips the checks against `now` (an institution whose clock is simulated).
 */
export function validateRequest(
  body: unknown,
  options: { now?: number; expectedType?: RequestType; temporal?: boolean } = {},
): InstitutionRequest {
  const type = (body as { type?: unknown } | null)?.type;
  if (!isRequestType(type))
    throw new RequestValidationError(`unknown request type ${JSON.stringify(type)}`, 'type');
  if (options.expectedType !== undefined && type !== options.expectedType)
    throw new RequestValidationError(
      `this endpoint takes type "${options.expectedType}", got "${type}"`,
      'type',
    );
  const check = compiled(REQUEST_TYPES[type].schema);
  if (!check.Check(body)) throw firstError(check, body);
  const request = body as InstitutionRequest;
  const now = options.temporal === false ? Number.NaN : (options.now ?? Date.now());
  if (Number.isNaN(parseTime(request.issuedAt)))
    throw new RequestValidationError('issuedAt is not a valid time', 'issuedAt');
  switch (request.type) {
    case 'transaction-query': {
      const from = parseTime(request.from);
      const to = parseTime(request.to);
      if (Number.isNaN(from)) throw new RequestValidationError('from is not a valid time', 'from');
      if (Number.isNaN(to)) throw new RequestValidationError('to is not a valid time', 'to');
      if (from >= to) throw new RequestValidationError('the window must end after it starts', 'to');
      if (from >= now) throw new RequestValidationError('the window starts in the future', 'from');
      if (to > now + WINDOW_SKEW_MS) throw new RequestValidationError('the window ends in the future', 'to');
      break;
    }
    case 'freeze':
    case 'freeze-extension':
      if ((request.termMonths ?? 6) > FREEZE_MAX_ORDINARY_MONTHS && request.majorCase !== true)
        throw new RequestValidationError(
          `a term over ${FREEZE_MAX_ORDINARY_MONTHS} months needs majorCase: true`,
          'termMonths',
        );
      break;
    case 'subscription':
      if (request.until !== undefined) {
        const until = parseTime(request.until);
        if (Number.isNaN(until)) throw new RequestValidationError('until is not a valid time', 'until');
        if (until <= now) throw new RequestValidationError('until is in the past', 'until');
      }
      break;
    default:
      break;
  }
  return request;
}

/** A request also needs an institution that exists; Levee checks this before queueing anything. */
export function validateOutgoing(
  institution: string,
  body: unknown,
  options: { institutions: { has(code: string): boolean }; now?: number },
): InstitutionRequest {
  if (!options.institutions.has(institution))
    throw new RequestValidationError(`unknown institution "${institution}"`, 'institution');
  return validateRequest(body, { now: options.now });
}

const feedbackCheck = () => compiled(Feedback);

/** Validate a feedback body (Levee's callback endpoint and the polling client use it). */
export function validateFeedback(body: unknown): FeedbackT {
  const check = feedbackCheck();
  if (!check.Check(body)) throw firstError(check, body);
  return body as FeedbackT;
}

/** Validate the envelope of a request batch (each item's request is validated on its own, as if sent alone). */
export function validateBatchRequest(body: unknown): BatchRequestT {
  const check = compiled(BatchRequest);
  if (!check.Check(body)) throw firstError(check, body);
  return body as BatchRequestT;
}

/** A callback body: one feedback, or `{ feedback: [...] }` (a batch of the signer's feedback). */
export function validateFeedbackOrBatch(body: unknown): { batch: boolean; items: FeedbackT[] } {
  if (body && typeof body === 'object' && Array.isArray((body as { feedback?: unknown }).feedback)) {
    const check = compiled(FeedbackBatch);
    if (!check.Check(body)) throw firstError(check, body);
    return { batch: true, items: (body as { feedback: FeedbackT[] }).feedback };
  }
  return { batch: false, items: [validateFeedback(body)] };
}

export function isValid(schema: TSchema, value: unknown): boolean {
  return compiled(schema).Check(value);
}

export { InstitutionRequestSchema };
