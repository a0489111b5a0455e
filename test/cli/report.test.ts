/**
 * `levee report` end to end (run from dist: `npm run build` first): JSON on stdout equal to the
 * model's, reproduced byte for byte from its own inputs, PDF and XLSX files, bad input named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { FundReport } from '../../src/engines/fund-report/index.js';
import { buildFundReport, fundReportJson } from '../../src/engines/fund-report/index.js';
import { compileLedger, fastTrace } from '../../src/engines/tracing/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mulePath = join(root, 'test/fixtures/vectors/tracing/mule-chain-3-levels.ledger.json');
const mule = JSON.parse(readFileSync(mulePath, 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'levee-report-'));

function levee(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/levee.js'), 'report', ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const frozenPath = join(tmp, 'frozen.json');
writeFileSync(
  frozenPath,
  JSON.stringify({
    frozen: { B1: 1500000, C2: 2000000, C3: 500000 },
    losses: { V1: 5000000, V2: 3000000, V3: 2500000 },
    names: { V1: '张三', V2: '李四' },
    untraceable: ['C3'],
  }),
);
const AT = '2026-11-27T09:00:00+08:00';

describe('levee report', () => {
  it('prints the report as canonical JSON: the engine’s figures, names and losses from --frozen', () => {
    const r = levee(
      mulePath,
      '--rule',
      'lifo',
      '--frozen',
      frozenPath,
      '--generated-at',
      AT,
      '--case-no',
      'WH-1',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as FundReport;
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect([report.rule, report.generatedAt, report.caseNos]).toEqual(['lifo', AT, ['WH-1']]);
    const doc = fastTrace(compileLedger(mule), 'lifo');
    for (const v of report.victims) {
      expect(v.sent).toBe(doc.victims[v.id]!.sent);
      expect(Object.fromEntries(v.located.filter((x) => x.amount).map((x) => [x.account, x.amount]))).toEqual(
        doc.victims[v.id]!.located,
      );
    }
    expect(report.victims.map((v) => [v.id, v.name, v.loss])).toEqual([
      ['V1', '张三', 5000000],
      ['V2', '李四', 3000000],
      ['V3', 'V3', 2500000],
    ]);
    expect(report.summary.frozen).toBe(4000000);
    const c3 = report.returnProposal.accounts.find((a) => a.account === 'C3')!;
    expect(c3.proportional).toBe(true);
    expect(c3.publicNotice).toContain('第八条第（三）项');
    expect(report.reproducibility.sources.map((s) => s.kind)).toEqual(['ledger-file', 'frozen-file']);
  });

  it('recomputes the same bytes from the report’s own inputs, and the same as the model in-process', () => {
    const first = levee(mulePath, '--rule', 'prorata', '--frozen', frozenPath, '--generated-at', AT);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as FundReport;
    const inputsPath = join(tmp, 'inputs.json');
    writeFileSync(inputsPath, JSON.stringify(report.reproducibility.inputs));
    const again = levee(mulePath, '--inputs', inputsPath);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(fundReportJson(buildFundReport({ ledger: mule, ...report.reproducibility.inputs }))).toBe(
      first.stdout,
    );
    // another rule from the same inputs is another report
    const libr = levee(mulePath, '--inputs', inputsPath, '--rule', 'libr');
    expect((JSON.parse(libr.stdout) as FundReport).rule).toBe('libr');
  });

  it('writes PDF and XLSX files with -o', async () => {
    const pdf = join(tmp, 'r.pdf');
    const xlsx = join(tmp, 'r.xlsx');
    expect(levee(mulePath, '--rule', 'fifo', '--frozen', frozenPath, '--format', 'pdf', '-o', pdf).code).toBe(
      0,
    );
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/\/FontFile[23]? /);
    const x = levee(mulePath, '--rule', 'fifo', '--frozen', frozenPath, '--format', 'xlsx', '-o', xlsx);
    expect([x.code, x.stdout]).toEqual([0, '']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((w) => w.name)).toContain('返还方案');
  });

  it('names bad input on stderr with exit 2 and prints nothing', () => {
    const cases: [string[], RegExp][] = [
      [[mulePath], /--rule is required/],
      [[mulePath, '--rule', 'median'], /--rule must be one of/],
      [[mulePath, '--rule', 'fifo', '--format', 'docx'], /--format must be/],
      [[join(tmp, 'missing.json'), '--rule', 'fifo'], /no such file/],
      [[mulePath, '--rule', 'fifo', '--frozen', frozenPath, '--inputs', frozenPath], /not both/],
    ];
    const badFrozen = join(tmp, 'bad-frozen.json');
    writeFileSync(badFrozen, JSON.stringify({ NOPE: 100 }));
    cases.push([
      [mulePath, '--rule', 'fifo', '--frozen', badFrozen],
      /frozen account "NOPE" is not in the ledger/,
    ]);
    for (const [args, message] of cases) {
      const r = levee(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });
});
