/**
 * `levee trace`: the fund-flow tracing engine on a ledger file.
 *
 *   levee trace --rule <fifo|lifo|libr|prorata|all> <ledger.json | transfers.csv | folder>
 *     [--explain <account>[:<origin>]] [--poison [--victim <id>]] [--frozen <file>] [--table]
 *     [--parties <csv>] [--accounts <csv>] [--currency <code>] [--progress]
 *
 * Prints one canonical JSON document (levee.trace/1, or an object of them keyed by rule for
 * `--rule all`) on stdout and exits 0. Bad input: `levee trace: <message>` on stderr, nothing on
 * stdout, exit 2. CSV input is streamed; a progress bar goes to stderr when it is a terminal or
 * with --progress. See docs/tracing.md.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  type CompiledLedger,
  CsvTableReader,
  canonicalJson,
  compileLedger,
  explainAccount,
  fastTrace,
  isTraceRule,
  LedgerBuilder,
  LedgerError,
  type PartyRole,
  poisonReach,
  referenceTrace,
  ruleTable,
  TRACE_RULES,
  type TraceDocument,
  type TraceRule,
  victimInflow,
} from '../../engines/tracing/index.js';
import { type FrozenAccount, proposeArt8Returns, RestitutionError } from '../../engines/restitution/index.js';
import { ExitCode } from '../exit-code.js';

interface TraceOptions {
  rule: string;
  explain?: string;
  poison?: boolean;
  victim?: string;
  table?: boolean;
  parties?: string;
  accounts?: string;
  currency: string;
  progress?: boolean;
  engine: string;
  frozen?: string;
  base: string;
}

class UsageError extends Error {}

export function registerTraceCommand(program: Command): void {
  program
    .command('trace')
    .description('Trace victims’ money through a levee.ledger/1 case under a tracing rule (docs/tracing.md)')
    .argument(
      '<ledger>',
      'ledger.json, transfers.csv (with --parties/--accounts) or a folder of the three CSV files',
    )
    .requiredOption('--rule <rule>', `tracing rule: ${TRACE_RULES.join(', ')} or all`)
    .option('--explain <account[:origin]>', 'explain how the money in an account got there, path by path')
    .option('--poison', 'every account that received victim money, with the first transfer that did')
    .option('--victim <id>', 'with --poison: only this victim’s money')
    .option('--table', 'with --rule all: a text table side by side instead of JSON')
    .option('--parties <file>', 'parties CSV (id,role); default parties.csv next to the transfers')
    .option('--accounts <file>', 'accounts CSV (id,opening,sink); default accounts.csv next to the transfers')
    .option('--currency <code>', 'currency of CSV ledgers', 'CNY')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--engine <engine>', 'fast or reference (slow, for cross-checking)', 'fast')
    .option('--frozen <file>', 'propose returns of frozen money (2016 rules, Art. 8): levee.restitution/1')
    .option('--base <base>', 'with --frozen: proportional base, loss or traced', 'loss')
    .action(async (path: string, options: TraceOptions) => {
      try {
        process.stdout.write(await traceCommand(path, options));
      } catch (error) {
        if (
          error instanceof LedgerError ||
          error instanceof UsageError ||
          error instanceof RestitutionError
        ) {
          process.stderr.write(`levee trace: ${error.message}\n`);
          throw new ExitCode(2);
        }
        throw error;
      }
    });
}

async function traceCommand(path: string, o: TraceOptions): Promise<string> {
  const rules: TraceRule[] = o.rule === 'all' ? [...TRACE_RULES] : isTraceRule(o.rule) ? [o.rule] : [];
  if (rules.length === 0)
    throw new UsageError(`--rule must be one of ${TRACE_RULES.join(', ')} or all, got "${o.rule}"`);
  if (o.engine !== 'fast' && o.engine !== 'reference')
    throw new UsageError(`--engine must be fast or reference, got "${o.engine}"`);
  if ((o.explain !== undefined || o.poison !== undefined || o.frozen !== undefined) && rules.length !== 1)
    throw new UsageError('--explain, --poison and --frozen need one rule, not --rule all');
  if (o.base !== 'loss' && o.base !== 'traced')
    throw new UsageError(`--base must be loss or traced, got "${o.base}"`);
  if (o.table && rules.length === 1) throw new UsageError('--table goes with --rule all');
  const ledger = await loadLedger(path, o);
  const rule = rules[0]!;
  if (o.explain !== undefined) {
    const colon = o.explain.indexOf(':');
    const account = colon < 0 ? o.explain : o.explain.slice(0, colon);
    const origin = colon < 0 ? undefined : o.explain.slice(colon + 1);
    return canonicalJson(explainAccount(ledger, rule, account, origin));
  }
  if (o.frozen !== undefined) return canonicalJson(restitution(ledger, rule, o));
  if (o.poison !== undefined) return canonicalJson(poisonReach(ledger, rule, o.victim));
  const impl = o.engine === 'reference' ? referenceTrace : fastTrace;
  if (rules.length === 1) return canonicalJson(impl(ledger, rule));
  const all = Object.fromEntries(rules.map((r) => [r, impl(ledger, r)])) as Record<TraceRule, TraceDocument>;
  return o.table ? ruleTable(all) : canonicalJson(all);
}

/**
 * --frozen file: `{ "frozen": { "<account>": fen, … }, "losses": { "<victim>": fen }, "untraceable":
 * ["<account>"] }`; losses default to what each victim sent in the ledger. A bare object of
 * account → fen is read as `frozen`.
 */
