/**
 * The institution protocol as TypeBox schemas: every message Levee sends to a bank or payment
 * institution, the synchronous acknowledgement, and the feedback the institution returns by
 * callback (or by polling). The schemas are plain JSON Schema, so the same objects validate bodies
 * at runtime and generate docs/institution-protocol.openapi.json.
 *
 * Conventions: amounts are integer fen; times are ISO 8601 with an offset; every request carries
 * Levee's `requestId`, which is also the recommended Idempotency-Key.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

export const PROTOCOL_VERSION = 'v1';

const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})$';

export const Fen = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'Amount in fen (1/100 yuan), a positive whole number',
});
export const FenOrZero = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'Amount in fen (1/100 yuan)',
});
export const Timestamp = Type.String({
  pattern: ISO_TIME,
  description: 'ISO 8601 date-time with offset, e.g. 2023-10-27T14:00:00+08:00',
});
export const RequestId = Type.String({
  pattern: '^[A-Za-z0-9._-]{8,64}$',
  description: 'Levee request id, unique per request (8-64 of A-Z a-z 0-9 . _ -)',
});
export const InstitutionCode = Type.String({
  pattern: '^[A-Z][A-Z0-9]{1,15}$',
  description: 'Institution code, e.g. ICBC, ALIPAY',
});
export const AccountNumber = Type.String({
  pattern: '^[0-9]{10,32}$',
  description: 'Account or card number: 10-32 digits, no spaces',
});
export const IdNumber = Type.String({
  pattern: '^[0-9]{17}[0-9X]$',
  description: 'Resident ID number (18 characters, GB 11643)',
});

export const Authority = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32, description: 'Code of the requesting police unit' }),
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Name of the requesting police unit' }),
  },
  { additionalProperties: false },
);

export const LegalDocument = Type.Object(
  {
    number: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Number of the legal document (文书号)',
    }),
    officers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
        maxItems: 4,
        description: 'Officers in charge',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TargetAccount = Type.Object(
  {
    number: AccountNumber,
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Holder name, checked by the institution',
    }),
  },
  { additionalProperties: false },
);

const envelope = {
  requestId: RequestId,
  caseNumber: Type.String({ minLength: 1, maxLength: 64, description: 'Case or alert number' }),
  authority: Authority,
  document: LegalDocument,
  issuedAt: Timestamp,
  reason: Type.Optional(Type.String({ maxLength: 500 })),
};

function message<T extends string, P extends Record<string, TSchema>>(
  type: T,
  props: P,
  description: string,
) {
  return Type.Object(
    { type: Type.Literal(type), ...envelope, ...props },
    { additionalProperties: false, description },
  );
}

export const StopPaymentRequest = message(
  'stop-payment',
  { account: TargetAccount, amount: Fen },
  'Emergency stop-payment (止付) of up to `amount` for 48 hours; money arriving later is held too until the amount is reached.',
);
export const StopPaymentRenewalRequest = message(
  'stop-payment-renewal',
  { holdRequestId: RequestId },
  'Renew a stop-payment for another 48 hours from its current expiry; at most two renewals.',
);
export const StopPaymentReleaseRequest = message(
  'stop-payment-release',
  { holdRequestId: RequestId },
  'Release (解除) a stop-payment.',
);
export const FreezeRequest = message(
  'freeze',
  {
    account: TargetAccount,
    amount: Type.Optional(Fen),
    termMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 6 })),
    majorCase: Type.Optional(Type.Boolean({ description: 'Required for a term over 6 months (up to 12)' })),
    convertsStopPayment: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._-]{8,64}$',
        description:
          'requestId of an active stop-payment on the same account to turn into this freeze: its money moves into the freeze without ever being free',
      }),
    ),
  },
  'Freeze (冻结) up to `amount` (the whole balance when absent) for `termMonths` (default 6, at most 12 for a major case).',
);
export const FreezeExtensionRequest = message(
  'freeze-extension',
  {
    holdRequestId: RequestId,
    termMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 6 })),
    majorCase: Type.Optional(Type.Boolean()),
  },
  'Extend (续冻) a freeze before it lapses by `termMonths` from its current expiry.',
);
export const FreezeReleaseRequest = message(
  'freeze-release',
  { holdRequestId: RequestId },
  'Release (解冻) a freeze.',
);
export const TransactionQueryRequest = message(
  'transaction-query',
  { account: TargetAccount, from: Timestamp, to: Timestamp },
  'Transaction-detail query (明细查询): every transfer of the account in [from, to).',
);
export const HolderQueryRequest = message(
  'holder-query',
  { account: Type.Object({ number: AccountNumber }, { additionalProperties: false }) },
  'Account-holder query (主体查询).',
);
export const AccountsByIdQueryRequest = message(
  'accounts-by-id-query',
  { idNumber: IdNumber, name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  'All accounts held at the institution by one ID number.',
);
export const SubscriptionRequest = message(
  'subscription',
  { account: TargetAccount, until: Type.Optional(Timestamp) },
  'Dynamic query (动态查询): report every new movement of the account until cancelled or `until`.',
);
export const SubscriptionCancelRequest = message(
  'subscription-cancel',
  { subscriptionRequestId: RequestId },
  'Cancel a dynamic query.',
);

export const InstitutionRequest = Type.Union([
  StopPaymentRequest,
  StopPaymentRenewalRequest,
  StopPaymentReleaseRequest,
  FreezeRequest,
  FreezeExtensionRequest,
  FreezeReleaseRequest,
  TransactionQueryRequest,
  HolderQueryRequest,
  AccountsByIdQueryRequest,
  SubscriptionRequest,
  SubscriptionCancelRequest,
]);

export type StopPaymentRequest = Static<typeof StopPaymentRequest>;
export type StopPaymentRenewalRequest = Static<typeof StopPaymentRenewalRequest>;
export type StopPaymentReleaseRequest = Static<typeof StopPaymentReleaseRequest>;
export type FreezeRequest = Static<typeof FreezeRequest>;
export type FreezeExtensionRequest = Static<typeof FreezeExtensionRequest>;
export type FreezeReleaseRequest = Static<typeof FreezeReleaseRequest>;
export type TransactionQueryRequest = Static<typeof TransactionQueryRequest>;
export type HolderQueryRequest = Static<typeof HolderQueryRequest>;
export type AccountsByIdQueryRequest = Static<typeof AccountsByIdQueryRequest>;
export type SubscriptionRequest = Static<typeof SubscriptionRequest>;
export type SubscriptionCancelRequest = Static<typeof SubscriptionCancelRequest>;
export type InstitutionRequest = Static<typeof InstitutionRequest>;
export type RequestType = InstitutionRequest['type'];

/** One schema per request type, and the path (under the institution's base URL) it is POSTed to. */
export const REQUEST_TYPES = {
  'stop-payment': { schema: StopPaymentRequest, path: '/v1/stop-payments', name: 'StopPaymentRequest' },
  'stop-payment-renewal': {
    schema: StopPaymentRenewalRequest,
    path: '/v1/stop-payment-renewals',
    name: 'StopPaymentRenewalRequest',
  },
  'stop-payment-release': {
    schema: StopPaymentReleaseRequest,
    path: '/v1/stop-payment-releases',
    name: 'StopPaymentReleaseRequest',
  },
  freeze: { schema: FreezeRequest, path: '/v1/freezes', name: 'FreezeRequest' },
  'freeze-extension': {
    schema: FreezeExtensionRequest,
    path: '/v1/freeze-extensions',
    name: 'FreezeExtensionRequest',
  },
  'freeze-release': {
    schema: FreezeReleaseRequest,
    path: '/v1/freeze-releases',
    name: 'FreezeReleaseRequest',
  },
  'transaction-query': {
    schema: TransactionQueryRequest,
    path: '/v1/transaction-queries',
    name: 'TransactionQueryRequest',
  },
  'holder-query': { schema: HolderQueryRequest, path: '/v1/holder-queries', name: 'HolderQueryRequest' },
  'accounts-by-id-query': {
    schema: AccountsByIdQueryRequest,
    path: '/v1/accounts-by-id-queries',
    name: 'AccountsByIdQueryRequest',
  },
  subscription: { schema: SubscriptionRequest, path: '/v1/subscriptions', name: 'SubscriptionRequest' },
  'subscription-cancel': {
    schema: SubscriptionCancelRequest,
    path: '/v1/subscription-cancellations',
    name: 'SubscriptionCancelRequest',
  },
} as const satisfies Record<RequestType, { schema: TSchema; path: string; name: string }>;

