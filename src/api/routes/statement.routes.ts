/**
 * Statements imported into cases (docs/statement-import.md, "Into a case"). The upload is the raw
 * file as the body (application/octet-stream): the body is left unread by the content-type parser
 * and streamed to a temp file by the service only after the session, the permission and the
 * case's unit scope have been checked — an unauthorised upload is refused before its bytes land.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { LeveeError } from '../../core/errors.js';
import type { ExplicitMapping } from '../../engines/statement/index.js';
import type { ImportOutcome } from '../../services/statement-import.service.js';
import { MAX_STATEMENT_BYTES } from '../../services/statement-import.service.js';
import type { StatementBatchRow } from '../../storage/schema.js';
import { Id, IdParams } from '../schemas.js';
import { actorOf } from '../session-guard.js';

const tags = ['statements'];
type IdP = Static<typeof IdParams>;
const BatchParams = Type.Object({ id: Id, batchId: Id }, { additionalProperties: false });
const FingerprintParams = Type.Object(
  { fingerprint: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

const ImportQuery = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    preset: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mapping: Type.Optional(
      Type.String({ minLength: 2, maxLength: 8000, description: 'explicit mapping, JSON' }),
    ),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    accountName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    institution: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    encoding: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('utf-8'), Type.Literal('gb18030')]),
    ),
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    acceptUnreconciled: Type.Optional(Type.Boolean({ default: false })),
    sendersAsParties: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

const Batch = Type.Object({
  id: Type.Integer(),
  caseId: Type.Integer(),
  fileName: Type.String(),
  fileSha256: Type.String(),
  size: Type.Integer(),
  format: Type.String(),
  encoding: Type.String(),
  institution: Type.String(),
  account: Type.String(),
  holder: Type.String(),
  rows: Type.Integer(),
  transfers: Type.Integer({ description: 'transfers this batch added to the case ledger' }),
  duplicates: Type.Integer({ description: 'rows already in the case ledger, not added again' }),
  reconciliation: Type.String({ description: 'ok | broken | unchecked …' }),
  acceptedUnreconciled: Type.Boolean(),
  state: Type.Union([Type.Literal('active'), Type.Literal('withdrawn')]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  withdrawnBy: Type.Union([Type.String(), Type.Null()]),
  withdrawnAt: Type.Union([Type.String(), Type.Null()]),
  withdrawnReason: Type.Union([Type.String(), Type.Null()]),
});

const ImportResult = Type.Object({
  dryRun: Type.Boolean(),
  ok: Type.Boolean(),
  fileProblem: Type.Optional(Type.Unknown()),
  preview: Type.Optional(Type.Unknown({ description: 'levee.statement-preview/1 without row fingerprints' })),
  statementAccounts: Type.Array(
    Type.Object({ institution: Type.String(), account: Type.String(), holder: Type.String() }),
  ),
  transfers: Type.Integer(),
  duplicates: Type.Integer(),
  newTransfers: Type.Integer(),
  sameFileBatchId: Type.Union([Type.Integer(), Type.Null()]),
  batch: Type.Optional(Batch),
});

const BatchDetail = Type.Object({
  batch: Batch,
  mapping: Type.Unknown(),
  reconciliation: Type.Unknown(),
  transfers: Type.Array(
    Type.Object({
      id: Type.Integer(),
      from: Type.String(),
      to: Type.String(),
      amount: Type.Integer({ description: 'fen' }),
      time: Type.String(),
      serial: Type.String(),
      channel: Type.String(),
      counterpartyName: Type.String(),
      withdrawn: Type.Boolean(),
    }),
  ),
});

const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

const MappingBody = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 200 })),
    mapping: Type.Object(
      {
        headerRow: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
        sheet: Type.Optional(Type.String({ maxLength: 100 })),
        columns: Type.Record(
          Type.String(),
          Type.Union([Type.String({ maxLength: 200 }), Type.Integer({ minimum: 0 })]),
        ),
        debitWords: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 50 })),
        creditWords: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 50 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Mapping = Type.Object({
  fingerprint: Type.String(),
  mapping: Type.Unknown(),
  source: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

function batchDto(b: StatementBatchRow): Static<typeof Batch> {
  const reconciliation = JSON.parse(b.reconciliation) as { status?: string };
  return {
    id: b.id,
    caseId: b.case_id,
    fileName: b.file_name,
    fileSha256: b.file_sha256,
    size: Number(b.size),
    format: b.format,
    encoding: b.encoding,
    institution: b.institution_code,
    account: b.account,
    holder: b.holder_name,
    rows: b.row_count,
    transfers: b.transfer_count,
    duplicates: b.duplicate_count,
    reconciliation: reconciliation.status ?? 'unknown',
    acceptedUnreconciled: b.accepted_unreconciled === 1,
    state: b.state,
    createdBy: b.created_by_name,
    createdAt: b.created_at,
    withdrawnBy: b.withdrawn_by,
    withdrawnAt: b.withdrawn_at,
    withdrawnReason: b.withdrawn_reason,
  };
}

function outcomeDto(o: ImportOutcome) {
  const { batch, ...rest } = o;
  return { ...rest, ...(batch ? { batch: batchDto(batch) } : {}) };
}

function parseMapping(text: string | undefined): ExplicitMapping | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as ExplicitMapping;
  } catch (error) {
    throw new LeveeError(
      'LEVEE_VALIDATION',
      `mapping is not a JSON mapping object: ${(error as Error).message}`,
      {
        field: 'mapping',
      },
    );
  }
}

export async function statementRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  const { statements } = ctx;
  // Leave the body unread: the service streams it to disk after the access checks.
  app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null));

  app.post('/api/cases/:id/statements', {
    bodyLimit: MAX_STATEMENT_BYTES,
    schema: {
      tags,
      summary:
        'Import a statement file (.xlsx/.xls/.csv, raw body) into a case as a batch, or dry-run it (dryRun=true)',
      params: IdParams,
      querystring: ImportQuery,
      response: { 200: ImportResult, 201: ImportResult },
    },
    handler: async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (type !== 'application/octet-stream')
        throw new LeveeError(
          'LEVEE_UNSUPPORTED_MEDIA_TYPE',
          `send the statement file itself as the body with content-type application/octet-stream, not "${type}"`,
        );
      const q = request.query as Static<typeof ImportQuery>;
      const outcome = await statements.importUpload(
        actorOf(request),
        (request.params as IdP).id,
        request.raw,
        {
          fileName: q.fileName,
          preset: q.preset,
          mapping: parseMapping(q.mapping),
          account: q.account,
          accountName: q.accountName,
          institution: q.institution,
          encoding: q.encoding,
          dryRun: q.dryRun === true,
          acceptUnreconciled: q.acceptUnreconciled === true,
          sendersAsParties: q.sendersAsParties === true,
        },
      );
      return reply.status(outcome.dryRun ? 200 : 201).send(outcomeDto(outcome));
    },
  });

  app.get('/api/cases/:id/statements', {
    schema: {
      tags,
      summary: 'The statement batches of a case, newest first (withdrawn ones included)',
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(Batch) }) },
    },
    handler: async (request) => ({
      items: (await statements.list(actorOf(request), (request.params as IdP).id)).map(batchDto),
    }),
  });

  app.get('/api/cases/:id/statements/:batchId', {
    schema: {
      tags,
      summary:
        'One statement batch: mapping used, reconciliation, and its first transfers in the case ledger',
      params: BatchParams,
      response: { 200: BatchDetail },
    },
    handler: async (request) => {
      const { id, batchId } = request.params as Static<typeof BatchParams>;
      const { batch, transfers } = await statements.get(actorOf(request), id, batchId);
      return {
        batch: batchDto(batch),
        mapping: JSON.parse(batch.mapping),
        reconciliation: JSON.parse(batch.reconciliation),
        transfers: transfers.map((t) => ({
          id: t.id,
          from: t.from_key,
          to: t.to_key,
          amount: Number(t.amount),
          time: t.at,
          serial: t.serial,
          channel: t.channel,
          counterpartyName: t.counterparty_name,
          withdrawn: t.withdrawn === 1,
        })),
      };
    },
  });

  app.post('/api/cases/:id/statements/:batchId/withdraw', {
    schema: {
      tags,
      summary: 'Withdraw a whole batch: its transfers leave the case ledger (reason required)',
      params: BatchParams,
      body: WithdrawBody,
      response: { 200: Batch },
    },
    handler: async (request) => {
      const { id, batchId } = request.params as Static<typeof BatchParams>;
      const { reason } = request.body as Static<typeof WithdrawBody>;
      return batchDto(await statements.withdraw(actorOf(request), id, batchId, reason));
    },
  });

  app.get('/api/statement-presets', {
    schema: {
      tags,
      summary: 'Column layout presets and the fields a column can be mapped to',
      response: {
        200: Type.Object({
          presets: Type.Array(
            Type.Object({
              name: Type.String(),
              description: Type.String(),
              columns: Type.Record(Type.String(), Type.Array(Type.String())),
            }),
          ),
          fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String() })),
        }),
      },
    },
    handler: async () => statements.presets(),
  });

  const mappingDto = (m: Awaited<ReturnType<typeof statements.getMapping>>) => ({
    fingerprint: m.fingerprint,
    mapping: JSON.parse(m.mapping),
    source: m.source,
    updatedBy: m.updated_by,
    updatedAt: m.updated_at,
  });

  app.get('/api/statement-mappings/:fingerprint', {
    schema: {
      tags,
      summary: 'The column mapping remembered for a header fingerprint',
      params: FingerprintParams,
      response: { 200: Mapping },
    },
    handler: async (request) =>
      mappingDto(
        await statements.getMapping(
          actorOf(request),
          (request.params as Static<typeof FingerprintParams>).fingerprint,
        ),
      ),
  });

  app.put('/api/statement-mappings/:fingerprint', {
    schema: {
      tags,
      summary:
        'Remember a column mapping for a header fingerprint (later files in that layout map themselves)',
      params: FingerprintParams,
      body: MappingBody,
      response: { 200: Mapping },
    },
    handler: async (request) => {
      const body = request.body as Static<typeof MappingBody>;
      return mappingDto(
        await statements.putMapping(
          actorOf(request),
          (request.params as Static<typeof FingerprintParams>).fingerprint,
          body.mapping as ExplicitMapping,
          body.source ?? '',
        ),
      );
    },
  });
}
