import type { Insertable, Updateable } from 'kysely';
import type { UserRow, UserTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export type UserWithUnit = UserRow & { unit_path: string };

export async function findUserByUsername(db: Db, username: string): Promise<UserWithUnit | undefined> {
  return db
    .selectFrom('app_user')
    .innerJoin('unit', 'unit.id', 'app_user.unit_id')
    .selectAll('app_user')
    .select('unit.path as unit_path')
    .where('app_user.username', '=', username)
    .executeTakeFirst();
}

export async function findUser(db: Db, id: number): Promise<UserWithUnit | undefined> {
  return db
    .selectFrom('app_user')
    .innerJoin('unit', 'unit.id', 'app_user.unit_id')
    .selectAll('app_user')
    .select('unit.path as unit_path')
    .where('app_user.id', '=', id)
    .executeTakeFirst();
}

export async function listUsersIn(db: Db, unitPath: string): Promise<UserRow[]> {
  return db
    .selectFrom('app_user')
    .innerJoin('unit', 'unit.id', 'app_user.unit_id')
    .selectAll('app_user')
    .where('unit.path', 'like', `${unitPath}%`)
    .orderBy('app_user.id')
    .execute();
}

export async function insertUser(db: Db, user: Insertable<UserTable>): Promise<number> {
  const row = await db.insertInto('app_user').values(user).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUser(db: Db, id: number, changes: Updateable<UserTable>): Promise<void> {
  await db.updateTable('app_user').set(changes).where('id', '=', id).execute();
}

export async function countUsersIn(db: Db, unitPath: string): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .innerJoin('unit', 'unit.id', 'app_user.unit_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit.path', 'like', `${unitPath}%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
