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
    .option(
      '--sim',
      'with --demo: run a simulated network of banks and payment institutions in this process; its victims report and Levee chases their money live',
    )
    .option('--port <port>', 'port to listen on (overrides LEVEE_PORT)')
    .option('--host <host>', 'address to listen on (overrides LEVEE_HOST)')
    .action(async (options: { demo?: boolean; sim?: boolean; port?: string; host?: string }) => {
      // Loaded on use: `levee --help` and light commands start without the server's dependencies.
      const { buildApp } = await import('../../api/app.js');
      const { createContext } = await import('../../context.js');
      const env = { ...process.env };
      if (options.demo) env['LEVEE_DEMO'] = 'true';
      if (options.port) env['LEVEE_PORT'] = options.port;
      if (options.host) env['LEVEE_HOST'] = options.host;
      const config = loadConfig(env);
      if (options.sim && !config.demo) {
        process.stderr.write('levee serve: --sim is for the demo (with --demo or LEVEE_DEMO=true)\n');
        process.exit(2);
      }
      const ctx = await createContext(config, { prepare: true, walCheckpointer: true });
      const app = await buildApp(ctx);
      const address = await app.listen({ host: config.host, port: config.port });
      // The simulated banks get their keys before the gateway starts, so it starts with endpoints.
      const demo = options.sim
        ? await (await import('../demo-world.js')).startDemoWorld(ctx, {
            callbackUrl: `${address}/gateway/callbacks`,
          })
        : undefined;
      const { startGateway } = await import('../../gateway/runtime.js');
      const gateway = await startGateway(ctx);
      // Holds are renewed on time even in a case where nothing else happens.
      const stopDeadlineWatch = await ctx.disposal.watchDeadlines();
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
      if (demo) {
        const at = demo.reportAt.map((t) =>
          new Date(t).toLocaleTimeString('zh-CN', { hour12: false, timeZone: config.timeZone }),
        );
        lines.push(
          `  live demo: simulated banks at ${demo.sim.url}; victims report at ${at.join(' and ')}`,
          '    (log in as duty or analyst and open 案件 to watch Levee chase the money)',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      const stop = async () => {
        stopDeadlineWatch();
        await demo?.stop();
        await gateway.stop();
        await app.close();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
