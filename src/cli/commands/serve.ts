import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../../services/demo-seed.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API and web console (migrations are applied first)')
    .option(
      '--demo',
      'demo mode: load the demo city into an empty database; demo users keep their password (same as LEVEE_DEMO=true)',
    )
    .option('--port <port>', 'port to listen on (overrides LEVEE_PORT)')
    .option('--host <host>', 'address to listen on (overrides LEVEE_HOST)')
    .action(async (options: { demo?: boolean; port?: string; host?: string }) => {
      // Loaded on use: `levee --help` and light commands start without the server's dependencies.
      const { buildApp } = await import('../../api/app.js');
      const { createContext } = await import('../../context.js');
      const env = { ...process.env };
      if (options.demo) env['LEVEE_DEMO'] = 'true';
      if (options.port) env['LEVEE_PORT'] = options.port;
      if (options.host) env['LEVEE_HOST'] = options.host;
      const config = loadConfig(env);
      const ctx = await createContext(config, { prepare: true });
      const app = await buildApp(ctx);
      const address = await app.listen({ host: config.host, port: config.port });
      const { startGateway } = await import('../../gateway/runtime.js');
      const gateway = await startGateway(ctx);
      const lines = [
        `Levee is listening on ${address}  (database: ${ctx.store.displayUrl})`,
        `  console:  ${address}/`,
        `  API docs: ${address}/api/docs`,
      ];
      if (config.demo) {
        lines.push(`  demo logins (password "${DEMO_PASSWORD}"):`);
        for (const u of DEMO_USERS)
          lines.push(`    ${u.username.padEnd(18)} ${u.role.padEnd(20)} ${u.displayName}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      const stop = async () => {
        await gateway.stop();
        await app.close();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
