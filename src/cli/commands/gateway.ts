import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LeveeError } from '../../core/errors.js';

export function registerGatewayCommand(program: Command): void {
  const gateway = program.command('gateway').description('The institution gateway: keys, endpoints, workers');
  gateway
    .command('keys')
    .description("Load Levee's signing key and the institutions' endpoints and public keys")
    .command('import')
    .argument('<file>', 'a levee.institution-keys/1 file (e.g. from `levee sim keys`)')
    .option('--rate <per-second>', 'rate limit per institution', '200')
    .description(
      "Load Levee's signing key and the institutions' endpoints and public keys from a levee.institution-keys/1 file",
    )
    .action(async (file: string, options: { rate: string }) => {
      const { loadConfig } = await import('../../core/config.js');
      const { createContext } = await import('../../context.js');
      const { parseKeysFile } = await import('../../institution-protocol/keys-file.js');
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new LeveeError('LEVEE_VALIDATION', `cannot read ${file}: ${(error as Error).message}`, {
          field: 'file',
        });
      }
      let keys: ReturnType<typeof parseKeysFile>;
      try {
        keys = parseKeysFile(json);
      } catch (error) {
        throw new LeveeError('LEVEE_VALIDATION', `${file}: ${(error as Error).message}`, { field: 'file' });
      }
      const ctx = await createContext(loadConfig(), { prepare: true });
      try {
        const result = await ctx.gateway.importKeys(keys, 'levee-cli', {
          ratePerSecond: Number(options.rate),
        });
        await ctx.store.db.transaction().execute((trx) =>
          ctx.audit.record(trx, {
            userId: null,
            username: 'levee-cli',
            unitId: null,
            action: 'gateway.keys-import',
            targetType: 'file',
            targetId: file,
            ip: 'local',
            detail: { institutions: result.institutions },
          }),
        );
        process.stdout.write(
          `loaded Levee key "${keys.levee.keyId}" and ${result.institutions} institution endpoints\n`,
        );
      } finally {
        await ctx.close();
      }
    });
  gateway
    .command('worker')
    .description(
      'Send the outbox: take work from NATS JetStream (LEVEE_NATS_URL) and from the database; run as many as needed',
    )
    .action(async () => {
      const { loadConfig } = await import('../../core/config.js');
      const { createContext } = await import('../../context.js');
      const { startWorker } = await import('../../gateway/runtime.js');
      const ctx = await createContext(loadConfig(), { prepare: true, walCheckpointer: true });
      const runtime = await startWorker(ctx);
      process.stdout.write(
        `gateway worker ${runtime.dispatcher?.owner} running${ctx.config.natsUrl ? ` on ${ctx.config.natsUrl}` : ' (database polling only)'}\n`,
      );
      const stop = async () => {
        await runtime.stop();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
