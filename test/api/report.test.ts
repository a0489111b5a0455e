/** GET /api/cases/:id/report: the fund analysis report of a case as JSON, PDF and XLSX. */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FundReport } from '../../src/engines/fund-report/index.js';
import { ledgerFingerprint } from '../../src/engines/fund-report/index.js';
import { TRACE_RULES } from '../../src/engines/tracing/index.js';
import { resolveCjkFont, XLSX_SHEETS } from '../../src/services/fund-report/index.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';
import { enterSmallCase, LEVEL2, MERCHANT, MULE } from '../helpers/small-case.js';

describe('fund analysis report of a case', () => {
  let t: TestApp;
  let analyst: Session;
  let caseId: number;
  let caseNo: string;

  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.login('analyst');
    ({ caseId, caseNo } = await enterSmallCase(t, analyst, '周丽华'));
    // Frozen amounts as the freeze feedback would leave them: the level-2 account only partly.
    const freeze = (institution: string, amount: number) =>
      t.ctx.store.db
        .updateTable('case_account')
        .set({ state: 'frozen', frozen_amount: amount })
        .where('case_id', '=', caseId)
        .where('institution_code', '=', institution)
        .execute();
    await freeze('ICBC', 10_000_00);
    await freeze('CCB', 45_000_00);
  });
  afterAll(async () => t?.close());

  it('JSON: figures equal the trace of the case ledger, frozen from the case accounts, returns under Art. 8', async () => {
    const response = await analyst.request('GET', `/api/cases/${caseId}/report?rule=fifo&format=json`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const report = response.json() as FundReport;
    expect([report.format, report.rule, report.caseNos]).toEqual(['levee.fund-report/1', 'fifo', [caseNo]]);
    const victim = report.victims[0]!;
    expect(victim.name).toBe('周丽华');
    expect([victim.loss, victim.sent, victim.notInLedger]).toEqual([100_000_00, 100_000_00, 0]);
    for (const rule of TRACE_RULES) {
      const trace = (await analyst.request('GET', `/api/cases/${caseId}/trace?rule=${rule}`)).json();
      const located = Object.fromEntries(victim.located.map((r) => [r.account, r.byRule[rule]]));
      expect(located).toEqual(trace.victims[victim.id].located);
      expect(Object.fromEntries(victim.sinks.map((r) => [r.account, r.byRule[rule]]))).toEqual(
        trace.victims[victim.id].sinks,
      );
    }
    expect(victim.sinks).toMatchObject([{ account: MERCHANT, sink: 'merchant', amount: 30_000_00 }]);
    expect(report.summary.frozen).toBe(55_000_00);
    expect(report.summary.frozenVictimMoney.amount).toBe(55_000_00);
    const accounts = Object.fromEntries(report.returnProposal.accounts.map((a) => [a.account, a]));
    expect(Object.keys(accounts)).toEqual([LEVEL2, MULE]);
    expect(accounts[LEVEL2]!.returns).toMatchObject([
      { victim: victim.id, amount: 45_000_00, basis: 'art8-1' },
    ]);
    expect(accounts[MULE]!.returns).toMatchObject([
      { victim: victim.id, amount: 10_000_00, basis: 'art8-1' },
    ]);
    expect(report.returnProposal.publicNoticeRequired).toBe(false);
    expect(victim.totals.proposedReturn.amount).toBe(55_000_00);
    // footnote of the frozen level-2 money: the victim's payment, then the mule's transfer
    const note = report.footnotes.find((n) => n.id === accounts[LEVEL2]!.returns[0]!.notes[0])!;
    const hop = (transfer: string) => report.transfers[transfer]!;
    expect(
      note.paths[0]!.hops.map((h) => [hop(h.transfer).from, hop(h.transfer).to, hop(h.transfer).amount]),
    ).toEqual([
      [victim.id, MULE, 100_000_00],
      [MULE, LEVEL2, 60_000_00],
    ]);
    // reproducibility: the ledger fingerprint is the case ledger's, and the export is audited with it
    const ledger = (await analyst.request('GET', `/api/cases/${caseId}/ledger`)).json();
    expect(report.reproducibility.ledgerSha256).toBe(ledgerFingerprint(ledger));
    expect(report.reproducibility.sources.map((s) => s.kind)).toContain('detail-query');
    const audit = await t.ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'case.report-export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.target_id).toBe(String(caseId));
    expect(JSON.parse(audit.detail)).toMatchObject({
      format: 'json',
      rule: 'fifo',
      ledgerSha256: report.reproducibility.ledgerSha256,
    });
  });

  it('PDF: a download named after the case, with the CJK font embedded', async () => {
    const response = await analyst.request('GET', `/api/cases/${caseId}/report?rule=libr&format=pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain(`filename="fund-report-${caseNo}-libr.pdf"`);
    expect(response.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('资金分析报告')}`,
    );
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/FontFile[23]? /);
    const family = resolveCjkFont().regular.family;
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+\S+/);
    if (family) expect(text).toContain(family);
    const audit = await t.ctx.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'case.report-export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail)).toMatchObject({ format: 'pdf', rule: 'libr' });
  });

  it('XLSX: opens with exceljs, has the six sheets and the same totals as the JSON', async () => {
    const json = (
      await analyst.request('GET', `/api/cases/${caseId}/report?rule=prorata&base=traced`)
    ).json();
    const response = await analyst.request(
      'GET',
      `/api/cases/${caseId}/report?rule=prorata&format=xlsx&base=traced`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toContain(`fund-report-${caseNo}-prorata.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...XLSX_SHEETS]);
    const summary = wb.getWorksheet('摘要')!;
    const byKey = new Map<string, ExcelJS.Row>();
    summary.eachRow((row) => byKey.set(String(row.getCell(2).value), row));
    expect(byKey.get('located')!.getCell(4).value).toBe(json.summary.located.amount);
    expect(byKey.get('located')!.getCell(3).value).toBe(json.summary.located.amount / 100);
    expect(byKey.get('frozen')!.getCell(4).value).toBe(55_000_00);
    expect(byKey.get('proposedReturn')!.getCell(4).value).toBe(json.summary.proposedReturn.amount);
    expect(byKey.get('lostToSinks')!.getCell(4).value).toBe(30_000_00);
    // one column per rule, in the report's rule order; a figure without rules repeats its amount
    json.rules.forEach((rule: string, i: number) => {
      expect(byKey.get('located')!.getCell(5 + i).value).toBe(json.summary.located.byRule[rule]);
      expect(byKey.get('frozen')!.getCell(5 + i).value).toBe(55_000_00);
    });
    expect(byKey.get('proposedDirect')!.actualCellCount).toBe(4);
    // the return sheet adds up to the same returns
    let returned = 0;
    wb.getWorksheet('返还方案')!.eachRow((row, n) => {
      if (n > 1 && String(row.getCell(7).value).startsWith('art8')) returned += Number(row.getCell(6).value);
    });
    expect(returned).toBe(json.summary.proposedReturn.amount);
  });

  it('refuses an unknown rule or format', async () => {
    expect((await analyst.request('GET', `/api/cases/${caseId}/report?rule=median`)).statusCode).toBe(400);
    expect((await analyst.request('GET', `/api/cases/${caseId}/report?format=docx`)).statusCode).toBe(400);
    expect((await analyst.request('GET', '/api/cases/999999/report')).statusCode).toBe(404);
  });
});

describe('the CJK font for PDF reports', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'ok';
  };
  it('takes LEVEE_REPORT_FONT first, and names what is wrong with it', () => {
    expect(code(() => resolveCjkFont({ LEVEE_REPORT_FONT: '/nonexistent/font.ttf' }))).toBe('LEVEE_CONFIG');
    const found = resolveCjkFont({});
    expect(['npm', 'system']).toContain(found.source);
    if (found.regular.path.endsWith('.ttc')) {
      // a collection needs the face's name
      expect(code(() => resolveCjkFont({ LEVEE_REPORT_FONT: found.regular.path }))).toBe('LEVEE_CONFIG');
      const named = resolveCjkFont({ LEVEE_REPORT_FONT: `${found.regular.path}#${found.regular.family}` });
      expect(named).toMatchObject({ source: 'env', regular: found.regular });
    } else {
      expect(resolveCjkFont({ LEVEE_REPORT_FONT: found.regular.path }).source).toBe('env');
    }
  });
});
