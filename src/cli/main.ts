/**
 * The `levee` command. Each sub-command lives in its own file under commands/ and exports a
 * `register…(program)` function; this file only wires them up and maps errors to exit codes:
 * 0 success, 1 a check that ran and failed (e.g. audit verify), 2 bad input or usage.
 */
import { Command, CommanderError } from 'commander';
import { isLeveeError } from '../core/errors.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerTraceCommand } from './commands/trace.js';
import { registerReportCommand } from './commands/report.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerImportCommand } from './commands/import.js';
import { registerLedgerCommand } from './commands/ledger.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimCommand } from './commands/sim.js';
import { registerUserCommand } from './commands/user.js';
import { ExitCode } from './exit-code.js';

export function buildProgram(): Command {
  const program = new Command('levee')
    .description('Levee — operations platform for anti-telecom-fraud centres')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerUserCommand(program);
  registerAuditCommand(program);
  registerLedgerCommand(program);
  registerGatewayCommand(program);
  registerTraceCommand(program);
  registerReportCommand(program);
  registerImportCommand(program);
  registerSimCommand(program);
  return program;
}

// Commands import ExitCode from './exit-code.js'; re-exported here for callers of main.
export { ExitCode };

export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (isLeveeError(error)) {
    process.stderr.write(`levee: ${error.code}: ${error.message}\n`);
    return error.status >= 500 ? 1 : 2;
  }
  const name = error instanceof Error ? error.name : 'Error';
  if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
    process.stderr.write(`levee: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `levee: ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}
