/**
 * Statements imported into cases. An import spools the uploaded bytes to a temp file (hashing as
 * it goes), runs the pure statement engine over it as a dry run, and — only when every row was
 * read and the balances reconcile (or the analyst accepted a break, recorded) — stores in ONE
 * transaction: the batch row, the transfers in the case ledger (source 'import', source_ref
 * 'batch:<id>', fingerprinted like every other source so a bank's detail answer and the same
 * statement line are one transfer), a timeline event and the audit row. The original file is kept
 * under <LEVEE_DATA_DIR>/statements/<sha256>, renamed into place (never half-written). Anything
 * refused leaves no row and no file behind. A batch is withdrawn as a whole: its transfers are
 * marked withdrawn, except those another active batch also reported, which pass to that batch.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import {
  AUTO_PRESET,
  type ExplicitMapping,
  FIELD_LABELS,
  FIELDS,
  HeaderNotFoundError,
  type Ledger,
  LedgerBuilder,
  type MappingMemory,
  PRESETS,
  StatementError,
  type StatementResult,
  type StatementTransaction,
  UNKNOWN_ACCOUNT,
  validateExplicitMapping,
} from '../engines/statement/index.js';
import type { Db } from '../repositories/audit.repository.js';
import { findCase, insertEvent, listInstitutions } from '../repositories/case.repository.js';
import {
  batchTransfers,
  caseAccountInstitutions,
  findActiveBatchByFile,
  findBatch,
  findMapping,
  handOverTransfers,
  insertBatch,
  insertDuplicates,
  knownTransferFingerprints,
  listBatches,
  listMappings,
  markBatchWithdrawn,
  resetOpening,
  reviveTransfers,
  saveMapping,
  setOpeningIfUnset,
  updateBatchCounts,
  withdrawBatchTransfers,
} from '../repositories/statement-batch.repository.js';
import type { Database, StatementBatchRow } from '../storage/schema.js';
import { type Actor, requirePermission, requireScope } from './access-policy.js';
import type { AuditEntry, AuditService } from './audit.service.js';
import type { CaseEvents } from './case-events.js';
import {
  accountKey,
  addLedgerTransfers,
  type LedgerTransferInput,
  transferFingerprint,
} from './case-ledger.js';

/** Largest statement accepted (the .xls/HTML readers cap themselves lower). */
export const MAX_STATEMENT_BYTES = 512 * 1024 * 1024;
const MAX_LISTED_ERRORS = 20;

