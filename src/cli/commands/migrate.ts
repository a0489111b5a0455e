import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { openStore } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply database migrations up to the latest (LEVEE_DATABASE_URL picks the database)')
    .action(async () => {
      const store = openStore(loadConfig().databaseUrl);
      try {
        const results = await migrateToLatest(store);
        const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
      } finally {
        await store.close();
      }
    });
}