function restitution(ledger: CompiledLedger, rule: TraceRule, o: TraceOptions) {
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(o.frozen!, 'utf8'));
  } catch (error) {
    throw new UsageError(`${o.frozen} is not readable JSON: ${(error as Error).message}`);
  }
  const frozen = (
    typeof spec['frozen'] === 'object' && spec['frozen'] !== null ? spec['frozen'] : spec
  ) as Record<string, number>;
  const untraceable = new Set(Array.isArray(spec['untraceable']) ? (spec['untraceable'] as string[]) : []);
  const doc = fastTrace(ledger, rule);
  const losses =
    typeof spec['losses'] === 'object' && spec['losses'] !== null
      ? (spec['losses'] as Record<string, number>)
      : Object.fromEntries(Object.entries(doc.victims).map(([v, s]) => [v, s.sent]));
  const inflow = victimInflow(ledger, rule, Object.keys(frozen));
  const roles: Record<string, PartyRole> = {};
  const names = ['victim', 'third-party', 'own', 'unknown'] as const;
  ledger.originIds.forEach((id, k) => {
    roles[id] = names[ledger.originRole[k]!]!;
  });
  const accounts: FrozenAccount[] = Object.entries(frozen).map(([account, amount]) => ({
    account,
    frozen: amount,
    held: doc.accounts[account]!.byOrigin,
    traceable: !untraceable.has(account),
    contributors: Object.fromEntries(inflow.get(account)!),
  }));
  return proposeArt8Returns({ rule, roles, losses, accounts, base: o.base as 'loss' | 'traced' });
}

async function loadLedger(path: string, o: TraceOptions): Promise<CompiledLedger> {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (statSync(path).isDirectory())
    return loadCsv(join(path, 'parties.csv'), join(path, 'accounts.csv'), join(path, 'transfers.csv'), o);
  if (path.toLowerCase().endsWith('.csv'))
    return loadCsv(
      o.parties ?? join(dirname(path), 'parties.csv'),
      o.accounts ?? join(dirname(path), 'accounts.csv'),
      path,
      o,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LedgerError('bad-format', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return compileLedger(doc);
}

async function loadCsv(
  parties: string,
  accounts: string,
  transfers: string,
  o: TraceOptions,
): Promise<CompiledLedger> {
  for (const f of [parties, accounts, transfers])
    if (!existsSync(f)) throw new UsageError(`no such file: ${f}`);
  // Explanations cite the times as written; plain traces do not need them kept.
  const builder = new LedgerBuilder(o.currency, {
    keepTimeText: o.explain !== undefined || o.poison !== undefined,
  });
  await feed(parties, new CsvTableReader('parties', builder, parties), false);
  await feed(accounts, new CsvTableReader('accounts', builder, accounts), false);
  await feed(
    transfers,
    new CsvTableReader('transfers', builder, transfers),
    o.progress === true || process.stderr.isTTY,
  );
  return builder.finish();
}

async function feed(file: string, reader: CsvTableReader, progress: boolean): Promise<void> {
  const bar = progress
    ? new SingleBar({
        stream: process.stderr,
        format: `${file} [{bar}] {percentage}% | {value}/{total} bytes`,
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: true,
        notTTYSchedule: 2000,
      })
    : undefined;
  bar?.start(statSync(file).size, 0);
  let done = 0;
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      reader.push(chunk as string);
      if (bar) {
        done += Buffer.byteLength(chunk as string);
        bar.update(done);
      }
    }
    reader.end();
  } finally {
    bar?.stop();
  }
}
