/**
 * PostgreSQL connections keep the statements they run again prepared (storage/database.ts): a text
 * with parameters is prepared at its second run on a connection, never at its first, never when it
 * has no parameters, and no connection keeps more than its bound. What a connection has prepared
 * is the server's own view, pg_prepared_statements, read on that same connection (a transaction
 * or `connection()` holds one).
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/storage/database.js';
import type { Database } from '../../src/storage/schema.js';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../helpers/databases.js';

const preparedTexts = async (trx: Kysely<Database>) =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.map(
    (r) => r.statement,
  );

describe.runIf(hasPostgres)('prepared statements on postgres', () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    store = openStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('prepares a text with parameters at its second run, with the same answers', async () => {
    await store.db.transaction().execute(async (trx) => {
      const first = await sql<{ n_twice: number }>`select ${41}::int + 1 as n_twice`.execute(trx);
      expect(await preparedTexts(trx)).not.toContainEqual(expect.stringContaining('as n_twice'));
      const second = await sql<{ n_twice: number }>`select ${9}::int + 1 as n_twice`.execute(trx);
      expect([first.rows[0]!.n_twice, second.rows[0]!.n_twice]).toEqual([42, 10]);
      expect(await preparedTexts(trx)).toContainEqual(expect.stringContaining('as n_twice'));
      // Prepared once, run as often as it comes.
      const third = await sql<{ n_twice: number }>`select ${1}::int + 1 as n_twice`.execute(trx);
      expect(third.rows[0]!.n_twice).toBe(2);
    });
  });

  it('leaves texts without parameters to the simple protocol', async () => {
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 3; i++) await sql`select 1 as one_no_parameters`.execute(trx);
      expect(await preparedTexts(trx)).not.toContainEqual(expect.stringContaining('as one_no_parameters'));
    });
  });

  it('never prepares a text with a *, whose result columns change with the schema', async () => {
    await store.db.connection().execute(async (conn) => {
      await sql`create temporary table t_star (id int, name text)`.execute(conn);
      await sql`insert into t_star values (1, 'a')`.execute(conn);
      for (let i = 0; i < 2; i++) await sql`select * from t_star where id = ${1}`.execute(conn);
      expect(await preparedTexts(conn)).not.toContainEqual(expect.stringContaining('from t_star'));
      // What a newer Levee's migration does under a running one: a prepared `select *` would now
      // fail with "cached plan must not change result type".
      await sql`alter table t_star add column note text`.execute(conn);
      const { rows } = await sql`select * from t_star where id = ${1}`.execute(conn);
      expect(rows).toEqual([{ id: 1, name: 'a', note: null }]);
    });
  });

  it('keeps at most 512 statements prepared on a connection, and statements still run past that', async () => {
    // A store of its own: the other tests' connections stay below the bound.
    const crowded = openStore(database.url);
    await crowded.db.transaction().execute(async (trx) => {
      for (let round = 0; round < 2; round++)
        for (let i = 0; i < 600; i++) {
          const result = await sql<{ n: number }>`select ${i}::int as n, ${sql.lit(i)} as text_no`.execute(
            trx,
          );
          expect(result.rows[0]!.n).toBe(i);
        }
      const prepared = await preparedTexts(trx);
      expect(prepared.filter((s) => s.includes('as text_no')).length).toBeGreaterThan(400);
      expect(prepared.length).toBeLessThanOrEqual(512);
    });
    await crowded.close();
  });

  it('reports a failing statement each time and leaves its connection usable', async () => {
    await store.db.connection().execute(async (conn) => {
      // Its second run is the named one: the server refuses to parse it, pg forgets the name.
      for (let i = 0; i < 3; i++)
        await expect(sql`select id from no_such_table where id = ${i}`.execute(conn)).rejects.toThrow(
          /no_such_table/,
        );
      await sql`create temporary table t_prep (id int)`.execute(conn);
      for (let i = 0; i < 3; i++) await sql`insert into t_prep values (${i})`.execute(conn);
      const { rows } = await sql<{ n: number }>`select count(id)::int as n from t_prep`.execute(conn);
      expect(rows[0]!.n).toBe(3);
      expect(await preparedTexts(conn)).toContainEqual(expect.stringContaining('insert into t_prep'));
    });
  });

  it('runs a prepared text again after a value pg could not send', async () => {
    await store.db.connection().execute(async (conn) => {
      const run = (value: unknown) =>
        sql<{ v_bad_value: string }>`select ${value}::jsonb ->> 'a' as v_bad_value`.execute(conn);
      expect((await run({ a: 'one' })).rows[0]!.v_bad_value).toBe('one');
      expect((await run({ a: 'two' })).rows[0]!.v_bad_value).toBe('two');
      // JSON cannot carry a BigInt: pg fails before the server sees the value.
      await expect(run({ a: 1n })).rejects.toThrow(/BigInt/);
      expect((await run({ a: 'three' })).rows[0]!.v_bad_value).toBe('three');
      expect((await run({ a: 'four' })).rows[0]!.v_bad_value).toBe('four');
    });
  });

  it('runs a prepared text again after a migration changed its result type (one refusal, then unnamed)', async () => {
    await store.db.connection().execute(async (conn) => {
      await sql`create temporary table t_type (id int, n int)`.execute(conn);
      await sql`insert into t_type values (1, 7)`.execute(conn);
      const read = () => sql<{ n: number | string }>`select n from t_type where id = ${1}`.execute(conn);
      for (let i = 0; i < 2; i++) expect((await read()).rows[0]!.n).toBe(7);
      expect(await preparedTexts(conn)).toContainEqual(expect.stringContaining('from t_type'));
      await sql`alter table t_type alter column n type text`.execute(conn);
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      for (let i = 0; i < 2; i++) expect((await read()).rows[0]!.n).toBe('7');
    });
  });
});
