/** Statement batches, their recognised duplicates, and remembered column mappings: queries only. */
import type { Insertable } from 'kysely';
import type { StatementBatchRow, StatementBatchTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

const CHUNK = 400;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function insertBatch(db: Db, row: Insertable<StatementBatchTable>): Promise<number> {
  return (await db.insertInto('statement_batch').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateBatchCounts(
  db: Db,
  id: number,
  counts: { transfer_count: number; duplicate_count: number; opening_set: number },
): Promise<void> {
  await db.updateTable('statement_batch').set(counts).where('id', '=', id).execute();
}

export async function findBatch(db: Db, id: number): Promise<StatementBatchRow | undefined> {
  return db.selectFrom('statement_batch').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listBatches(db: Db, caseId: number): Promise<StatementBatchRow[]> {
  return db
    .selectFrom('statement_batch')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id', 'desc')
    .execute();
}

export async function findActiveBatchByFile(
  db: Db,
  caseId: number,
  sha256: string,
): Promise<StatementBatchRow | undefined> {
  return db
    .selectFrom('statement_batch')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('file_sha256', '=', sha256)
    .where('state', '=', 'active')
    .executeTakeFirst();
}

/** Which of these transfer fingerprints the case ledger already holds, and whether withdrawn. */
export async function knownTransferFingerprints(
  db: Db,
  caseId: number,
  fingerprints: readonly string[],
): Promise<Map<string, { withdrawn: boolean; source: string; sourceRef: string }>> {
  const out = new Map<string, { withdrawn: boolean; source: string; sourceRef: string }>();
  for (const part of chunks([...new Set(fingerprints)])) {
    const rows = await db
      .selectFrom('case_transfer')
      .select(['fingerprint', 'withdrawn', 'source', 'source_ref'])
      .where('case_id', '=', caseId)
      .where('fingerprint', 'in', part)
      .execute();
    for (const r of rows)
      out.set(r.fingerprint, { withdrawn: r.withdrawn === 1, source: r.source, sourceRef: r.source_ref });
  }
  return out;
}

/** Withdrawn transfers reported again by a new batch come back under that batch. */
export async function reviveTransfers(
  db: Db,
  caseId: number,
  fingerprints: readonly string[],
  sourceRef: string,
): Promise<number> {
  let n = 0;
  for (const part of chunks(fingerprints)) {
    const r = await db
      .updateTable('case_transfer')
      .set({ withdrawn: 0, source: 'import', source_ref: sourceRef })
      .where('case_id', '=', caseId)
      .where('withdrawn', '=', 1)
      .where('fingerprint', 'in', part)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

export async function insertDuplicates(db: Db, batchId: number, fingerprints: readonly string[]) {
  for (const part of chunks([...new Set(fingerprints)]))
    await db
      .insertInto('statement_batch_duplicate')
      .values(part.map((fingerprint) => ({ batch_id: batchId, fingerprint })))
      .execute();
}

/**
 * Transfers a withdrawn batch brought that another active batch of the case also reported: they
 * pass to that batch (the earliest) and stay in the ledger.
 */
export async function handOverTransfers(db: Db, caseId: number, batchId: number): Promise<number> {
  const rows = await db
    .selectFrom('case_transfer as t')
    .innerJoin('statement_batch_duplicate as d', 'd.fingerprint', 't.fingerprint')
    .innerJoin('statement_batch as b', 'b.id', 'd.batch_id')
    .select(['t.id as transferId', 'b.id as heirId'])
    .where('t.case_id', '=', caseId)
    .where('t.source_ref', '=', `batch:${batchId}`)
    .where('t.withdrawn', '=', 0)
    .where('b.case_id', '=', caseId)
    .where('b.state', '=', 'active')
    .where('b.id', '<>', batchId)
    .orderBy('b.id')
    .execute();
  const heirs = new Map<number, number>();
  for (const r of rows) if (!heirs.has(r.transferId)) heirs.set(r.transferId, r.heirId);
  for (const [transferId, heirId] of heirs)
    await db
      .updateTable('case_transfer')
      .set({ source_ref: `batch:${heirId}` })
      .where('id', '=', transferId)
      .execute();
  return heirs.size;
}

export async function withdrawBatchTransfers(db: Db, caseId: number, batchId: number): Promise<number> {
  const r = await db
    .updateTable('case_transfer')
    .set({ withdrawn: 1 })
    .where('case_id', '=', caseId)
    .where('source', '=', 'import')
    .where('source_ref', '=', `batch:${batchId}`)
    .where('withdrawn', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markBatchWithdrawn(
  db: Db,
  id: number,
  by: string,
  at: string,
  reason: string,
): Promise<boolean> {
  const r = await db
    .updateTable('statement_batch')
    .set({ state: 'withdrawn', withdrawn_by: by, withdrawn_at: at, withdrawn_reason: reason })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function batchTransfers(db: Db, caseId: number, batchId: number, limit: number) {
  return db
    .selectFrom('case_transfer')
    .select([
      'id',
      'from_key',
      'to_key',
      'amount',
      'at',
      'serial',
      'channel',
      'counterparty_name',
      'withdrawn',
    ])
    .where('case_id', '=', caseId)
    .where('source_ref', '=', `batch:${batchId}`)
    .orderBy('at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Institution codes under which the case already knows these account numbers. */
export async function caseAccountInstitutions(
  db: Db,
  caseId: number,
  accounts: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(accounts)])) {
    const rows = await db
      .selectFrom('case_account')
      .select(['account', 'institution_code'])
      .where('case_id', '=', caseId)
      .where('account', 'in', part)
      .orderBy('id')
      .execute();
    for (const r of rows) if (!out.has(r.account)) out.set(r.account, r.institution_code);
  }
  return out;
}

/** Set a statement account's opening balance unless the case already has one for it. */
export async function setOpeningIfUnset(
  db: Db,
  caseId: number,
  institution: string,
  account: string,
  opening: number,
): Promise<boolean> {
  const r = await db
    .updateTable('case_account')
    .set({ opening })
    .where('case_id', '=', caseId)
    .where('institution_code', '=', institution)
    .where('account', '=', account)
    .where('opening', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function resetOpening(db: Db, caseId: number, institution: string, account: string) {
  await db
    .updateTable('case_account')
    .set({ opening: 0 })
    .where('case_id', '=', caseId)
    .where('institution_code', '=', institution)
    .where('account', '=', account)
    .execute();
}

export async function listMappings(db: Db) {
  return db.selectFrom('statement_mapping').selectAll().execute();
}

export async function findMapping(db: Db, fingerprint: string) {
  return db
    .selectFrom('statement_mapping')
    .selectAll()
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export async function saveMapping(
  db: Db,
  row: { fingerprint: string; mapping: string; source: string; updated_by: string; updated_at: string },
): Promise<void> {
  await db
    .insertInto('statement_mapping')
    .values(row)
    .onConflict((oc) =>
      oc.column('fingerprint').doUpdateSet({
        mapping: row.mapping,
        source: row.source,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