export interface ImportOptions {
  readonly fileName: string;
  readonly preset?: string | undefined;
  readonly mapping?: ExplicitMapping | undefined;
  readonly account?: string | undefined;
  readonly accountName?: string | undefined;
  /** Institution code of the statement's account (else found from the case or the file). */
  readonly institution?: string | undefined;
  readonly encoding?: 'auto' | 'utf-8' | 'gb18030' | undefined;
  readonly dryRun: boolean;
  readonly acceptUnreconciled: boolean;
  readonly sendersAsParties?: boolean | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Who does it: a logged-in user, or the operator at the CLI ('levee-cli'). */
interface Who {
  readonly userId: number | null;
  readonly username: string;
  readonly unitId: number | null;
  readonly ip: string;
}

export type Preview = Omit<StatementResult, 'rowFingerprints'>;

export interface ImportOutcome {
  readonly dryRun: boolean;
  readonly ok: boolean;
  /** A whole-file problem found by a dry run (an import answers it as a problem document). */
  readonly fileProblem?: {
    kind: string;
    detail: string;
    missingFields?: string[];
    header?: { line: number; cells: string[]; fingerprint: string };
  };
  readonly preview?: Preview;
  readonly statementAccounts: { institution: string; account: string; holder: string }[];
  readonly transfers: number;
  /** Transfers the case ledger already holds (another source, another batch, or twice in this file). */
  readonly duplicates: number;
  readonly newTransfers: number;
  readonly sameFileBatchId: number | null;
  readonly batch?: StatementBatchRow;
}

interface Prepared {
  readonly inputs: { credit: LedgerTransferInput[]; debit: LedgerTransferInput[] };
  readonly fingerprints: string[];
  readonly own: { institution: string; account: string; holder: string; opening: number | undefined }[];
}

export class StatementImportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: CaseEvents,
    private readonly dataDir: string,
  ) {}

  /** Import an uploaded statement into a case (or dry-run it). Checks come before the body is read. */
  async importUpload(
    actor: Actor,
    caseId: number,
    body: AsyncIterable<Uint8Array>,
    options: ImportOptions,
  ): Promise<ImportOutcome> {
    requirePermission(actor, 'cases.write');
    const found = await this.caseInScope(actor, caseId);
    return this.run(actorWho(actor), found.id, body, options);
  }

  /** `levee import <file> --case <id|case no>`: the local operator, audited as 'levee-cli'. */
  async importFileAsOperator(caseRef: string, path: string, options: ImportOptions): Promise<ImportOutcome> {
    const found = await this.db
      .selectFrom('fraud_case')
      .select(['id', 'unit_id'])
      .where((eb) => (/^\d+$/.test(caseRef) ? eb('id', '=', Number(caseRef)) : eb('case_no', '=', caseRef)))
      .executeTakeFirst();
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case "${caseRef}"`, { field: 'case' });
    const who: Who = { userId: null, username: 'levee-cli', unitId: found.unit_id, ip: 'local' };
    return this.run(who, found.id, createReadStream(path), options);
  }

  async list(actor: Actor, caseId: number): Promise<StatementBatchRow[]> {
    await this.caseInScope(actor, caseId);
    return listBatches(this.db, caseId);
  }

  async get(actor: Actor, caseId: number, batchId: number) {
    await this.caseInScope(actor, caseId);
    const batch = await this.batchOfCase(caseId, batchId);
    return { batch, transfers: await batchTransfers(this.db, caseId, batchId, 50) };
  }

  async withdraw(actor: Actor, caseId: number, batchId: number, reason: string): Promise<StatementBatchRow> {
    requirePermission(actor, 'cases.write');
    await this.caseInScope(actor, caseId);
    const batch = await this.batchOfCase(caseId, batchId);
    if (batch.state !== 'active')
      throw new LeveeError(
        'LEVEE_CONFLICT',
        `batch ${batchId} was already withdrawn on ${batch.withdrawn_at} by ${batch.withdrawn_by}`,
      );
    const now = this.clock.now().toISOString();
    const counts = await this.db.transaction().execute(async (trx) => {
      if (!(await markBatchWithdrawn(trx, batchId, actor.username, now, reason)))
        throw new LeveeError('LEVEE_CONFLICT', `batch ${batchId} was withdrawn meanwhile`);
      const handedOver = await handOverTransfers(trx, caseId, batchId);
      const withdrawn = await withdrawBatchTransfers(trx, caseId, batchId);
      if (batch.opening_set === 1) await resetOpening(trx, caseId, batch.institution_code, batch.account);
      await insertEvent(trx, {
        case_id: caseId,
        at: now,
        kind: 'statement.withdrawn',
        actor: actor.username,
        summary: `撤回流水批次 #${batchId}（${batch.file_name}）：${withdrawn} 笔转账移出资金账本；原因：${reason}`,
        detail: JSON.stringify({ batchId, withdrawn, handedOver, reason }),
      });
      await this.audit.record(
        trx,
        auditOf(actorWho(actor), 'statement.withdraw', batchId, {
          reason,
          detail: { caseId, withdrawn, handedOver },
        }),
      );
      return { withdrawn, handedOver };
    });
    this.events.publish(caseId, 'timeline', 'graph');
    void counts;
    return (await findBatch(this.db, batchId))!;
  }

  presets() {
    return {
      presets: [AUTO_PRESET, ...PRESETS].map((p) => ({
        name: p.name,
        description: p.description,
        columns: p === AUTO_PRESET ? {} : (p.columns as Record<string, readonly string[]>),
      })),
      fields: FIELDS.map((f) => ({ name: f, label: FIELD_LABELS[f] })),
    };
  }

  async getMapping(actor: Actor, fingerprint: string) {
    requirePermission(actor, 'cases.read');
    const row = await findMapping(this.db, fingerprint);
    if (!row) throw new LeveeError('LEVEE_NOT_FOUND', `no mapping remembered for header ${fingerprint}`);
    return row;
  }

  async putMapping(actor: Actor, fingerprint: string, mapping: ExplicitMapping, source: string) {
    requirePermission(actor, 'cases.write');
    const stored: ExplicitMapping = { ...mapping, version: 1, fingerprint, ...(source ? { source } : {}) };
    try {
      validateExplicitMapping(stored);
    } catch (error) {
      if (error instanceof StatementError)
        throw new LeveeError('LEVEE_VALIDATION', error.message, { field: 'mapping' });
      throw error;
    }
    const now = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await saveMapping(trx, {
        fingerprint,
        mapping: JSON.stringify(stored),
        source,
        updated_by: actor.username,
        updated_at: now,
      });
      await this.audit.record(
        trx,
        auditOf(actorWho(actor), 'statement.mapping-save', fingerprint, {
          targetType: 'statement-mapping',
          detail: { source },
        }),
      );
    });
    return (await findMapping(this.db, fingerprint))!;
  }

  // ── the import itself ────────────────────────────────────────────────────────────────────

  private async run(
    who: Who,
    caseId: number,
    body: AsyncIterable<Uint8Array>,
    options: ImportOptions,
  ): Promise<ImportOutcome> {
    const fileName = safeFileName(options.fileName);
    const spooled = await this.spool(body, fileName);
    try {
      const sameFile = await findActiveBatchByFile(this.db, caseId, spooled.sha256);
      if (sameFile && !options.dryRun)
        throw new LeveeError(
          'LEVEE_CONFLICT',
          `this file (SHA-256 ${spooled.sha256.slice(0, 16)}…) was already imported into case ${caseId} ` +
            `as batch ${sameFile.id} (${sameFile.file_name}, ${sameFile.created_at}); withdraw that batch first to import it again`,
          { field: 'file', extra: { batchId: sameFile.id } },
        );

      const { readStatementFile } = await import('./statement/file-readers.js');
      const builder = new LedgerBuilder();
      let unknownAccountRows = 0;
      let result: StatementResult;
      try {
        result = await readStatementFile(spooled.path, {
          ...(options.preset ? { preset: options.preset } : {}),
          ...(options.mapping ? { mapping: options.mapping } : {}),
          memory: await this.memory(),
          ...(options.account ? { account: options.account } : {}),
          ...(options.accountName ? { accountName: options.accountName } : {}),
          encoding: options.encoding ?? 'auto',
          collectFingerprints: false,
          onTransaction: (tx: StatementTransaction) => {
            if (tx.account === UNKNOWN_ACCOUNT) unknownAccountRows++;
            else builder.add(tx);
          },
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
      } catch (error) {
        if (!(error instanceof StatementError)) throw error;
        const problem = {
          kind: error.name,
          detail: error.message,
          ...(error instanceof HeaderNotFoundError
            ? {
                missingFields: [...error.missingFields],
                ...(error.nearest ? { header: { ...error.nearest, cells: [...error.nearest.cells] } } : {}),
              }
            : {}),
        };
        if (options.dryRun)
          return {
            dryRun: true,
            ok: false,
            fileProblem: problem,
            statementAccounts: [],
            transfers: 0,
            duplicates: 0,
            newTransfers: 0,
            sameFileBatchId: sameFile?.id ?? null,
          };
        throw new LeveeError('LEVEE_VALIDATION', `${fileName}: ${error.name}: ${error.message}`, {
          field: 'file',
          ...(problem.missingFields
            ? { extra: { errors: problem.missingFields.map((f) => ({ field: f, message: 'no column' })) } }
            : {}),
        });
      }
      const { rowFingerprints: _, ...preview } = result;
      const failures = this.failures(result, unknownAccountRows, options.acceptUnreconciled);
      let prepared: Prepared | undefined;
      let known = new Map<string, { withdrawn: boolean }>();
      if (unknownAccountRows === 0 && result.totals.transactions > 0) {
        prepared = await this.prepare(caseId, builder, result, options);
        known = await knownTransferFingerprints(this.db, caseId, prepared.fingerprints);
      }
      const duplicates = prepared ? countDuplicates(prepared.fingerprints, known) : 0;
      const summary = {
        preview,
        statementAccounts: (prepared?.own ?? []).map(({ institution, account, holder }) => ({
          institution,
          account,
          holder,
        })),
        transfers: prepared?.fingerprints.length ?? 0,
        duplicates,
        newTransfers: (prepared?.fingerprints.length ?? 0) - duplicates,
        sameFileBatchId: sameFile?.id ?? null,
      };
      if (options.dryRun) return { dryRun: true, ok: failures.length === 0, ...summary };
      if (failures.length > 0 || !prepared) {
        const first = failures[0] ?? { field: 'file', message: 'no transactions' };
        throw new LeveeError(
          'LEVEE_VALIDATION',
          `${fileName} was not imported: ${first.field}: ${first.message}` +
            (failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''),
          { field: 'file', extra: { errors: failures.slice(0, MAX_LISTED_ERRORS), checksFailed: true } },
        );
      }
      const batch = await this.store(who, caseId, fileName, spooled, result, prepared, options);
      this.events.publish(caseId, 'timeline', 'graph');
      return {
        dryRun: false,
        ok: true,
        ...summary,
        newTransfers: batch.transfer_count,
        duplicates: batch.duplicate_count,
        batch,
      };
    } finally {
      await rm(spooled.dir, { recursive: true, force: true });
    }
  }

  /** Why the statement may not be imported: row errors (with line numbers), a balance break, no account. */
  private failures(result: StatementResult, unknownAccountRows: number, acceptUnreconciled: boolean) {
    const out: { field: string; message: string }[] = [];
    if (unknownAccountRows > 0)
      out.push({
        field: 'account',
        message: `the statement does not say whose account it is (${unknownAccountRows} rows); pass the account`,
      });
    for (const e of result.errors.slice(0, MAX_LISTED_ERRORS))
      out.push({
        field: `${e.sheet}!${e.line}${e.column ? ` [${e.column}]` : ''}`,
        message: `${e.value !== undefined ? `"${e.value}": ` : ''}${e.reason}`,
      });
    if (result.errorCount > result.errors.slice(0, MAX_LISTED_ERRORS).length)
      out.push({ field: 'file', message: `${result.errorCount} rows could not be read in all` });
    if (result.totals.transactions === 0)
      out.push({ field: 'file', message: 'the statement holds no transactions' });
    if (result.reconciliation.status === 'broken' && !acceptUnreconciled)
      for (const a of result.reconciliation.accounts) {
        const b = a.firstBreak;
        if (!b) continue;
        out.push({
          field: `${b.sheet}!${b.line} [balance]`,
          message:
            `account ${a.account}: the balance ${b.found} fen does not follow from line ${b.previousLine} ` +
            `(expected ${b.expected} fen; ${a.breaks} breaks); accept an unreconciled statement explicitly to import it`,
        });
      }
    return out;
  }

  /** The statement's ledger in case-ledger terms: institution codes resolved, fingerprints computed. */
  private async prepare(
    caseId: number,
    builder: LedgerBuilder,
    result: StatementResult,
    options: ImportOptions,
  ): Promise<Prepared> {
    const { ledger } = builder.build(result.reconciliation, {
      sendersAsParties: options.sendersAsParties === true,
      ...(result.statement.accountName ? { accountName: result.statement.accountName } : {}),
    });
    const institutions = await listInstitutions(this.db);
    const known = await caseAccountInstitutions(
      this.db,
      caseId,
      ledger.accounts.map((a) => a.id),
    );
    const byName = (text: string | undefined): string | undefined => {
      if (!text) return undefined;
      const t = text.trim().toLowerCase();
      return institutions.find(
        (i) =>
          i.code.toLowerCase() === t ||
          (i.name && (text.includes(i.name) || i.name.includes(text.trim()))) ||
          (i.name_en && i.name_en.toLowerCase() === t),
      )?.code;
    };
    const given = options.institution?.trim();
    const ownInstitution = (account: string) =>
      (given ? (byName(given) ?? clean(given)) : undefined) ??
      known.get(account) ??
      byName(result.statement.institution) ??
      (result.statement.institution ? clean(result.statement.institution) : 'UNKNOWN');
    const accounts = new Map<
      string,
      { institution: string; account: string; holder: string; sink?: string }
    >();
    const own: Prepared['own'] = [];
    for (const a of ledger.accounts) {
      if (a.statement) {
        const entry = {
          institution: ownInstitution(a.id),
          account: a.id,
          holder: a.name ?? result.statement.accountName ?? '',
        };
        accounts.set(a.id, entry);
        own.push({
          institution: entry.institution,
          account: entry.account,
          holder: entry.holder,
          opening: a.opening,
        });
      } else if (!a.sink) {
        accounts.set(a.id, {
          institution:
            known.get(a.id) ?? byName(a.institution) ?? (a.institution ? clean(a.institution) : 'UNKNOWN'),
          account: a.id,
          holder: a.name ?? '',
        });
      }
    }
    const parties = new Map(ledger.parties.map((p) => [p.id, p]));
    const inputs: Prepared['inputs'] = { credit: [], debit: [] };
    const fingerprints: string[] = [];
    for (const t of ledger.transfers) {
      const input = this.transferInput(t, accounts, parties, ledger);
      const fromKey =
        'party' in input.from ? input.from.party : accountKey(input.from.institution, input.from.account);
      fingerprints.push(
        transferFingerprint(
          fromKey,
          accountKey(input.to.institution, input.to.account),
          input.amount,
          new Date(input.at).toISOString(),
          input.serial ?? '',
        ),
      );
      (accounts.get(t.to)?.account !== undefined && own.some((o) => o.account === t.to)
        ? inputs.credit
        : inputs.debit
      ).push(input);
    }
    return { inputs, fingerprints, own };
  }

  private transferInput(
    t: Ledger['transfers'][number],
    accounts: Map<string, { institution: string; account: string; holder: string }>,
    parties: Map<string, Ledger['parties'][number]>,
    ledger: Ledger,
  ): LedgerTransferInput {
    const party = parties.get(t.from);
    const fromAccount = accounts.get(t.from);
    const from: LedgerTransferInput['from'] = party
      ? { party: party.id, role: party.role, label: party.name ?? party.id }
      : fromAccount!;
    let to: LedgerTransferInput['to'];
    const toAccount = accounts.get(t.to);
    if (toAccount) to = toAccount;
    else {
      // Money leaving the trail (cash, or no counterparty): a sink per statement account.
      const sink = ledger.accounts.find((a) => a.id === t.to)?.sink ?? 'out-of-scope';
      const base = fromAccount ?? { institution: 'UNKNOWN', account: t.from };
      to = {
        institution: base.institution,
        account: `${sink === 'cash' ? 'CASH' : 'OUT'}-${base.account}`,
        holder: sink === 'cash' ? '取现' : '去向不明',
        sink,
      };
    }
    return {
      from,
      to,
      amount: t.amount,
      at: t.time,
      ...(t.channel ? { channel: t.channel } : {}),
      ...(t.serial ? { serial: t.serial } : {}),
    };
  }

  private async store(
    who: Who,
    caseId: number,
    fileName: string,
    spooled: Spooled,
    result: StatementResult,
    prepared: Prepared,
    options: ImportOptions,
  ): Promise<StatementBatchRow> {
    const now = this.clock.now().toISOString();
    const storedDir = join(this.dataDir, 'statements');
    const storedPath = join(storedDir, spooled.sha256);
    const fileExisted = existsSync(storedPath);
    const first = prepared.own[0]!;
    let batchId: number;
    try {
      batchId = await this.db.transaction().execute(async (trx) => {
        const id = await insertBatch(trx, {
          case_id: caseId,
          file_name: fileName,
          file_sha256: spooled.sha256,
          stored_path: storedPath,
          size: spooled.size,
          format: result.source.format,
          encoding: result.source.encoding ?? '',
          mapping: JSON.stringify({
            preset: options.preset ?? 'auto',
            ...(options.mapping ? { mapping: options.mapping } : {}),
            sheets: result.sheets
              .filter((s) => s.status === 'read')
              .map((s) => ({
                name: s.name,
                preset: s.preset,
                headerLine: s.headerLine,
                columns: s.columns,
                fingerprint: s.mappingFingerprint,
              })),
          }),
          institution_code: first.institution,
          account: prepared.own.map((o) => o.account).join(','),
          holder_name: first.holder,
          row_count: result.totals.transactions,
          transfer_count: 0,
          duplicate_count: 0,
          reconciliation: JSON.stringify(result.reconciliation),
          accepted_unreconciled: result.reconciliation.status === 'broken' ? 1 : 0,
          opening_set: 0,
          state: 'active',
          created_by: who.userId,
          created_by_name: who.username,
          created_at: now,
          withdrawn_by: null,
          withdrawn_at: null,
          withdrawn_reason: null,
        });
        const ref = `batch:${id}`;
        const before = await knownTransferFingerprints(trx, caseId, prepared.fingerprints);
        // Debits first at the statement account's level, credits one level above it.
        const ownLevel = await this.ownLevel(trx, caseId, first);
        let added = await addLedgerTransfers(
          trx,
          caseId,
          'import',
          ref,
          prepared.inputs.debit,
          now,
          ownLevel,
        );
        added += await addLedgerTransfers(
          trx,
          caseId,
          'import',
          ref,
          prepared.inputs.credit,
          now,
          Math.max(1, ownLevel - 1),
        );
        const withdrawnBefore = [...before].filter(([, v]) => v.withdrawn).map(([fp]) => fp);
        added += await reviveTransfers(trx, caseId, withdrawnBefore, ref);
        const activeBefore = [...before].filter(([, v]) => !v.withdrawn).map(([fp]) => fp);
        await insertDuplicates(trx, id, activeBefore);
        let openingSet = 0;
        if (prepared.own.length === 1 && first.opening !== undefined && first.opening > 0)
          openingSet = (await setOpeningIfUnset(trx, caseId, first.institution, first.account, first.opening))
            ? 1
            : 0;
        const duplicates = prepared.fingerprints.length - added;
        await updateBatchCounts(trx, id, {
          transfer_count: added,
          duplicate_count: duplicates,
          opening_set: openingSet,
        });
        await insertEvent(trx, {
          case_id: caseId,
          at: now,
          kind: 'statement.imported',
          actor: who.username,
          summary:
            `导入流水 ${fileName}（${first.institution} ${prepared.own.map((o) => o.account).join('、')}）：` +
            `${added} 笔新增，${duplicates} 笔已在账本中` +
            (result.reconciliation.status === 'broken' ? '；余额不连续，经确认导入' : ''),
          detail: JSON.stringify({ batchId: id, added, duplicates, sha256: spooled.sha256 }),
        });
        await this.audit.record(
          trx,
          auditOf(who, 'statement.import', id, {
            detail: {
              caseId,
              file: fileName,
              sha256: spooled.sha256,
              rows: result.totals.transactions,
              added,
              duplicates,
              acceptedUnreconciled: result.reconciliation.status === 'broken',
            },
          }),
        );
        // The original bytes are kept; renamed into place last, so a failure before leaves no file.
        if (!fileExisted) {
          await mkdir(storedDir, { recursive: true });
          await rename(spooled.path, storedPath);
        }
        return id;
      });
    } catch (error) {
      if (!fileExisted) await rm(storedPath, { force: true });
      if (isUniqueViolation(error)) {
        const earlier = await findActiveBatchByFile(this.db, caseId, spooled.sha256);
        throw new LeveeError(
          'LEVEE_CONFLICT',
          `this file was imported into case ${caseId} at the same moment as batch ${earlier?.id ?? '?'}`,
          { field: 'file', ...(earlier ? { extra: { batchId: earlier.id } } : {}) },
        );
      }
      throw error;
    }
    return (await findBatch(this.db, batchId))!;
  }

  private async ownLevel(db: Db, caseId: number, own: { institution: string; account: string }) {
    const row = await db
      .selectFrom('case_account')
      .select('level')
      .where('case_id', '=', caseId)
      .where('institution_code', '=', own.institution)
      .where('account', '=', own.account)
      .executeTakeFirst();
    return row?.level ?? 1;
  }

  private async memory(): Promise<MappingMemory> {
    const mappings: Record<string, ExplicitMapping> = {};
    for (const row of await listMappings(this.db)) mappings[row.fingerprint] = JSON.parse(row.mapping);
    return { format: 'levee.statement-mappings/1', mappings };
  }

  private async spool(body: AsyncIterable<Uint8Array>, fileName: string): Promise<Spooled> {
    const dir = join(this.dataDir, 'statements', '.incoming', randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > MAX_STATEMENT_BYTES)
              throw new LeveeError(
                'LEVEE_BODY_TOO_LARGE',
                `a statement may have at most ${MAX_STATEMENT_BYTES} bytes; split the export by period`,
              );
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return { dir, path, size, sha256: hash.digest('hex') };
  }

  private async caseInScope(actor: Actor, caseId: number) {
    requirePermission(actor, 'cases.read');
    const found = await findCase(this.db, caseId);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${caseId}`);
    requireScope(actor, found.unit_path, `case ${caseId}`);
    return found;
  }

  private async batchOfCase(caseId: number, batchId: number): Promise<StatementBatchRow> {
    const batch = await findBatch(this.db, batchId);
    if (!batch || batch.case_id !== caseId)
      throw new LeveeError('LEVEE_NOT_FOUND', `case ${caseId} has no statement batch ${batchId}`);
    return batch;
  }
}

interface Spooled {
  readonly dir: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

function actorWho(actor: Actor): Who {
  return { userId: actor.userId, username: actor.username, unitId: actor.unitId, ip: actor.ip };
}

/**
 * An audit entry about a batch (or `more.targetType`). The whole entry is built here rather than
 * as `{ ...auditOf(…), detail }` at the call: on Node 20 a literal that starts with a spread and
 * then adds keys takes V8's slow path.
 */
function auditOf(
  who: Who,
  action: string,
  id: number | string,
  more: Partial<Pick<AuditEntry, 'targetType' | 'reason' | 'detail'>>,
): AuditEntry {
  return {
    userId: who.userId,
    username: who.username,
    unitId: who.unitId,
    action,
    targetType: more.targetType ?? 'statement-batch',
    targetId: String(id),
    ip: who.ip,
    reason: more.reason,
    detail: more.detail,
  };
}

function countDuplicates(fingerprints: readonly string[], known: Map<string, { withdrawn: boolean }>) {
  let n = 0;
  const seen = new Set<string>();
  for (const fp of fingerprints) {
    if (seen.has(fp) || known.get(fp)?.withdrawn === false) n++;
    seen.add(fp);
  }
  return n;
}

/** A file name safe to use as a path segment (kept for messages and the batch record). */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  let cleaned = '';
  for (const ch of base) if (ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f) cleaned += ch;
  cleaned = cleaned.trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'statement' : cleaned;
}

/** An institution text usable in an account key (no '/'). */
function clean(text: string): string {
  return text.replace(/[/\s]+/g, '').slice(0, 64) || 'UNKNOWN';
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
