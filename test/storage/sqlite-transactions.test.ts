/**
 * SQLite transactions take the write lock when they begin (storage/database.ts): another
 * connection to the same file — another process, as a `levee gateway worker` is — cannot write in
 * the middle of a transaction that has read, so the transaction's own write never fails with
 * SQLITE_BUSY_SNAPSHOT. The other connection here waits for nothing (busy_timeout 0), so "it
 * would have to wait" shows as SQLITE_BUSY at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/storage/database.js';

describe('SQLite transactions', () => {
  let dir: string;
  let store: Store;
  let other: BetterSqlite3.Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'levee-sqlite-tx-'));
    store = openStore(`sqlite:${join(dir, 'levee.db')}`);
    await sql`create table item (id integer primary key, name text not null)`.execute(store.db);
    await sql`insert into item (name) values ('first')`.execute(store.db);
    other = new BetterSqlite3(join(dir, 'levee.db'));
    other.pragma('busy_timeout = 0');
  });
  afterEach(async () => {
    other?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hold the write lock from their start: a transaction that reads first still writes and commits', async () => {
    let otherWrite: unknown = 'not tried';
    await store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from item`.execute(trx);
      expect(rows[0]!.n).toBe(1);
      try {
        other.prepare(`insert into item (name) values ('from the other process')`).run();
        otherWrite = 'written';
      } catch (error) {
        otherWrite = (error as { code?: string }).code;
      }
      await sql`insert into item (name) values ('after the read')`.execute(trx);
    });
    expect(otherWrite).toBe('SQLITE_BUSY');
    const names = other.prepare('select name from item order by id').pluck().all();
    expect(names).toEqual(['first', 'after the read']);
  });

  it('leave other connections free to read while they run', async () => {
    await store.db.transaction().execute(async (trx) => {
      await sql`insert into item (name) values ('uncommitted')`.execute(trx);
      // WAL: a reader sees the last commit, not this transaction's write, and does not wait.
      expect(other.prepare('select count(*) from item').pluck().get()).toBe(1);
    });
    expect(other.prepare('select count(*) from item').pluck().get()).toBe(2);
  });
});
