/**
 * The WAL checkpointer of SQLite file stores (`openStore(url, { walCheckpointer: true })`): the
 * store's own connection never checkpoints in a commit, a worker thread copies the WAL into the
 * database file, the WAL starts over instead of growing, and closing leaves a complete database
 * and no WAL behind. Without the option a commit checkpoints as SQLite does by default.
 * (One test runs the built store, dist/, in a process of its own, as the process tests do.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/storage/database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

describe('SQLite WAL checkpointer', () => {
  let dir: string;
  let path: string;
  const opened: Store[] = [];
  const open = (options: { walCheckpointer?: boolean } = {}) => {
    const store = openStore(`sqlite:${path}`, options);
    opened.push(store);
    return store;
  };
  const autocheckpoint = async (store: Store) =>
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]
      ?.wal_autocheckpoint;
  /** Writes ~1 MB (about 250 pages) in one commit. */
  const writeMegabyte = async (store: Store, round: number) => {
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 64; i++)
        await sql`insert into blob (round, payload) values (${round}, ${'x'.repeat(16_000)})`.execute(trx);
    });
  };
  /** Waits until the database file holds at least `bytes` (only a checkpoint writes to it). */
  const untilDatabaseFileHolds = async (bytes: number) => {
    while (fileSize(path) < bytes) await sleep(20);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'levee-wal-'));
    path = join(dir, 'levee.db');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps commits from checkpointing and copies the WAL into the database file on its thread', async () => {
    const store = open({ walCheckpointer: true });
    expect(await autocheckpoint(store)).toBe(0);
    await sql`create table blob (round integer, payload text)`.execute(store.db);
    const before = fileSize(path);
    await writeMegabyte(store, 1);
    await untilDatabaseFileHolds(before + 1_000_000);
    expect(fileSize(path)).toBeGreaterThan(before + 1_000_000);
  });

  it('starts the WAL over once it is copied, so the WAL stays about one round of writes long', async () => {
    const store = open({ walCheckpointer: true });
    await sql`create table blob (round integer, payload text)`.execute(store.db);
    let largest = 0;
    for (let round = 1; round <= 8; round++) {
      const target = fileSize(path) + 1_000_000;
      await writeMegabyte(store, round);
      largest = Math.max(largest, fileSize(`${path}-wal`));
      await untilDatabaseFileHolds(target);
    }
    // Eight megabytes went through; without restarts the WAL would hold all of them. (A commit
    // that lands while a checkpoint is still copying finds it unfinished and appends instead of
    // starting over: the bound leaves room for that.)
    expect(largest).toBeGreaterThan(1_000_000);
    expect(largest).toBeLessThan(4_500_000);
  });

  it('closes with everything in the database file and no WAL left', async () => {
    const store = open({ walCheckpointer: true });
    await sql`create table blob (round integer, payload text)`.execute(store.db);
    await writeMegabyte(store, 1);
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const again = open();
    const { rows } = await sql<{ n: number }>`select count(*) as n from blob`.execute(again.db);
    expect(rows[0]?.n).toBe(64);
  });

  it('closes in a process with nothing else to do (the thread is waited for, not left behind)', () => {
    const url = new URL('../../dist/src/storage/database.js', import.meta.url).href;
    const script = `const { openStore } = await import(${JSON.stringify(url)});
      const store = openStore(${JSON.stringify(`sqlite:${path}`)}, { walCheckpointer: true });
      await store.close();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('closed');
    expect(run.status).toBe(0);
  });

  it('leaves checkpoints to commits without the option, and in memory', async () => {
    expect(await autocheckpoint(open())).toBe(1000);
    const memory = openStore('sqlite::memory:', { walCheckpointer: true });
    opened.push(memory);
    await sql`create table blob (round integer, payload text)`.execute(memory.db);
    await writeMegabyte(memory, 1);
    const { rows } = await sql<{ n: number }>`select count(*) as n from blob`.execute(memory.db);
    expect(rows[0]?.n).toBe(64);
  });
});
