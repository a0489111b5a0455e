/**
 * `levee sim`: the institution simulator (docs/institution-protocol.md, "The simulator").
 *
 *   levee sim [serve] [--port 7100] [--host 127.0.0.1] [--banks 38] [--payments 80] [--seed N]
 *       [--speed 1] [--faults none|latency|mild|chaos|<profile.json>] [--callback-url <url>]
 *       [--scenario <preset|file.json>] [--start <ISO>] [--keys <keys.json>] [--export-ledger <file>]
 *   levee sim keys   [--seed N] [--banks] [--payments] [--base-url <url>] [--all]
 *   levee sim export [--scenario] [--seed] [--banks] [--payments] [--start <ISO>] [--hours 8] [--out <file>]
 *
 * `serve` prints one line with its URL on stdout, logs to stderr, and on SIGINT/SIGTERM writes the
 * ground truth to --export-ledger (if given) before exiting. `keys` prints the levee.institution-
 * keys/1 file Levee needs (derived from the seed, the same keys the simulator signs with).
 * `export` runs the world without HTTP, deterministically, and writes levee.ledger/1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger } from '../../core/logger.js';
import { parseKeysFile } from '../../institution-protocol/keys-file.js';
import { exportLedger } from '../../sim/export-ledger.js';
import { FaultProfileError, resolveFaultProfile } from '../../sim/faults.js';
import { buildInstitutions } from '../../sim/institutions.js';
import { simKeysFile } from '../../sim/keys.js';
import { PRESET_SCENARIOS, parseScenario, type Scenario, ScenarioError } from '../../sim/scenario.js';
import { startSimServer } from '../../sim/server.js';
import { Simulator } from '../../sim/simulator.js';
import { ExitCode } from '../exit-code.js';

/** Start of `levee sim export` when neither --start nor the scenario gives one: results stay reproducible. */
const DEFAULT_EXPORT_START = '2023-10-27T14:00:00+08:00';

function fail(message: string): never {
  process.stderr.write(`levee sim: ${message}\n`);
  throw new ExitCode(2);
}

function int(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      fail(`--${name} must be a whole number ${min}-${max}, got "${value}"`);
    return Number(value);
  };
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) fail(`--${name} must be a number > 0, got "${value}"`);
    return n;
  };
}

function loadScenario(spec: string | undefined, seed: number | undefined): Scenario {
  let scenario: Scenario;
  const name = spec ?? 'default';
  try {
    if (PRESET_SCENARIOS[name]) scenario = PRESET_SCENARIOS[name];
    else if (existsSync(name)) scenario = parseScenario(JSON.parse(readFileSync(name, 'utf8')));
    else
      fail(`--scenario: no preset or file "${name}" (presets: ${Object.keys(PRESET_SCENARIOS).join(', ')})`);
  } catch (error) {
    if (error instanceof ExitCode) throw error;
    if (error instanceof ScenarioError || error instanceof SyntaxError)
      fail(`--scenario ${name}: ${error.message}`);
    throw error;
  }
  return seed === undefined ? scenario : { ...scenario, seed };
}

function parseStart(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) fail(`--start must be an ISO time, got "${value}"`);
  return t;
}

interface CommonOptions {
  banks?: number;
  payments?: number;
  seed?: number;
  scenario?: string;
  start?: string;
}

function addCommon(command: Command): Command {
  return command
    .option('--banks <n>', 'number of banks (default 38, or the scenario’s)', int('banks', 1, 999))
    .option('--payments <n>', 'number of payment institutions (default 80)', int('payments', 0, 999))
    .option('--seed <n>', 'seed (overrides the scenario’s)', int('seed', 0, 2 ** 32 - 1))
    .option(
      '--scenario <preset|file>',
      `scenario preset (${Object.keys(PRESET_SCENARIOS).join(', ')}) or JSON file`,
    )
    .option('--start <iso>', 'sim start time (serve: now; export: the scenario’s or 2023-10-27T14:00+08:00)');
}

