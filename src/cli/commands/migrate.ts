import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply database migrations up to the latest (LEVEE_DATABASE_URL picks the database)')
    .action(async () => {
      // Loaded on use: `levee --help` and light commands start without the server's dependencies.
      const { openStore } = await import('../../storage/database.js');
      const { migrateToLatest } = await import('../../storage/migrate.js');
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
