import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { ExitCode } from '../exit-code.js';

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('The append-only, hash-chained audit log');
  audit
    .command('verify')
    .description(
      'Check every row of the audit chain; exit 1 and name the first broken row if any was edited or deleted',
    )
    .action(async () => {
      // Loaded on use: `levee --help` and light commands start without the server's dependencies.
      const { createContext } = await import('../../context.js');
      const ctx = await createContext(loadConfig(), { prepare: false });
      try {
        const result = await ctx.audit.verify(ctx.store.db, (rows, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rverified ${rows}/${total} rows`);
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (result.ok) {
          process.stdout.write(
            `audit chain intact: ${result.rows} rows, head ${result.lastHash.slice(0, 16)}…\n`,
          );
        } else {
          process.stdout.write(
            `audit chain BROKEN at row ${result.brokenRowId}: ${result.problem} (${result.rows} rows verified before it)\n`,
          );
          throw new ExitCode(1);
        }
      } finally {
        await ctx.close();
      }
    });
}
