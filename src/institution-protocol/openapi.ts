/**
 * Generates docs/institution-protocol.openapi.json (OpenAPI 3.1) from the TypeBox schemas:
 *   node dist/src/institution-protocol/openapi.js [out-file]
 * A test fails when the committed file differs from what this produces.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { PROTOCOL_ERRORS } from './errors.js';
import * as S from './schemas.js';
import {
  Ack,
  AccountsByIdResult,
  BATCH_PATH,
  BatchRequest,
  BatchResult,
  FeedbackBatch,
  FeedbackBatchResult,
  Feedback,
  FeedbackPage,
  HolderResult,
  HoldResult,
  Movement,
  Problem,
  REJECTION_CODES,
  REQUEST_TYPES,
  ReleaseResult,
  RequestStatus,
  SubscriptionReport,
  SubscriptionResult,
  TransactionQueryResult,
} from './schemas.js';

type Json = Record<string, unknown>;

const plain = (schema: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Problem') } },
});

const SIGNATURE_PARAMETERS = [
  { $ref: '#/components/parameters/KeyId' },
  { $ref: '#/components/parameters/Timestamp' },
  { $ref: '#/components/parameters/Nonce' },
  { $ref: '#/components/parameters/Signature' },
];

const COMMON_ERRORS = {
  '400': problemResponse('VALIDATION or IDEMPOTENCY_KEY_MISSING'),
  '401': problemResponse(
    'SIGNATURE_MISSING, SIGNATURE_INVALID, UNKNOWN_KEY, TIMESTAMP_OUT_OF_WINDOW or NONCE_REPLAYED',
  ),
  '404': problemResponse('UNKNOWN_INSTITUTION or NOT_FOUND'),
  '429': problemResponse('RATE_LIMITED (see Retry-After)'),
  '500': problemResponse('INTERNAL: retry with the same Idempotency-Key'),
  '503': problemResponse('UNAVAILABLE: retry with the same Idempotency-Key'),
};

export function buildOpenApiDocument(): Json {
  const schemas: Json = {};
  const paths: Json = {};
  for (const [type, spec] of Object.entries(REQUEST_TYPES)) {
    schemas[spec.name] = plain(spec.schema);
    paths[spec.path] = {
      post: {
        operationId: type.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
        summary: spec.schema.description,
        tags: ['requests'],
        parameters: [...SIGNATURE_PARAMETERS, { $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: { required: true, content: { 'application/json': { schema: ref(spec.name) } } },
        responses: {
          '202': {
            description:
              'Accepted; the feedback follows by callback. A repeat with the same Idempotency-Key and body gets the same answer with header Idempotent-Replayed: true.',
            content: { 'application/json': { schema: ref('Ack') } },
          },
          ...COMMON_ERRORS,
          '409': problemResponse('IDEMPOTENCY_CONFLICT: the key was used with a different body'),
        },
      },
    };
  }
  paths[BATCH_PATH] = {
    post: {
      operationId: 'sendBatch',
      summary:
        'Several requests in one signed exchange (optional for an institution; see docs/institution-protocol.md "Batches")',
      description:
        'Signed like any request, without an Idempotency-Key header: one signature, timestamp and nonce cover the whole body. Each item is handled as if its request had been POSTed alone to its own endpoint with Idempotency-Key = idempotencyKey (idempotent across single and batched sends). A signature or replay refusal refuses every item; otherwise the answer is 200 with one result per item. An institution without this endpoint answers 404 or 405 and gets its requests one by one.',
      tags: ['requests'],
      parameters: SIGNATURE_PARAMETERS,
      requestBody: { required: true, content: { 'application/json': { schema: ref('BatchRequest') } } },
      responses: {
        '200': {
          description: 'One result per item, in order; the status of each is what it would have had alone',
          content: { 'application/json': { schema: ref('BatchResult') } },
        },
        ...COMMON_ERRORS,
      },
    },
  };
  paths['/v1/requests/{requestId}'] = {
    get: {
      operationId: 'getRequestStatus',
      summary: 'Polling fallback: status of one request, with its feedback once answered',
      tags: ['polling'],
      parameters: [
        ...SIGNATURE_PARAMETERS,
        { name: 'requestId', in: 'path', required: true, schema: { type: 'string' } },
      ],
      responses: {
        '200': {
          description: 'The request status',
          content: { 'application/json': { schema: ref('RequestStatus') } },
        },
        ...COMMON_ERRORS,
      },
    },
  };
  paths['/v1/feedback'] = {
    get: {
      operationId: 'listFeedback',
      summary: 'Polling fallback: every feedback with seq greater than `after`, in seq order',
      tags: ['polling'],
      parameters: [
        ...SIGNATURE_PARAMETERS,
        { name: 'after', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      ],
      responses: {
        '200': {
          description: 'A page of feedback',
          content: { 'application/json': { schema: ref('FeedbackPage') } },
        },
        ...COMMON_ERRORS,
      },
    },
  };
  Object.assign(schemas, {
    Ack: plain(Ack),
    Problem: plain(Problem),
    Feedback: plain(Feedback),
    RequestStatus: plain(RequestStatus),
    FeedbackPage: plain(FeedbackPage),
    HoldResult: plain(HoldResult),
    ReleaseResult: plain(ReleaseResult),
    TransactionQueryResult: plain(TransactionQueryResult),
    Movement: plain(Movement),
    HolderResult: plain(HolderResult),
    AccountsByIdResult: plain(AccountsByIdResult),
    SubscriptionResult: plain(SubscriptionResult),
    SubscriptionReport: plain(SubscriptionReport),
    BatchRequest: plain(BatchRequest),
    BatchResult: plain(BatchResult),
    FeedbackBatch: plain(FeedbackBatch),
    FeedbackBatchResult: plain(FeedbackBatchResult),
  });
  for (const [name, schema] of Object.entries(SHARED)) schemas[name] = plain(schema);
  const components = factor(schemas);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Levee institution protocol',
      version: '1.0.0',
      description:
        'How Levee (an anti-telecom-fraud centre) sends stop-payment, freeze and query requests to banks and payment institutions, and how they answer. Read docs/institution-protocol.md first: signing, idempotency, callbacks and polling are explained there with a worked example.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: '{baseUrl}',
        description: "The institution's endpoint for Levee",
        variables: { baseUrl: { default: 'https://levee-gateway.bank.example/levee' } },
      },
    ],
    security: [{ LeveeSignature: [] }],
    tags: [
      { name: 'requests', description: 'Requests from Levee; answered 202 now and by feedback later' },
      { name: 'polling', description: 'Fallback when callbacks do not arrive' },
      { name: 'callbacks', description: "Feedback sent by the institution to Levee's callback URL" },
    ],
    paths,
    webhooks: {
      feedback: {
        post: {
          operationId: 'receiveFeedback',
          summary:
            "Feedback from the institution to Levee's callback URL, signed with the institution's key (key id = institution code). Resend with backoff until a 2xx; resends keep the same feedbackId and seq. A feedback batch ({ feedback: [...] }, all of the signer, no Idempotency-Key header) is answered 200 with a result per item.",
          tags: ['callbacks'],
          parameters: [...SIGNATURE_PARAMETERS, { $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [ref('Feedback'), ref('FeedbackBatch')] },
              },
            },
          },
          responses: {
            '200': {
              description:
                'A feedback batch: one result per item, in order; resend the items whose status is not 2xx',
              content: { 'application/json': { schema: ref('FeedbackBatchResult') } },
            },
            '204': { description: 'A single feedback: recorded (also for a duplicate)' },
            '400': problemResponse('VALIDATION'),
            '401': problemResponse('Signature or replay refusal'),
          },
        },
      },
    },
    components: {
      schemas: components,
      parameters: {
        KeyId: {
          name: 'X-Levee-Key-Id',
          in: 'header',
          required: true,
          description: "Signer's key id: Levee's key id on requests, the institution code on callbacks",
          schema: { type: 'string' },
        },
        Timestamp: {
          name: 'X-Levee-Timestamp',
          in: 'header',
          required: true,
          description: 'Unix time in milliseconds; refused when more than 5 minutes from the receiver clock',
          schema: { type: 'string', pattern: '^[0-9]{1,16}$' },
        },
        Nonce: {
          name: 'X-Levee-Nonce',
          in: 'header',
          required: true,
          description: '16-64 base64url characters, never reused by the same key',
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
        },
        Signature: {
          name: 'X-Levee-Signature',
          in: 'header',
          required: true,
          description:
            'base64 Ed25519 signature of "LEVEE-SIG-V1\\n" + METHOD + "\\n" + path?query + "\\n" + timestamp + "\\n" + nonce + "\\n" + idempotency key (or empty) + "\\n" + hex(sha256(body))',
          schema: { type: 'string' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'Same key and same body: the same answer, executed once. Same key, other body: 409. Levee uses the requestId (feedbackId on callbacks).',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
        },
      },
      securitySchemes: {
        LeveeSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Levee-Signature',
          description:
            'Ed25519 request signature; see the Signature parameter and docs/institution-protocol.md',
        },
      },
      'x-error-codes': Object.fromEntries(
        Object.entries(PROTOCOL_ERRORS).map(([code, spec]) => [
          code,
          { status: spec.status, title: spec.title },
        ]),
      ),
      'x-rejection-codes': [...REJECTION_CODES],
    },
  };
}

/**
 * Sub-schemas shared by several messages, referenced by name instead of inlined (the document
 * would otherwise repeat HoldResult in four feedback variants and Movement in two results).
 */
