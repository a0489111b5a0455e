/**
 * `levee import`: read a bank or payment-company statement (.xlsx, .xls, .csv), check it, and
 * turn it into levee.ledger/1 transfers.
 *
 *   levee import <file> [--preset <name>] [--mapping <json>] [--account <id>] [--institution <name>]
 *     [--dry-run] [--json] [--ledger-out <file>] [--against <ledger.json>] [--save-mapping <json>]
 *     [--encoding auto|utf-8|gb18030] [--accept-unreconciled] [--progress]
 *   levee import --list-presets
 *
 * Without --ledger-out nothing is written: it is a dry run that prints the preview, the rows that
 * could not be read (sheet, line, column, reason) and the balance reconciliation. With
 * --ledger-out the ledger is written — atomically, and only when every row was read and the
 * balances reconcile (or --accept-unreconciled). With --case <id> the statement is imported into
 * that case as a batch (or dry-run against it), through the same service as the API. Exit codes: 0 ok, 1 the checks failed (row
 * errors, balance break), 2 bad input (unreadable file, unknown preset, bad mapping, usage).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { formatYuan } from '../../core/money.js';
import {
  emptyMemory,
  type ExplicitMapping,
  FIELDS,
  isMappingMemory,
  LedgerBuilder,
  type MappingMemory,
  PRESETS,
  AUTO_PRESET,
  rememberMapping,
  StatementError,
  type StatementResult,
  type StatementTransaction,
  validateExplicitMapping,
} from '../../engines/statement/index.js';
import { ExitCode } from '../exit-code.js';

interface ImportOptions {
  case?: string;
  preset?: string;
  mapping?: string;
  account?: string;
  accountName?: string;
  institution?: string;
  dryRun?: boolean;
  json?: boolean;
  ledgerOut?: string;
  against?: string;
  saveMapping?: string;
  encoding: string;
  acceptUnreconciled?: boolean;
  progress?: boolean;
  listPresets?: boolean;
  idPrefix?: string;
  sendersAsParties?: boolean;
}

class UsageError extends Error {}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Check a bank statement (.xlsx/.xls/.csv) and turn it into levee.ledger/1 (docs/statement-import.md)',
    )
    .argument('[file]', 'the statement file')
    .option('--case <id>', 'import into this case (id or case number) as a batch, in the configured database')
    .option('--preset <name>', 'column layout preset (see --list-presets); default: auto')
    .option('--mapping <json>', 'explicit column mapping, or a remembered-mappings file')
    .option('--account <id>', "the statement's own account id (else read from the file)")
    .option('--account-name <name>', "the statement's own account holder name")
    .option('--institution <name>', "the statement's own institution")
    .option('--dry-run', 'check and preview only; write nothing (the default without --ledger-out)')
    .option('--json', 'print the dry-run result as JSON')
    .option('--ledger-out <file>', 'write the levee.ledger/1 produced (only when the checks pass)')
    .option('--against <ledger>', 'report which rows are already in this earlier ledger (duplicates)')
    .option('--save-mapping <json>', 'remember the mapping used, keyed by header fingerprint, in this file')
    .option('--encoding <name>', 'CSV encoding: auto, utf-8 or gb18030', 'auto')
    .option('--accept-unreconciled', 'write the ledger even if the running balance does not reconcile')
    .option('--id-prefix <text>', 'prefix of transfer ids (default: S + 8 hex digits of the file hash + -)')
    .option(
      '--senders-as-parties',
      'counterparties that only send money become parties (role unknown), not accounts',
    )
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--list-presets', 'list the column layout presets and exit')
    .action(async (file: string | undefined, o: ImportOptions) => {
      try {
        process.exitCode = await runImport(file, o);
      } catch (error) {
        if (error instanceof UsageError || error instanceof StatementError) {
          const name = error instanceof StatementError ? `${error.name}: ` : '';
          process.stderr.write(`levee import: ${name}${error.message}\n`);
          throw new ExitCode(2);
        }
        throw error;
      }
    });
}

async function runImport(file: string | undefined, o: ImportOptions): Promise<number> {
  if (o.listPresets) {
    printPresets(o.json === true);
    return 0;
  }
  if (o.case !== undefined) return importIntoCase(file, o.case, o);
  if (!file)
    throw new UsageError('name the statement file: levee import <file> [--dry-run] [--ledger-out <file>]');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (o.dryRun && o.ledgerOut)
    throw new UsageError('--dry-run writes nothing; leave out --ledger-out or --dry-run');
  if (!['auto', 'utf-8', 'gb18030'].includes(o.encoding))
    throw new UsageError(`--encoding must be auto, utf-8 or gb18030, got "${o.encoding}"`);

  const { mapping, memory } = loadMapping(o.mapping);
  // Loaded here, not at the top: exceljs and SheetJS would slow every other levee command.
  const { readStatementFile } = await import('../../services/statement/file-readers.js');
  const builder = o.ledgerOut ? new LedgerBuilder() : undefined;
  const bar = progressBar(o);
  let started = false;
  let result: StatementResult;
  try {
    result = await readStatementFile(file, {
      ...(o.preset ? { preset: o.preset } : {}),
      ...(mapping ? { mapping } : {}),
      ...(memory ? { memory } : {}),
      ...(o.account ? { account: o.account } : {}),
      ...(o.accountName ? { accountName: o.accountName } : {}),
      ...(o.institution ? { institution: o.institution } : {}),
      encoding: o.encoding as 'auto' | 'utf-8' | 'gb18030',
      collectFingerprints: o.json === true || o.against !== undefined,
      ...(builder ? { onTransaction: (tx: StatementTransaction) => builder.add(tx) } : {}),
      onProgress: (done, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
    });
  } finally {
    if (started) bar?.stop();
  }

  const against = o.against ? duplicatesAgainst(o.against, result) : undefined;
  const reconciledOrAccepted = result.reconciliation.status !== 'broken' || o.acceptUnreconciled === true;
  const passes = result.errorCount === 0 && result.totals.transactions > 0 && reconciledOrAccepted;

  let ledgerNote: string;
  let ledgerSummary: Record<string, unknown> | undefined;
  if (!builder || !o.ledgerOut) ledgerNote = 'dry run: nothing written';
  else if (!passes)
    ledgerNote = `NOT written to ${o.ledgerOut}: the checks failed (nothing was half-imported)`;
  else {
    const sha = result.source.fileSha256 ?? '';
    const { ledger, mirrored, selfTransfers } = builder.build(result.reconciliation, {
      idPrefix: o.idPrefix ?? `S${sha.slice(0, 8)}-`,
      sendersAsParties: o.sendersAsParties === true,
      about: `statement ${result.source.fileName ?? file}`,
      import: {
        fileName: result.source.fileName,
        fileSha256: sha,
        format: result.source.format,
        ...(result.source.encoding ? { encoding: result.source.encoding } : {}),
        presets: [...new Set(result.sheets.map((s) => s.preset).filter(Boolean))],
      },
      ...(result.statement.accountName ? { accountName: result.statement.accountName } : {}),
      ...(result.statement.institution ? { institution: result.statement.institution } : {}),
    });
    writeAtomically(o.ledgerOut, `${JSON.stringify(ledger, null, 2)}\n`);
    ledgerSummary = {
      file: o.ledgerOut,
      transfers: ledger.transfers.length,
      accounts: ledger.accounts.length,
      parties: ledger.parties.length,
      mirroredTransfersDropped: mirrored,
      selfTransfersDropped: selfTransfers,
    };
    ledgerNote =
      `ledger written to ${o.ledgerOut}: ${ledger.transfers.length} transfers, ${ledger.accounts.length} accounts` +
      (mirrored ? `, ${mirrored} mirrored transfers between statement accounts merged` : '');
  }
  if (o.saveMapping) saveMappings(o.saveMapping, result);

  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ ...result, passes, ledger: ledgerSummary ?? null, against: against ?? null }, null, 2)}\n`,
    );
  } else {
    printHuman(result, passes, ledgerNote, against);
  }
  return passes ? 0 : 1;
}

function progressBar(o: ImportOptions): SingleBar | undefined {
  return o.progress === true || process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: 'import [{bar}] {percentage}% | {value}/{total} bytes',
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: true,
        notTTYSchedule: 2000,
      })
    : undefined;
}

/**
 * `--case <id|case no>`: import into the case stored in the configured database (LEVEE_DATA_DIR /
 * LEVEE_DATABASE_URL), as a batch, audited as 'levee-cli' — the same service the API uses.
 */