export const REQUEST_TYPE_LIST = Object.keys(REQUEST_TYPES) as RequestType[];

// ---------------------------------------------------------------------------------------------
// Acknowledgement (synchronous answer) and request status (polling)

export const Ack = Type.Object(
  {
    requestId: RequestId,
    institution: InstitutionCode,
    status: Type.Literal('accepted'),
    receivedAt: Timestamp,
  },
  { additionalProperties: false, description: 'The request is recorded; feedback follows by callback.' },
);
export type Ack = Static<typeof Ack>;

export const Problem = Type.Object(
  {
    code: Type.String({ description: 'Stable error code, see the error table' }),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { description: 'A refusal of the request itself (never a business result; those come as feedback)' },
);
export type Problem = Static<typeof Problem>;

// ---------------------------------------------------------------------------------------------
// Feedback

export const Result = Type.Union(
  [Type.Literal('executed'), Type.Literal('partially-executed'), Type.Literal('rejected')],
  {
    description:
      'executed: done in full; partially-executed: done for less than asked (e.g. balance below the amount); rejected: not done, see reason',
  },
);
export type Result = Static<typeof Result>;

export const REJECTION_CODES = [
  'ACCOUNT_NOT_FOUND',
  'NAME_MISMATCH',
  'ACCOUNT_CLOSED',
  'HOLD_NOT_FOUND',
  'HOLD_NOT_ACTIVE',
  'RENEWAL_LIMIT_REACHED',
  'TERM_TOO_LONG',
  'MAJOR_CASE_REQUIRED',
  'WINDOW_INVALID',
  'SUBSCRIPTION_NOT_FOUND',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const Rejection = Type.Object(
  {
    code: Type.Union(REJECTION_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const HoldKind = Type.Union([Type.Literal('stop-payment'), Type.Literal('freeze')]);
export type HoldKind = Static<typeof HoldKind>;

export const PriorHold = Type.Object(
  {
    kind: HoldKind,
    authority: Type.String({ description: 'Name of the authority that placed it' }),
    documentNumber: Type.String(),
    amount: FenOrZero,
    startsAt: Timestamp,
    expiresAt: Timestamp,
  },
  {
    additionalProperties: false,
    description: 'An earlier hold in force on the same account, placed by another authority',
  },
);

export const HoldResult = Type.Object(
  {
    kind: HoldKind,
    holdRequestId: RequestId,
    accountNumber: AccountNumber,
    requestedAmount: Type.Union([Fen, Type.Null()], { description: 'null: the whole balance' }),
    heldAmount: Type.Union([FenOrZero], { description: 'Amount actually stopped or frozen now' }),
    balance: FenOrZero,
    availableBalance: FenOrZero,
    startsAt: Timestamp,
    expiresAt: Timestamp,
    renewalsUsed: Type.Integer({ minimum: 0 }),
    renewalsLeft: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null: unlimited' }),
    priorHolds: Type.Array(PriorHold, {
      description:
        "Holds in force on the account that other authorities placed before this one (轮候: this one waits behind them); never the requesting authority's own holds, which it knows",
    }),
  },
  { additionalProperties: false },
);
export type HoldResult = Static<typeof HoldResult>;

export const ReleaseResult = Type.Object(
  {
    kind: HoldKind,
    holdRequestId: RequestId,
    accountNumber: AccountNumber,
    releasedAmount: FenOrZero,
    balance: FenOrZero,
    availableBalance: FenOrZero,
    releasedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type ReleaseResult = Static<typeof ReleaseResult>;

export const CHANNELS = ['mobile', 'online', 'counter', 'atm', 'pos', 'quick-pay', 'transfer'] as const;
export type Channel = (typeof CHANNELS)[number];

export const Movement = Type.Object(
  {
    transferId: Type.String(),
    time: Timestamp,
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    amount: Fen,
    counterparty: Type.Object(
      {
        institution: Type.String({ description: 'Code of the counterparty institution, or "" for cash' }),
        institutionName: Type.String(),
        accountNumber: Type.String(),
        name: Type.String(),
      },
      { additionalProperties: false },
    ),
    channel: Type.Union(CHANNELS.map((c) => Type.Literal(c))),
    balanceAfter: FenOrZero,
    remark: Type.String(),
  },
  { additionalProperties: false },
);
export type Movement = Static<typeof Movement>;

export const TransactionQueryResult = Type.Object(
  {
    accountNumber: AccountNumber,
    name: Type.String(),
    from: Timestamp,
    to: Timestamp,
    transfers: Type.Array(Movement),
    balance: FenOrZero,
  },
  { additionalProperties: false },
);
export type TransactionQueryResult = Static<typeof TransactionQueryResult>;

export const AccountStatus = Type.Union([
  Type.Literal('normal'),
  Type.Literal('stopped'),
  Type.Literal('frozen'),
  Type.Literal('closed'),
]);

export const HolderResult = Type.Object(
  {
    accountNumber: AccountNumber,
    name: Type.String(),
    idType: Type.Literal('resident-id'),
    idNumber: Type.String(),
    phone: Type.String(),
    openedOn: Type.String({ description: 'YYYY-MM-DD' }),
    branch: Type.String(),
    status: AccountStatus,
    balance: FenOrZero,
  },
  { additionalProperties: false },
);
export type HolderResult = Static<typeof HolderResult>;

export const AccountsByIdResult = Type.Object(
  {
    idNumber: Type.String(),
    name: Type.String(),
    accounts: Type.Array(
      Type.Object(
        {
          accountNumber: AccountNumber,
          openedOn: Type.String(),
          branch: Type.String(),
          status: AccountStatus,
          balance: FenOrZero,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AccountsByIdResult = Static<typeof AccountsByIdResult>;

export const SubscriptionResult = Type.Object(
  {
    subscriptionRequestId: RequestId,
    accountNumber: AccountNumber,
    until: Type.Union([Timestamp, Type.Null()]),
    reportsSent: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SubscriptionResult = Static<typeof SubscriptionResult>;

export const SubscriptionReport = Type.Object(
  {
    subscriptionRequestId: RequestId,
    accountNumber: AccountNumber,
    reportNumber: Type.Integer({ minimum: 1, description: '1, 2, 3… per subscription' }),
    transfers: Type.Array(Movement),
    balance: FenOrZero,
    availableBalance: FenOrZero,
  },
  { additionalProperties: false },
);
export type SubscriptionReport = Static<typeof SubscriptionReport>;

const feedbackCommon = {
  feedbackId: Type.String({
    description: 'Unique per feedback message; the same feedback resent keeps its id',
  }),
  seq: Type.Integer({
    minimum: 1,
    description: 'Institution-wide sequence number, increasing; use it to order and de-duplicate',
  }),
  institution: InstitutionCode,
  requestId: RequestId,
  result: Result,
  rejection: Type.Optional(Rejection),
  answeredAt: Timestamp,
};

function feedback<T extends string, B extends TSchema>(type: T, body: B) {
  return Type.Object(
    { type: Type.Literal(type), ...feedbackCommon, body: Type.Optional(body) },
    { additionalProperties: false },
  );
}

export const Feedback = Type.Union([
  feedback('stop-payment', HoldResult),
  feedback('stop-payment-renewal', HoldResult),
  feedback('stop-payment-release', ReleaseResult),
  feedback('freeze', HoldResult),
  feedback('freeze-extension', HoldResult),
  feedback('freeze-release', ReleaseResult),
  feedback('transaction-query', TransactionQueryResult),
  feedback('holder-query', HolderResult),
  feedback('accounts-by-id-query', AccountsByIdResult),
  feedback('subscription', SubscriptionResult),
  feedback('subscription-cancel', SubscriptionResult),
  feedback('subscription-report', SubscriptionReport),
]);
export type Feedback = Static<typeof Feedback>;
export type FeedbackType = Feedback['type'];

export const RequestStatus = Type.Object(
  {
    requestId: RequestId,
    type: Type.String(),
    status: Type.Union([
      Type.Literal('accepted'),
      Type.Literal('executed'),
      Type.Literal('partially-executed'),
      Type.Literal('rejected'),
    ]),
    receivedAt: Timestamp,
    feedback: Type.Optional(Feedback),
  },
  { additionalProperties: false, description: 'Polling answer for one request' },
);
export type RequestStatus = Static<typeof RequestStatus>;

export const FeedbackPage = Type.Object(
  {
    items: Type.Array(Feedback),
    next: Type.Integer({ minimum: 0, description: 'Pass as `after` to get the following page' }),
  },
  { additionalProperties: false },
);
export type FeedbackPage = Static<typeof FeedbackPage>;

// ---------------------------------------------------------------------------------------------
// Batches: several requests in one signed exchange, several feedbacks in one callback

/** Most items in one batch (requests or feedback). */
export const BATCH_MAX_ITEMS = 100;

export const BATCH_PATH = '/v1/batches';

export const IdempotencyKey = Type.String({
  pattern: '^[A-Za-z0-9._:-]{8,128}$',
  description:
    'The idempotency key of this item (Levee uses the requestId), as the header on a single request',
});

export const BatchItem = Type.Object(
  {
    type: Type.String({ description: 'The request type, e.g. stop-payment (the same as request.type)' }),
    idempotencyKey: IdempotencyKey,
    request: Type.Object(
      {},
      { additionalProperties: true, description: 'A request of `type`, as its own endpoint takes it' },
    ),
  },
  { additionalProperties: false },
);

export const BatchRequest = Type.Object(
  { items: Type.Array(BatchItem, { minItems: 1, maxItems: BATCH_MAX_ITEMS }) },
  {
    additionalProperties: false,
    description:
      'Several requests to one institution in one signed exchange. Each item is handled as if it had been POSTed alone to its own endpoint with its idempotencyKey as Idempotency-Key.',
  },
);
export type BatchRequest = Static<typeof BatchRequest>;

export const BatchItemResult = Type.Object(
  {
    idempotencyKey: Type.String(),
    status: Type.Integer({
      description:
        'The HTTP status the item would have had alone: 202 accepted, 4xx refused, 429/5xx retry with the same key',
    }),
    replayed: Type.Optional(
      Type.Boolean({ description: 'true when the key was seen before (Idempotent-Replayed)' }),
    ),
    ack: Type.Optional(Ack),
    problem: Type.Optional(Problem),
  },
  { additionalProperties: false },
);
export type BatchItemResult = Static<typeof BatchItemResult>;

export const BatchResult = Type.Object(
  { results: Type.Array(BatchItemResult) },
  { additionalProperties: false, description: 'One result per item, in the order of the items' },
);
export type BatchResult = Static<typeof BatchResult>;

export const FeedbackBatch = Type.Object(
  { feedback: Type.Array(Feedback, { minItems: 1, maxItems: BATCH_MAX_ITEMS }) },
  {
    additionalProperties: false,
    description:
      'Several feedbacks of one institution (the signer) in one callback; each is handled as if it had been sent alone.',
  },
);
export type FeedbackBatch = Static<typeof FeedbackBatch>;

export const FeedbackBatchResult = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          feedbackId: Type.String(),
          status: Type.Integer({ description: '204 stored (or a duplicate); otherwise resend this item' }),
          problem: Type.Optional(Problem),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'One result per feedback, in order' },
);
export type FeedbackBatchResult = Static<typeof FeedbackBatchResult>;
