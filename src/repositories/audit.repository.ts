import { type Kysely, sql, type Transaction } from 'kysely';
import type { Capabilities } from '../storage/database.js';
import type { AuditRow, Database, NewAuditRow } from '../storage/schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

export async function lockAuditHead(
  db: Db,
  caps: Capabilities,
): Promise<{ last_id: number; last_hash: string }> {
  let query = db.selectFrom('audit_head').select(['last_id', 'last_hash']).where('id', '=', 1);
  if (caps.rowLocks) query = query.forUpdate();
  return query.executeTakeFirstOrThrow();
}

export async function appendAuditRow(db: Db, row: NewAuditRow & { id: number }): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
  await db
    .updateTable('audit_head')
    .set({ last_id: row.id, last_hash: row.hash })
    .where('id', '=', 1)
    .execute();
}

export async function readAuditHead(db: Db): Promise<{ last_id: number; last_hash: string }> {
  return db
    .selectFrom('audit_head')
    .select(['last_id', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

/** Rows in chain order, a page at a time, so verifying a long log does not load it whole. */
export async function auditRowsAfter(db: Db, afterId: number, limit: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function listAudit(
  db: Db,
  filter: { unitPath: string; limit: number; beforeId?: number | undefined },
): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('unit', 'unit.id', 'audit_log.unit_id')
    .selectAll('audit_log')
    .where('unit.path', 'like', `${filter.unitPath}%`)
    .orderBy('audit_log.id', 'desc')
    .limit(filter.limit);
  if (filter.beforeId !== undefined) query = query.where('audit_log.id', '<', filter.beforeId);
  return query.execute();
}

export async function countAuditSince(
  db: Db,
  unitPath: string,
  sinceIso: string,
  action?: string,
): Promise<number> {
  let query = db
    .selectFrom('audit_log')
    .innerJoin('unit', 'unit.id', 'audit_log.unit_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit.path', 'like', `${unitPath}%`)
    .where('audit_log.at', '>=', sinceIso);
  if (action) query = query.where('audit_log.action', '=', action);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Audit rows per UTC hour since an instant (at most 24 × days rows), for the activity trend. */
export async function auditHoursSince(
  db: Db,
  unitPath: string,
  sinceIso: string,
): Promise<{ hour: string; n: number }[]> {
  const hour = sql<string>`substr(audit_log.at, 1, 13)`;
  const rows = await db
    .selectFrom('audit_log')
    .innerJoin('unit', 'unit.id', 'audit_log.unit_id')
    .select([hour.as('hour'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('unit.path', 'like', `${unitPath}%`)
    .where('audit_log.at', '>=', sinceIso)
    .groupBy(hour)
    .execute();
  return rows.map((r) => ({ hour: r.hour, n: Number(r.n) }));
}
