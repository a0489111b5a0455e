import type { Insertable } from 'kysely';
import type { CaseEventTable, CasePaymentTable, FraudCaseRow, FraudCaseTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export type CaseWithUnit = FraudCaseRow & { unit_path: string };

export async function findCase(db: Db, id: number): Promise<CaseWithUnit | undefined> {
  return db
    .selectFrom('fraud_case')
    .innerJoin('unit', 'unit.id', 'fraud_case.unit_id')
    .selectAll('fraud_case')
    .select('unit.path as unit_path')
    .where('fraud_case.id', '=', id)
    .executeTakeFirst();
}

export interface CaseFilter {
  unitPath: string;
  status?: string | undefined;
  scamType?: string | undefined;
  q?: string | undefined;
  limit: number;
  beforeId?: number | undefined;
}

export async function listCases(db: Db, filter: CaseFilter) {
  let query = db
    .selectFrom('fraud_case')
    .innerJoin('unit', 'unit.id', 'fraud_case.unit_id')
    .selectAll('fraud_case')
    .select(['unit.name as unit_name'])
    .select((eb) =>
      eb
        .selectFrom('case_victim')
        .select('case_victim.name')
        .whereRef('case_victim.case_id', '=', 'fraud_case.id')
        .orderBy('case_victim.id')
        .limit(1)
        .as('victim_name'),
    )
    .where('unit.path', 'like', `${filter.unitPath}%`)
    .orderBy('fraud_case.id', 'desc')
    .limit(filter.limit);
  if (filter.status) query = query.where('fraud_case.status', '=', filter.status as 'open');
  if (filter.scamType) query = query.where('fraud_case.scam_type', '=', filter.scamType);
  if (filter.beforeId) query = query.where('fraud_case.id', '<', filter.beforeId);
  if (filter.q) {
    const like = `%${filter.q.replace(/[%_]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([
        eb('fraud_case.case_no', 'like', like),
        eb('fraud_case.narrative', 'like', like),
        eb.exists(
          eb
            .selectFrom('case_victim')
            .select('case_victim.id')
            .whereRef('case_victim.case_id', '=', 'fraud_case.id')
            .where('case_victim.name', 'like', like),
        ),
        eb.exists(
          eb
            .selectFrom('case_payment')
            .select('case_payment.id')
            .whereRef('case_payment.case_id', '=', 'fraud_case.id')
            .where('case_payment.account', 'like', like),
        ),
      ]),
    );
  }
  return query.execute();
}

export async function insertCase(db: Db, row: Insertable<FraudCaseTable>): Promise<number> {
  return (await db.insertInto('fraud_case').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertPayments(db: Db, rows: Insertable<CasePaymentTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_payment').values(rows).execute();
}

/** Cases that already hold a payment with one of these fingerprints. */
export async function casesWithPaymentFingerprints(
  db: Db,
  fingerprints: string[],
): Promise<{ case_id: number; fingerprint: string }[]> {
  if (fingerprints.length === 0) return [];
  return db
    .selectFrom('case_payment')
    .select(['case_id', 'fingerprint'])
    .where('fingerprint', 'in', fingerprints)
    .execute();
}

/** Other cases whose victims paid into one of these accounts. */
export async function casesPayingInto(
  db: Db,
  accounts: { institution: string; account: string }[],
  exceptCaseId: number,
) {
  if (accounts.length === 0) return [];
  return db
    .selectFrom('case_payment')
    .select(['case_id', 'institution_code', 'account'])
    .where('case_id', '!=', exceptCaseId)
    .where((eb) =>
      eb.or(
        accounts.map((a) =>
          eb.and([eb('institution_code', '=', a.institution), eb('account', '=', a.account)]),
        ),
      ),
    )
    .execute();
}

export async function insertEvent(db: Db, row: Insertable<CaseEventTable>): Promise<number> {
  return (await db.insertInto('case_event').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function linkCases(db: Db, a: number, b: number, reason: string, at: string): Promise<boolean> {
  const existing = await db
    .selectFrom('case_link')
    .select('case_id')
    .where('case_id', '=', a)
    .where('linked_case_id', '=', b)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('case_link')
    .values([
      { case_id: a, linked_case_id: b, reason, created_at: at },
      { case_id: b, linked_case_id: a, reason, created_at: at },
    ])
    .execute();
  return true;
}

export async function caseDetailRows(db: Db, caseId: number) {
  const [victims, payments, artefacts, warnings, links, reports] = await Promise.all([
    db.selectFrom('case_victim').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
    db
      .selectFrom('case_payment')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('paid_at')
      .orderBy('id')
      .execute(),
    db.selectFrom('case_artefact').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
    db.selectFrom('case_warning').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
    db
      .selectFrom('case_link')
      .innerJoin('fraud_case', 'fraud_case.id', 'case_link.linked_case_id')
      .select(['case_link.linked_case_id', 'case_link.reason', 'fraud_case.case_no'])
      .where('case_link.case_id', '=', caseId)
      .execute(),
    db
      .selectFrom('case_report')
      .select(['id', 'duplicate', 'created_at', 'created_by'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute(),
  ]);
  return { victims, payments, artefacts, warnings, links, reports };
}

export async function listEvents(db: Db, caseId: number, afterId = 0) {
  return db
    .selectFrom('case_event')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
}

export async function findInstitution(db: Db, code: string) {
  return db
    .selectFrom('unit')
    .selectAll()
    .where('code', '=', code)
    .where('kind', 'in', ['bank', 'payment'])
    .executeTakeFirst();
}

export async function listInstitutions(db: Db) {
  return db
    .selectFrom('unit')
    .selectAll()
    .where('kind', 'in', ['bank', 'payment'])
    .orderBy('kind')
    .orderBy('code')
    .execute();
}

/** Open cases, cases reported since an instant and their loss, and money frozen, for a unit subtree. */
export async function caseFiguresWithin(db: Db, unitPath: string, since: string) {
  const inSubtree = (eb: { selectFrom: Db['selectFrom'] }) =>
    eb.selectFrom('unit').select('unit.id').where('unit.path', 'like', `${unitPath}%`);
  const [cases, frozen] = await Promise.all([
    db
      .selectFrom('fraud_case')
      .where('fraud_case.unit_id', 'in', inSubtree(db))
      .select((eb) => [
        eb.fn
          .sum<number | string | null>(eb.case().when('status', '=', 'open').then(1).else(0).end())
          .as('open'),
        eb.fn
          .sum<number | string | null>(eb.case().when('reported_at', '>=', since).then(1).else(0).end())
          .as('today'),
        eb.fn
          .sum<number | string | null>(
            eb.case().when('reported_at', '>=', since).then(eb.ref('loss_total')).else(0).end(),
          )
          .as('lossToday'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('case_account')
      .innerJoin('fraud_case', 'fraud_case.id', 'case_account.case_id')
      .where('fraud_case.unit_id', 'in', inSubtree(db))
      .select((eb) => eb.fn.sum<number | string | null>('case_account.frozen_amount').as('frozen'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    open: Number(cases.open ?? 0),
    reportedToday: Number(cases.today ?? 0),
    lossToday: Number(cases.lossToday ?? 0),
    frozen: Number(frozen.frozen ?? 0),
  };
}
