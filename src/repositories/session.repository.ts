import type { SessionRow } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

export async function insertSession(db: Db, session: SessionRow): Promise<void> {
  await db.insertInto('session').values(session).execute();
}

export async function findLiveSession(db: Db, id: string, nowIso: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('session')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, nowIso: string): Promise<void> {
  await db.updateTable('session').set({ last_seen_at: nowIso }).where('id', '=', id).execute();
}

export async function listLiveSessions(db: Db, userId: number, nowIso: string): Promise<SessionRow[]> {
  return db
    .selectFrom('session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeSession(db: Db, id: string, userId: number, nowIso: string): Promise<number> {
  const result = await db
    .updateTable('session')
    .set({ revoked_at: nowIso })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function revokeUserSessions(
  db: Db,
  userId: number,
  nowIso: string,
  exceptId?: string,
): Promise<void> {
  let query = db
    .updateTable('session')
    .set({ revoked_at: nowIso })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  await query.execute();
}

export async function findThrottle(db: Db, username: string) {
  return db.selectFrom('login_throttle').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function saveThrottle(
  db: Db,
  row: { username: string; failures: number; locked_until: string | null; last_failure_at: string },
): Promise<void> {
  await db
    .insertInto('login_throttle')
    .values(row)
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({
        failures: row.failures,
        locked_until: row.locked_until,
        last_failure_at: row.last_failure_at,
      }),
    )
    .execute();
}

export async function clearThrottle(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('username', '=', username).execute();
}