export function registerSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .description(
      'Simulated banks and payment institutions serving the institution protocol, with launderers',
    );

  addCommon(sim.command('serve', { isDefault: true }).description('serve the protocol over HTTP (default)'))
    .option('--port <port>', 'port (0 = any free one)', int('port', 0, 65535), 7100)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--speed <x>', 'sim milliseconds per wall millisecond', positive('speed'), 1)
    .option('--faults <profile>', 'none, latency, mild, chaos, or a JSON file {"base":"mild",…}', 'none')
    .option('--callback-url <url>', 'Levee’s callback URL for feedback (else Levee polls)')
    .option(
      '--keys <file>',
      'levee.institution-keys/1 file with the institutions’ private keys (default: derived from the seed)',
    )
    .option('--export-ledger <file>', 'write the ground truth (levee.ledger/1) here on exit')
    .option('--log-level <level>', 'pino log level', 'info')
    .action(
      async (
        options: CommonOptions & {
          port: number;
          host: string;
          speed: number;
          faults: string;
          callbackUrl?: string;
          keys?: string;
          exportLedger?: string;
          logLevel: string;
        },
      ) => {
        const logger = createLogger(options.logLevel, 'levee-sim');
        const scenario = loadScenario(options.scenario, options.seed);
        let faults: ReturnType<typeof resolveFaultProfile>;
        try {
          faults = existsSync(options.faults)
            ? resolveFaultProfile(JSON.parse(readFileSync(options.faults, 'utf8')))
            : resolveFaultProfile(options.faults);
        } catch (error) {
          if (error instanceof FaultProfileError || error instanceof SyntaxError)
            fail(`--faults: ${error.message}`);
          throw error;
        }
        if (options.callbackUrl !== undefined && !URL.canParse(options.callbackUrl))
          fail(`--callback-url is not a URL: "${options.callbackUrl}"`);
        const keys = options.keys ? parseKeysFile(JSON.parse(readFileSync(options.keys, 'utf8'))) : undefined;
        const server = await startSimServer({
          scenario,
          banks: options.banks,
          payments: options.payments,
          host: options.host,
          port: options.port,
          start: parseStart(options.start),
          speed: options.speed,
          faults,
          callbackUrl: options.callbackUrl,
          keys,
          logger,
        });
        process.stdout.write(`${server.url}\n`);
        process.stderr.write(
          `levee sim: listening on ${server.url} — ${server.simulator.world.institutions.length} institutions under /inst/<code>/v1, ` +
            `faults ${faults.name}, speed ${options.speed}, seed ${scenario.seed}; keys for Levee: levee sim keys --seed ${scenario.seed}` +
            `${options.banks ? ` --banks ${options.banks}` : ''}${options.payments !== undefined ? ` --payments ${options.payments}` : ''} --base-url ${server.url}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        if (options.exportLedger) {
          server.simulator.advanceTo(server.clock.now());
          writeFileSync(
            options.exportLedger,
            `${JSON.stringify(exportLedger(server.simulator.world), null, 1)}\n`,
          );
          process.stderr.write(`levee sim: ground truth written to ${options.exportLedger}\n`);
        }
        await server.close();
      },
    );

  sim
    .command('keys')
    .description('print the levee.institution-keys/1 file Levee needs to talk to the simulator')
    .option('--banks <n>', 'number of banks', int('banks', 1, 999), 38)
    .option('--payments <n>', 'number of payment institutions', int('payments', 0, 999), 80)
    .option('--seed <n>', 'seed (the simulator’s, default 1)', int('seed', 0, 2 ** 32 - 1), 1)
    .option('--base-url <url>', 'the simulator’s URL', 'http://127.0.0.1:7100')
    .option('--all', 'also print the institutions’ private keys (the simulator’s side)')
    .action((options: { banks: number; payments: number; seed: number; baseUrl: string; all?: boolean }) => {
      if (!URL.canParse(options.baseUrl)) fail(`--base-url is not a URL: "${options.baseUrl}"`);
      const file = simKeysFile({
        seed: options.seed,
        institutions: buildInstitutions(options.banks, options.payments),
        baseUrl: options.baseUrl,
      });
      if (!options.all) for (const inst of file.institutions) delete inst.privateKey;
      process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
    });

  addCommon(
    sim.command('export').description('run the world offline and write its ground truth (levee.ledger/1)'),
  )
    .option('--hours <h>', 'sim hours to run', positive('hours'), 8)
    .option('--out <file>', 'output file (default stdout)')
    .action((options: CommonOptions & { hours: number; out?: string }) => {
      const scenario = loadScenario(options.scenario, options.seed);
      const start = parseStart(options.start) ?? Date.parse(scenario.start ?? DEFAULT_EXPORT_START);
      const simulator = new Simulator({ scenario, start, banks: options.banks, payments: options.payments });
      simulator.advanceTo(start + options.hours * 3600_000);
      const text = `${JSON.stringify(exportLedger(simulator.world), null, 1)}\n`;
      if (options.out) writeFileSync(options.out, text);
      else process.stdout.write(text);
    });
}
