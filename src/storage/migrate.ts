/**
 * One set of migrations for both databases, run by Kysely's Migrator. Each migration module gets
 * the connector's capabilities, so dialect differences stay declared, not guessed.
 */
import { type Migration, type MigrationResult, Migrator } from 'kysely';
import { LeveeError } from '../core/errors.js';
import type { Store } from './database.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-cases.js';
import * as m0003 from './migrations/0003-case-ledger.js';
import * as m0004 from './migrations/0004-gateway.js';
import * as m0005 from './migrations/0005-statement-batches.js';
import * as m0006 from './migrations/0006-case-tasks.js';
import * as m0007 from './migrations/0007-gateway-throughput.js';
import * as m0008 from './migrations/0008-feedback-by-request.js';

type MigrationModule = { up: (db: never, caps: Store['capabilities']) => Promise<void> };

const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-foundation': m0001 as MigrationModule,
  '0002-cases': m0002 as MigrationModule,
  '0003-case-ledger': m0003 as MigrationModule,
  '0004-gateway': m0004 as MigrationModule,
  '0005-statement-batches': m0005 as MigrationModule,
  '0006-case-tasks': m0006 as MigrationModule,
  '0007-gateway-throughput': m0007 as MigrationModule,
  '0008-feedback-by-request': m0008 as MigrationModule,
};

export async function migrateToLatest(store: Store): Promise<MigrationResult[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, module] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => module.up(db as never, store.capabilities) };
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'levee_migration',
    migrationLockTableName: 'levee_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new LeveeError(
      'LEVEE_INTERNAL',
      `migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`,
      { cause: error },
    );
  }
  return results;
}
