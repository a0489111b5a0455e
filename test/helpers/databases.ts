/**
 * The databases every storage and API test runs on: embedded SQLite always, PostgreSQL when a
 * server answers at LEVEE_TEST_POSTGRES_URL (default: the local one). On CI PostgreSQL is
 * mandatory: .ci/run starts it and sets LEVEE_TEST_POSTGRES_REQUIRED=1.
 * Each test file gets its own physical database (a temp SQLite file, a fresh PG database).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  readonly url: string;
  drop(): Promise<void>;
}

const PG_URL = process.env['LEVEE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_REQUIRED = process.env['LEVEE_TEST_POSTGRES_REQUIRED'] === '1';

async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (PG_REQUIRED)
      throw new Error(
        `PostgreSQL is required for this run but ${PG_URL} does not answer: ${(error as Error).message}`,
      );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const hasPostgres = await postgresAvailable();

/** Names for describe.each: ['sqlite'] or ['sqlite', 'postgres']. */
export const DATABASES: ('sqlite' | 'postgres')[] = hasPostgres ? ['sqlite', 'postgres'] : ['sqlite'];
if (!hasPostgres)
  console.warn(`PostgreSQL not reachable at ${PG_URL}: PostgreSQL variants of the storage tests are not run`);

export async function createTestDatabase(name: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'levee-test-'));
    return {
      name,
      url: `sqlite:${join(dir, 'levee.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const dbName = `levee_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await client.end();
    },
  };
}