async function importIntoCase(file: string | undefined, caseRef: string, o: ImportOptions): Promise<number> {
  if (!file) throw new UsageError('name the statement file: levee import <file> --case <id>');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (o.ledgerOut || o.against || o.saveMapping)
    throw new UsageError(
      '--ledger-out, --against and --save-mapping do not apply with --case (the case ledger is the output)',
    );
  if (!['auto', 'utf-8', 'gb18030'].includes(o.encoding))
    throw new UsageError(`--encoding must be auto, utf-8 or gb18030, got "${o.encoding}"`);
  const { mapping, memory } = loadMapping(o.mapping);
  if (memory)
    throw new UsageError(
      '--mapping with --case takes one explicit mapping; remembered mappings live in the database',
    );
  const { loadConfig } = await import('../../core/config.js');
  const { createContext } = await import('../../context.js');
  const { LeveeError } = await import('../../core/errors.js');
  const ctx = await createContext(loadConfig(), { prepare: true });
  const bar = progressBar(o);
  let started = false;
  try {
    const service = ctx.statements;
    let outcome: Awaited<ReturnType<typeof service.importFileAsOperator>>;
    try {
      outcome = await service.importFileAsOperator(caseRef, file, {
        fileName: basename(file),
        preset: o.preset,
        mapping,
        account: o.account,
        accountName: o.accountName,
        institution: o.institution,
        encoding: o.encoding as 'auto' | 'utf-8' | 'gb18030',
        dryRun: o.dryRun === true,
        acceptUnreconciled: o.acceptUnreconciled === true,
        sendersAsParties: o.sendersAsParties === true,
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      });
    } finally {
      if (started) bar?.stop();
    }
    if (o.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (outcome.fileProblem)
      process.stdout.write(`${outcome.fileProblem.kind}: ${outcome.fileProblem.detail}\n`);
    else {
      if (outcome.preview)
        printHuman({ ...outcome.preview, rowFingerprints: [] }, outcome.ok, 'case import below', undefined);
      const b = outcome.batch;
      process.stdout.write(
        b
          ? `case        imported as batch ${b.id} of case ${b.case_id}: ${b.transfer_count} new transfers, ` +
              `${b.duplicate_count} already in the case ledger; file kept as ${b.stored_path}\n`
          : `case        dry run: ${outcome.newTransfers} transfers would be new, ${outcome.duplicates} are already in the case ledger` +
              `${outcome.sameFileBatchId ? `; this file is batch ${outcome.sameFileBatchId} already` : ''}\n`,
      );
    }
    if (outcome.fileProblem) return 2;
    return outcome.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof LeveeError) {
      process.stderr.write(`levee import: ${error.code}: ${error.message}\n`);
      const listed = (error.extra?.['errors'] ?? []) as { field: string; message: string }[];
      for (const e of listed) process.stderr.write(`  ${e.field}: ${e.message}\n`);
      // Checks that ran and failed (row errors, a balance break) exit 1; anything else is bad input.
      return error.extra?.['checksFailed'] === true ? 1 : 2;
    }
    throw error;
  } finally {
    await ctx.close();
  }
}

