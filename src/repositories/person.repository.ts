import type { Insertable } from 'kysely';
import type { PersonRow, PersonTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export type PersonWithUnit = PersonRow & { unit_path: string };

export async function findPerson(db: Db, id: number): Promise<PersonWithUnit | undefined> {
  return db
    .selectFrom('person')
    .innerJoin('unit', 'unit.id', 'person.unit_id')
    .selectAll('person')
    .select('unit.path as unit_path')
    .where('person.id', '=', id)
    .executeTakeFirst();
}

export async function listPersonsIn(
  db: Db,
  unitPath: string,
  q: string | undefined,
  limit: number,
): Promise<PersonRow[]> {
  let query = db
    .selectFrom('person')
    .innerJoin('unit', 'unit.id', 'person.unit_id')
    .selectAll('person')
    .where('unit.path', 'like', `${unitPath}%`)
    .orderBy('person.id', 'desc')
    .limit(limit);
  if (q) query = query.where('person.name', 'like', `%${q.replace(/[%_]/g, '')}%`);
  return query.execute();
}

export async function insertPerson(db: Db, person: Insertable<PersonTable>): Promise<number> {
  const row = await db.insertInto('person').values(person).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function countPersonsByCategory(db: Db, unitPath: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('person')
    .innerJoin('unit', 'unit.id', 'person.unit_id')
    .select(['person.category', (eb) => eb.fn.countAll<number>().as('n')])
    .where('unit.path', 'like', `${unitPath}%`)
    .groupBy('person.category')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.category, Number(r.n)]));
}
