import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LeveeError } from '../../core/errors.js';

export function registerLedgerCommand(program: Command): void {
  const ledger = program.command('ledger').description("A case's fund-flow ledger (levee.ledger/1)");
  ledger
    .command('export')
    .description('Write the levee.ledger/1 document of a case and the cases linked to it (shared accounts)')
    .argument('<case>', 'case id or case number (e.g. 12 or WH-20261126-000012)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (caseRef: string, options: { out?: string }) => {
      // Loaded on use: `levee --help` and light commands start without the server's dependencies.
      const { loadConfig } = await import('../../core/config.js');
      const { createContext } = await import('../../context.js');
      const { exportCaseLedger } = await import('../../services/case-ledger.js');
      const ctx = await createContext(loadConfig(), { prepare: true });
      try {
        const found = await ctx.store.db
          .selectFrom('fraud_case')
          .select(['id', 'unit_id'])
          .where((eb) =>
            /^\d+$/.test(caseRef) ? eb('id', '=', Number(caseRef)) : eb('case_no', '=', caseRef),
          )
          .executeTakeFirst();
        if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case "${caseRef}"`);
        const { document, caseIds } = await exportCaseLedger(ctx.store.db, found.id);
        await ctx.store.db.transaction().execute((trx) =>
          ctx.audit.record(trx, {
            userId: null,
            username: 'levee-cli',
            unitId: found.unit_id,
            action: 'case.ledger-export',
            targetType: 'case',
            targetId: String(found.id),
            ip: 'local',
            detail: { cases: caseIds },
          }),
        );
        const text = `${JSON.stringify(document, null, 1)}\n`;
        if (options.out) {
          writeFileSync(options.out, text);
          process.stderr.write(
            `wrote ${options.out}: ${document.transfers.length} transfers, ${document.accounts.length} accounts, cases ${caseIds.join(', ')}\n`,
          );
        } else process.stdout.write(text);
      } finally {
        await ctx.close();
      }
    });
}