function loadMapping(path: string | undefined): { mapping?: ExplicitMapping; memory?: MappingMemory } {
  if (!path) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--mapping ${path}: ${(error as Error).message}`);
  }
  if (isMappingMemory(value)) return { memory: value };
  validateExplicitMapping(value as ExplicitMapping);
  return { mapping: value as ExplicitMapping };
}

function saveMappings(path: string, result: StatementResult): void {
  let memory: MappingMemory = emptyMemory();
  if (existsSync(path)) {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isMappingMemory(value))
      throw new UsageError(`--save-mapping ${path} exists and is not a mappings file`);
    memory = value;
  }
  for (const sheet of result.sheets) {
    if (sheet.status !== 'read' || !sheet.mappingFingerprint) continue;
    memory = rememberMapping(memory, {
      version: 1,
      source: result.source.fileName ?? '',
      fingerprint: sheet.mappingFingerprint,
      columns: { ...sheet.columns },
    });
  }
  writeAtomically(path, `${JSON.stringify(memory, null, 2)}\n`);
}

function duplicatesAgainst(path: string, result: StatementResult) {
  let doc: { transfers?: { fingerprint?: unknown }[]; import?: { fileSha256?: unknown } };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--against ${path}: ${(error as Error).message}`);
  }
  const known = new Set((doc.transfers ?? []).map((t) => t.fingerprint).filter((f) => typeof f === 'string'));
  const already = result.rowFingerprints.filter((f) => known.has(f)).length;
  return {
    ledger: path,
    sameFile: doc.import?.fileSha256 !== undefined && doc.import.fileSha256 === result.source.fileSha256,
    rowsAlreadyThere: already,
    rows: result.rowFingerprints.length,
  };
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function printPresets(json: boolean): void {
  const all = [AUTO_PRESET, ...PRESETS];
  if (json) {
    process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  for (const p of all) {
    out.push(`${p.name}\n  ${p.description}`);
    if (p === AUTO_PRESET) continue;
    for (const field of FIELDS) {
      const words = p.columns[field];
      if (words) out.push(`    ${field.padEnd(24)} ${words.join(', ')}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function pad(text: string, width: number): string {
  // CJK characters take two columns in a terminal.
  let w = 0;
  for (const ch of text) w += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return text + ' '.repeat(Math.max(1, width - w));
}

function printHuman(
  r: StatementResult,
  passes: boolean,
  ledgerNote: string,
  against: ReturnType<typeof duplicatesAgainst> | undefined,
): void {
  const out: string[] = [];
  const s = r.source;
  out.push(
    `file        ${s.fileName} (${s.format}${s.encoding ? `, ${s.encoding.toUpperCase()}` : ''}, ${s.bytes} bytes` +
      `${s.fileSha256 ? `, sha256 ${s.fileSha256.slice(0, 16)}…` : ''})`,
  );
  const st = r.statement;
  out.push(
    `statement   ${st.account ?? '(account per row)'} [${st.accountFrom}]` +
      `${st.accountName ? `  ${st.accountName}` : ''}${st.institution ? `  ${st.institution}` : ''}`,
  );
  for (const sh of r.sheets) {
    if (sh.status !== 'read') {
      out.push(`sheet       ${sh.name}: ${sh.status}`);
      continue;
    }
    const footer =
      sh.footerMatches === undefined
        ? ''
        : sh.footerMatches
          ? '; footer totals agree'
          : '; FOOTER TOTALS DIFFER';
    out.push(
      `sheet       ${sh.name}: header at line ${sh.headerLine}, preset ${sh.preset}; ${sh.transactions} transactions, ` +
        `${sh.errors} errors, ${sh.skipped} skipped, ${sh.footerRows} footer/note rows${footer}`,
    );
    if (sh.unmappedColumns.length) out.push(`            columns not used: ${sh.unmappedColumns.join(', ')}`);
  }
  out.push('', `preview (first ${r.preview.length} transactions)`);
  out.push(
    `  ${pad('row', 18)}${pad('time', 27)}${pad('dir', 8)}${pad('amount', 16)}${pad('balance', 16)}counterparty`,
  );
  const multi = r.sheets.filter((sh) => sh.status === 'read').length > 1;
  for (const t of r.preview) {
    out.push(
      `  ${pad(multi ? `${t.sheet}!${t.line}` : `line ${t.line}`, 18)}${pad(t.time, 27)}${pad(t.direction, 8)}` +
        `${pad(formatYuan(t.amount), 16)}${pad(t.balance === undefined ? '' : formatYuan(t.balance), 16)}` +
        `${[t.counterpartyAccount, t.counterpartyName].filter(Boolean).join(' ') || (t.summary ?? '')}`,
    );
  }
  if (r.errorCount > 0) {
    out.push(
      '',
      `rows Levee could not read: ${r.errorCount}${r.errors.length < r.errorCount ? ` (first ${r.errors.length} shown)` : ''}`,
    );
    for (const e of r.errors)
      out.push(
        `  ${e.sheet}!${e.line}${e.column ? ` [${e.column}]` : ''}${e.value !== undefined ? ` "${e.value}"` : ''}: ${e.reason}`,
      );
  }
  if (r.noteCount > 0) {
    out.push('', `notes: ${r.noteCount}`);
    for (const n of r.notes.slice(0, 10)) out.push(`  ${n.sheet}${n.line ? `!${n.line}` : ''}: ${n.note}`);
  }
  out.push('', `reconciliation  ${r.reconciliation.status}`);
  for (const a of r.reconciliation.accounts) {
    const b = a.firstBreak;
    out.push(
      `  ${a.account}: ${a.status}, ${a.order}, ${a.checkedPairs} balance steps checked` +
        (a.opening !== undefined ? `, opening ${formatYuan(a.opening)}` : '') +
        (a.closing !== undefined ? `, closing ${formatYuan(a.closing)}` : '') +
        (b
          ? `; FIRST BREAK at ${b.sheet}!${b.line}: balance ${formatYuan(b.found)}, expected ${formatYuan(b.expected)} ` +
            `from line ${b.previousLine} (${a.breaks} breaks)`
          : ''),
    );
  }
  const t = r.totals;
  out.push(
    '',
    `totals      ${t.transactions} transactions: ${t.creditCount} in ${formatYuan(t.creditFen)}, ` +
      `${t.debitCount} out ${formatYuan(t.debitFen)}; ${t.skippedRows} skipped; ${t.firstTime ?? ''} … ${t.lastTime ?? ''}` +
      (t.duplicateRows ? `; ${t.duplicateRows} duplicate rows within the file` : ''),
  );
  if (against)
    out.push(
      `against     ${against.ledger}: ${against.rowsAlreadyThere} of ${against.rows} rows already imported` +
        (against.sameFile ? ' (the same file, by SHA-256)' : ''),
    );
  out.push(`result      ${passes ? 'OK' : 'CHECKS FAILED'}; ${ledgerNote}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
