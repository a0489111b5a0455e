import type { Insertable } from 'kysely';
import type { UnitRow, UnitTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export async function findUnit(db: Db, id: number): Promise<UnitRow | undefined> {
  return db.selectFrom('unit').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUnitByCode(db: Db, code: string): Promise<UnitRow | undefined> {
  return db.selectFrom('unit').selectAll().where('code', '=', code).executeTakeFirst();
}

/** The unit and everything below it, parents before children. */
export async function listSubtree(db: Db, path: string): Promise<UnitRow[]> {
  return db
    .selectFrom('unit')
    .selectAll()
    .where('path', 'like', `${path}%`)
    .orderBy('depth')
    .orderBy('id')
    .execute();
}

export async function insertUnit(
  db: Db,
  unit: Omit<Insertable<UnitTable>, 'path' | 'depth'>,
  parent: UnitRow | undefined,
): Promise<UnitRow> {
  const inserted = await db
    .insertInto('unit')
    // Object.assign, not `{ ...unit, path, depth }` (V8's slow path on Node 20): same columns, same order.
    .values(Object.assign({}, unit, { path: '', depth: parent ? parent.depth + 1 : 0 }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parent?.path ?? '/'}${inserted.id}/`;
  await db.updateTable('unit').set({ path }).where('id', '=', inserted.id).execute();
  return (await findUnit(db, inserted.id))!;
}

export async function countUnitsIn(db: Db, path: string): Promise<number> {
  const row = await db
    .selectFrom('unit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