const SHARED: Record<string, TSchema> = {
  Fen: S.Fen,
  FenOrZero: S.FenOrZero,
  Timestamp: S.Timestamp,
  RequestId: S.RequestId,
  InstitutionCode: S.InstitutionCode,
  AccountNumber: S.AccountNumber,
  IdNumber: S.IdNumber,
  Authority: S.Authority,
  LegalDocument: S.LegalDocument,
  TargetAccount: S.TargetAccount,
  Result: S.Result,
  Rejection: S.Rejection,
  HoldKind: S.HoldKind,
  PriorHold: S.PriorHold,
  AccountStatus: S.AccountStatus,
};

/** Replace every nested copy of a named schema by a $ref to it (largest first, never the root). */
function factor(schemas: Json): Json {
  const byText = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) byText.set(JSON.stringify(schema), name);
  const walk = (node: unknown, root: boolean): unknown => {
    if (Array.isArray(node)) return node.map((x) => walk(x, false));
    if (!node || typeof node !== 'object') return node;
    if (!root) {
      const name = byText.get(JSON.stringify(node));
      if (name) return ref(name);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, false)]));
  };
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, walk(schema, true)]));
}

export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = resolve(process.argv[2] ?? 'docs/institution-protocol.openapi.json');
  writeFileSync(out, openApiText());
  process.stderr.write(`wrote ${out}\n`);
}
