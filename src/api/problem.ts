/** Every error leaves the API as an RFC 9457 problem document that carries the request id. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, type ErrorCode, isLeveeError } from '../core/errors.js';

export const PROBLEM_TYPE_BASE = 'https://levee.dev/problems/';

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  field?: string,
  extra?: Record<string, unknown>,
) {
  const spec = ERROR_CATALOGUE[code];
  return reply
    .status(spec.status)
    .type('application/problem+json')
    .send({
      type: PROBLEM_TYPE_BASE + code,
      title: spec.title,
      status: spec.status,
      detail,
      code,
      instance: request.url.split('?')[0] ?? request.url,
      requestId: String(request.id),
      ...(field ? { field } : {}),
      ...extra,
    });
}

/** Map Fastify's own errors (validation, body size, bad JSON) onto the catalogue. */
export function problemFromError(error: FastifyError | Error): {
  code: ErrorCode;
  detail: string;
  field?: string;
  extra?: Record<string, unknown>;
} {
  if (isLeveeError(error)) {
    return {
      code: error.code,
      detail: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.extra ? { extra: error.extra } : {}),
    };
  }
  const fe = error as FastifyError & {
    validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[];
    validationContext?: string;
  };
  if (fe.validation) {
    const first = fe.validation[0];
    const missing = first?.params?.['missingProperty'];
    const extra = first?.params?.['additionalProperty'];
    const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const field =
      typeof missing === 'string'
        ? path
          ? `${path}.${missing}`
          : missing
        : typeof extra === 'string'
          ? extra
          : path || fe.validationContext || 'body';
    const what =
      typeof extra === 'string'
        ? `unknown field "${extra}"`
        : `${fe.validationContext ?? 'request'}${path ? `.${path}` : ''} ${first?.message ?? 'is invalid'}`;
    return { code: 'LEVEE_VALIDATION', detail: what, field };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'LEVEE_BODY_TOO_LARGE', detail: fe.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'LEVEE_UNSUPPORTED_MEDIA_TYPE', detail: fe.message };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'LEVEE_BAD_JSON', detail: fe.message };
  }
  if (fe instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message)))
    return { code: 'LEVEE_BAD_JSON', detail: fe.message };
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return { code: 'LEVEE_VALIDATION', detail: fe.message };
  return {
    code: 'LEVEE_INTERNAL',
    detail: 'an internal error occurred; the request id identifies it in the logs',
  };
}
