import type { Insertable } from 'kysely';
import type {
  CaseAccountRow,
  CaseAccountTable,
  CaseTransferRow,
  CaseTransferTable,
} from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export async function upsertAccount(db: Db, row: Insertable<CaseAccountTable>): Promise<void> {
  await db
    .insertInto('case_account')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'institution_code', 'account']).doNothing())
    .execute();
}

export async function insertTransfers(db: Db, rows: Insertable<CaseTransferTable>[]): Promise<number> {
  let inserted = 0;
  // Chunked: SQLite caps bound parameters per statement.
  for (let i = 0; i < rows.length; i += 200) {
    const result = await db
      .insertInto('case_transfer')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['case_id', 'fingerprint']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

export async function upsertParty(
  db: Db,
  row: { case_id: number; key: string; role: string; label: string },
): Promise<void> {
  await db
    .insertInto('case_party')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'key']).doNothing())
    .execute();
}

export async function ledgerRows(db: Db, caseIds: number[]) {
  if (caseIds.length === 0)
    return {
      accounts: [] as CaseAccountRow[],
      transfers: [] as CaseTransferRow[],
      parties: [] as { case_id: number; key: string; role: string; label: string }[],
    };
  const [accounts, transfers, parties] = await Promise.all([
    db.selectFrom('case_account').selectAll().where('case_id', 'in', caseIds).orderBy('id').execute(),
    db
      .selectFrom('case_transfer')
      .selectAll()
      .where('case_id', 'in', caseIds)
      .where('withdrawn', '=', 0)
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db.selectFrom('case_party').selectAll().where('case_id', 'in', caseIds).orderBy('key').execute(),
  ]);
  return { accounts, transfers, parties };
}

/** The case and every case linked to it, directly or through others. */
export async function linkedComponent(db: Db, caseId: number): Promise<number[]> {
  const seen = new Set([caseId]);
  let frontier = [caseId];
  while (frontier.length > 0) {
    const rows = await db
      .selectFrom('case_link')
      .select('linked_case_id')
      .where('case_id', 'in', frontier)
      .execute();
    frontier = rows.map((r) => r.linked_case_id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  return [...seen].sort((a, b) => a - b);
}
