/**
 * `levee report`: the fund analysis report from a ledger file, without the database.
 *
 *   levee report <ledger.json> --rule <fifo|lifo|libr|prorata> [--frozen <frozen.json>]
 *     [--base loss|traced] [--format json|pdf|xlsx] [-o <file>] [--case-no <no>…]
 *     [--generated-at <iso>] [--paths <n>]
 *   levee report <ledger.json> --inputs <inputs.json> [--format …] [-o …]
 *
 * --frozen is the file `levee trace --frozen` reads: `{ "frozen": { account: fen }, "losses":
 * { victim: fen }, "names": { victim: name }, "untraceable": [account] }` (or just the frozen
 * object). --inputs is a report's `reproducibility.inputs` saved as a file: with the same ledger it
 * gives the same JSON byte for byte. JSON goes to stdout unless -o; PDF and XLSX need -o when
 * stdout is a terminal. Bad input: `levee report: <message>` on stderr, exit 2.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  buildFundReport,
  type FundReportInput,
  FundReportError,
  fundReportJson,
  type ReportInputs,
  type ReportVictimInput,
} from '../../engines/fund-report/index.js';
import { RestitutionError } from '../../engines/restitution/index.js';
import { isTraceRule, LedgerError, TRACE_RULES } from '../../engines/tracing/index.js';
import { renderFundReportPdf, renderFundReportXlsx } from '../../services/fund-report/index.js';
import { ExitCode } from '../exit-code.js';

interface ReportOptions {
  rule?: string;
  frozen?: string;
  inputs?: string;
  base?: string;
  format: string;
  output?: string;
  caseNo: string[];
  generatedAt?: string;
  paths?: string;
}

class UsageError extends Error {}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'Fund analysis report (levee.fund-report/1) of a ledger file as JSON, PDF or XLSX (docs/fund-report.md)',
    )
    .argument('<ledger>', 'levee.ledger/1 JSON file')
    .option('--rule <rule>', `tracing rule: ${TRACE_RULES.join(', ')} (required unless --inputs gives it)`)
    .option('--frozen <file>', 'frozen amounts, losses, names, untraceable accounts (JSON)')
    .option('--inputs <file>', 'a report’s reproducibility.inputs: recompute that report exactly')
    .option('--base <base>', 'proportional base of Art. 8(3) returns: loss or traced (default loss)')
    .option('--format <format>', 'json, pdf or xlsx', 'json')
    .option('-o, --output <file>', 'write here instead of standard output')
    .option(
      '--case-no <no>',
      'case number printed on the report (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--generated-at <iso>', 'the time the report states (default now)')
    .option('--paths <n>', 'paths listed per footnote (default 20)')
    .action(async (path: string, options: ReportOptions) => {
      try {
        await reportCommand(path, options);
      } catch (error) {
        if (
          error instanceof UsageError ||
          error instanceof LedgerError ||
          error instanceof FundReportError ||
          error instanceof RestitutionError
        ) {
          process.stderr.write(`levee report: ${error.message}\n`);
          throw new ExitCode(2);
        }
        throw error;
      }
    });
}

function readJson(file: string, what: string): { text: string; value: unknown } {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Victims named in the --frozen file (losses and/or names); a name without a loss takes what the ledger shows sent. */
function victimsOf(spec: Record<string, unknown>, ledger: unknown): ReportVictimInput[] {
  const losses = isRecord(spec['losses']) ? spec['losses'] : {};
  const names = isRecord(spec['names']) ? spec['names'] : {};
  const transfers = isRecord(ledger) && Array.isArray(ledger['transfers']) ? ledger['transfers'] : [];
  const sent = (id: string) =>
    transfers.reduce((s: number, t) => (isRecord(t) && t['from'] === id ? s + Number(t['amount']) : s), 0);
  return [...new Set([...Object.keys(losses), ...Object.keys(names)])].sort().map((id) => ({
    id,
    name: typeof names[id] === 'string' ? names[id] : id,
    loss: (losses[id] as number | undefined) ?? sent(id),
  }));
}

async function reportCommand(path: string, o: ReportOptions): Promise<void> {
  if (!['json', 'pdf', 'xlsx'].includes(o.format))
    throw new UsageError(`--format must be json, pdf or xlsx, got "${o.format}"`);
  if (o.base !== undefined && o.base !== 'loss' && o.base !== 'traced')
    throw new UsageError(`--base must be loss or traced, got "${o.base}"`);
  if (o.rule !== undefined && !isTraceRule(o.rule))
    throw new UsageError(`--rule must be one of ${TRACE_RULES.join(', ')}, got "${o.rule}"`);
  if (o.inputs !== undefined && o.frozen !== undefined)
    throw new UsageError('--inputs already holds the frozen amounts; give --inputs or --frozen, not both');
  if (o.format !== 'json' && o.output === undefined && process.stdout.isTTY)
    throw new UsageError(`--format ${o.format} writes a binary file: give -o <file>`);
  const ledgerFile = readJson(path, 'ledger');
  let input: FundReportInput;
  if (o.inputs !== undefined) {
    const saved = readJson(o.inputs, 'inputs').value;
    if (!isRecord(saved) || !isRecord(saved['frozen']))
      throw new UsageError(`${o.inputs} is not a report's reproducibility.inputs (no "frozen" object)`);
    const inputs = saved as unknown as ReportInputs;
    input = {
      ...inputs,
      ledger: ledgerFile.value,
      ...(o.rule !== undefined ? { rule: o.rule as ReportInputs['rule'] } : {}),
      ...(o.base !== undefined ? { proportionalBase: o.base as ReportInputs['proportionalBase'] } : {}),
    };
  } else {
    if (o.rule === undefined)
      throw new UsageError('--rule is required: the rule is a decision the report must state');
    let spec: Record<string, unknown> = {};
    const sources = [{ kind: 'ledger-file', ref: basename(path), sha256: sha256(ledgerFile.text) }];
    if (o.frozen !== undefined) {
      const f = readJson(o.frozen, 'frozen file');
      if (!isRecord(f.value)) throw new UsageError(`${o.frozen} must hold a JSON object`);
      spec = f.value;
      sources.push({ kind: 'frozen-file', ref: basename(o.frozen), sha256: sha256(f.text) });
    }
    // `{ "frozen": {…}, … }`, or a bare object of account → fen
    const bare = !['frozen', 'losses', 'names', 'untraceable'].some((k) => k in spec);
    const frozen = isRecord(spec['frozen']) ? spec['frozen'] : bare ? spec : {};
    const paths = o.paths === undefined ? undefined : Number(o.paths);
    input = {
      ledger: ledgerFile.value,
      rule: o.rule as ReportInputs['rule'],
      frozen: frozen as Record<string, number>,
      victims: victimsOf(spec, ledgerFile.value),
      untraceable: Array.isArray(spec['untraceable']) ? (spec['untraceable'] as string[]) : [],
      caseNos: o.caseNo,
      sources,
      generatedAt: o.generatedAt ?? new Date().toISOString(),
      proportionalBase: (o.base ?? 'loss') as ReportInputs['proportionalBase'],
      ...(paths !== undefined ? { pathsPerFootnote: paths } : {}),
    };
  }
  const report = buildFundReport(input);
  const body: string | Buffer =
    o.format === 'pdf'
      ? await renderFundReportPdf(report)
      : o.format === 'xlsx'
        ? await renderFundReportXlsx(report)
        : fundReportJson(report);
  if (o.output !== undefined) {
    writeFileSync(o.output, body);
    process.stderr.write(`levee report: ${o.format} written to ${o.output}\n`);
  } else process.stdout.write(body);
}
