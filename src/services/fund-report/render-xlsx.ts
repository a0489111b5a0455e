/**
 * The fund analysis report as an Excel workbook (exceljs). Sheets: 摘要, 受害人, 账户, 返还方案,
 * 脚注明细 (Excel forbids "/" in a sheet name), 来源与复现. Every amount appears twice: in yuan
 * (a number written from the decimal text `yuan` makes from whole fen, shown as #,##0.00) and in
 * fen (an integer, so sums in the sheet are exact). Headers are Chinese with English below.
 */
import ExcelJS from 'exceljs';
import {
  BASIS_LABEL,
  type FundReport,
  ROLE_LABEL,
  RULE_LABEL,
  yuan,
} from '../../engines/fund-report/index.js';
import type { TraceRule } from '../../engines/tracing/index.js';

export const XLSX_SHEETS = ['摘要', '受害人', '账户', '返还方案', '脚注明细', '来源与复现'] as const;

type Cell = string | number | null;

/** Yuan as a spreadsheet number, from the exact decimal text (no float arithmetic on fen). */
function yuanNumber(fen: number): number {
  return Number(yuan(fen, { grouping: false }));
}

function sheet(wb: ExcelJS.Workbook, name: string, headers: [string, string][], widths: number[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const row = ws.addRow(headers.map(([zh, en]) => `${zh}\n${en}`));
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'top' };
  row.height = 30;
  row.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
  });
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });
  return ws;
}

function markMoney(ws: ExcelJS.Worksheet, yuanColumns: number[], fenColumns: number[]): void {
  for (const c of yuanColumns) ws.getColumn(c).numFmt = '#,##0.00';
  for (const c of fenColumns) ws.getColumn(c).numFmt = '0';
}

const notes = (ids: number[]) => ids.join(',');

export async function renderFundReportXlsx(report: FundReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const created = new Date(report.generatedAt);
  wb.creator = 'Levee';
  wb.created = created;
  wb.modified = created;
  wb.title = `资金分析报告 ${report.caseNos.join(' ')}`;
  const rules = report.rules;
  const ruleHeaders = rules.map((r): [string, string] => [`${RULE_LABEL[r].zh}（分）`, `${r} (fen)`]);
  const perRule = (byRule: Record<TraceRule, number>) => rules.map((r) => byRule[r]);
  const s = report.summary;

  // 摘要 — one row per figure: chosen rule in yuan and fen, every rule in fen.
  const sum = sheet(
    wb,
    '摘要',
    [['项目', 'item'], ['代码', 'key'], ['金额（元）', 'yuan'], ['金额（分）', 'fen'], ...ruleHeaders],
    [30, 22, 18, 16, 16, 16, 16, 16],
  );
  /** A summary figure: the same under every rule (a plain amount) or one per rule. */
  type Figure = number | { amount: number; byRule: Record<TraceRule, number> };
  const row = (label: string, key: string, figure: Figure, perRuleColumns = true): Cell[] => {
    const amount = typeof figure === 'number' ? figure : figure.amount;
    const byRule = typeof figure === 'number' ? rules.map(() => figure) : perRule(figure.byRule);
    return [label, key, yuanNumber(amount), amount, ...(perRuleColumns ? byRule : [])];
  };
  const summaryRows: Cell[][] = [
    row('受害人申报损失合计', 'loss', s.loss),
    row('账本所见受害人转出', 'sent', s.sent),
    row('账本未见的损失', 'notInLedger', s.notInLedger),
    row('已查明在账资金', 'located', s.located),
    row('流入去向终端（已流失）', 'lostToSinks', s.lostToSinks),
    row('冻结金额合计', 'frozen', s.frozen),
    row('其中受害人资金', 'frozenVictimMoney', s.frozenVictimMoney),
    row('冻结超出账本余额', 'frozenBeyondTrace', s.frozenBeyondTrace),
    row(`记录缺口（${s.gaps.count} 处）`, 'gaps', s.gaps.amount),
    row('拟返还合计', 'proposedReturn', s.proposedReturn),
    row('其中直接返还', 'proposedDirect', s.proposedDirect, false),
    row('其中按比例返还（须公告）', 'proposedProportional', s.proposedProportional, false),
    row('继续冻结', 'remainingFrozen', s.remainingFrozen, false),
  ];
  for (const r of summaryRows) sum.addRow(r);
  sum.addRow([]);
  for (const [zh, value] of [
    ['案件编号', report.caseNos.join('、')],
    ['追踪规则', `${RULE_LABEL[report.rule].zh}（${report.rule}）`],
    ['按比例返还基数', report.parameters.proportionalBase],
    ['生成时间', report.generatedAt],
    ['受害人 / 账户 / 交易', `${s.victims} / ${s.accounts} / ${s.transfers}`],
    ['须公告三十日', s.publicNoticeRequired ? '是 yes' : '否 no'],
    ['账本 SHA-256', report.reproducibility.ledgerSha256],
  ] as [string, string][])
    sum.addRow([zh, '', value]);
  markMoney(sum, [3], [4, 5, 6, 7, 8]);

  // 受害人 — one row per victim, kind and account.
  const vs = sheet(
    wb,
    '受害人',
    [
      ['受害人', 'victim'],
      ['姓名', 'name'],
      ['损失（分）', 'loss (fen)'],
      ['类别', 'kind'],
      ['账户', 'account'],
      ['本规则（元）', `${report.rule} (yuan)`],
      ['本规则（分）', `${report.rule} (fen)`],
      ...ruleHeaders,
      ['脚注', 'notes'],
    ],
    [10, 12, 14, 16, 28, 16, 14, 14, 14, 14, 14, 12],
  );
  for (const v of report.victims) {
    const add = (
      kind: string,
      account: string,
      f: { amount: number; byRule: Record<TraceRule, number>; notes: number[] },
    ) =>
      vs.addRow([
        v.id,
        v.name,
        v.loss,
        kind,
        account,
        yuanNumber(f.amount),
        f.amount,
        ...perRule(f.byRule),
        notes(f.notes),
      ]);
    for (const r of v.located) add('在账 located', r.account, r);
    for (const r of v.frozen) add('已冻结 frozen', r.account, r);
    for (const r of v.sinks) add(`流失 sink:${r.sink}`, r.account, r);
    add('拟返还 return', '', { ...v.totals.proposedReturn, notes: [] });
  }
  markMoney(vs, [6], [3, 7, 8, 9, 10, 11]);

  // 账户 — one row per account and origin.
  const as = sheet(
    wb,
    '账户',
    [
      ['账户', 'account'],
      ['机构', 'institution'],
      ['户名', 'holder'],
      ['去向终端', 'sink'],
      ['余额（分）', 'balance (fen)'],
      ['冻结（分）', 'frozen (fen)'],
      ['资金来源', 'origin'],
      ['类型', 'role'],
      ['本规则（元）', `${report.rule} (yuan)`],
      ['本规则（分）', `${report.rule} (fen)`],
      ...ruleHeaders,
      ['其中冻结（分）', 'frozen part (fen)'],
      ['脚注', 'notes'],
    ],
    [28, 10, 12, 10, 14, 14, 22, 10, 16, 14, 14, 14, 14, 14, 14, 10],
  );
  for (const a of report.accounts) {
    const head = [a.id, a.institution ?? '', a.holder ?? '', a.sink ?? '', a.balance, a.frozen];
    if (a.origins.length === 0) as.addRow([...head, '', '', 0, 0, ...rules.map(() => 0), 0, '']);
    for (const o of a.origins)
      as.addRow([
        ...head,
        o.origin,
        ROLE_LABEL[o.role].zh,
        yuanNumber(o.amount),
        o.amount,
        ...perRule(o.byRule),
        o.frozen,
        notes(o.notes),
      ]);
  }
  markMoney(as, [9], [5, 6, 10, 11, 12, 13, 14, 15]);

  // 返还方案 — one row per return, then what stays frozen; the notice text where proportional.
  const names = new Map(report.victims.map((v) => [v.id, v.name]));
  const rs = sheet(
    wb,
    '返还方案',
    [
      ['冻结账户', 'account'],
      ['冻结（分）', 'frozen (fen)'],
      ['受害人', 'victim'],
      ['姓名', 'name'],
      ['金额（元）', 'yuan'],
      ['金额（分）', 'fen'],
      ['依据', 'basis'],
      ['说明', 'basis in words'],
      ['公告天数', 'notice days'],
      ['脚注', 'notes'],
    ],
    [28, 14, 10, 12, 16, 14, 10, 48, 10, 14],
  );
  for (const a of report.returnProposal.accounts) {
    for (const r of a.returns)
      rs.addRow([
        a.account,
        a.frozen,
        r.victim,
        names.get(r.victim) ?? r.victim,
        yuanNumber(r.amount),
        r.amount,
        r.basis,
        BASIS_LABEL[r.basis].zh,
        r.basis === 'art8-3' ? a.publicNoticeDays : 0,
        notes(r.notes),
      ]);
    rs.addRow([
      a.account,
      a.frozen,
      '',
      '继续冻结 stays frozen',
      yuanNumber(a.remaining),
      a.remaining,
      'remaining',
      '持卡人自有、第三方资金、超出损失部分及账本未见部分',
      0,
      '',
    ]);
    if (a.publicNotice) {
      const row = rs.addRow([
        a.account,
        a.frozen,
        '',
        '公告文本 notice',
        null,
        null,
        'notice',
        a.publicNotice,
      ]);
      row.getCell(8).alignment = { wrapText: true, vertical: 'top' };
      row.height = 15 * (a.publicNotice.split('\n').length + 3);
    }
  }
  markMoney(rs, [5], [2, 6]);

  // 脚注明细 — one row per hop of every listed path.
  const fs = sheet(
    wb,
    '脚注明细',
    [
      ['脚注', 'note'],
      ['账户', 'account'],
      ['资金来源', 'origin'],
      ['金额（分）', 'amount (fen)'],
      ['路径', 'path'],
      ['路径金额（分）', 'path amount (fen)'],
      ['步', 'hop'],
      ['交易', 'transfer'],
      ['付款方', 'from'],
      ['收款方', 'to'],
      ['时间', 'time'],
      ['交易金额（分）', 'transfer amount (fen)'],
      ['其中该来源（分）', 'carried (fen)'],
    ],
    [8, 26, 18, 14, 8, 16, 6, 14, 26, 26, 26, 16, 16],
  );
  for (const n of report.footnotes) {
    if (n.paths.length === 0)
      fs.addRow([n.id, n.account, n.origin, n.amount, '', '', '', '（期初余额或来源不明，无转入交易）']);
    n.paths.forEach((p, i) => {
      p.hops.forEach((h, k) => {
        const t = report.transfers[h.transfer]!;
        fs.addRow([
          n.id,
          n.account,
          n.origin,
          n.amount,
          i + 1,
          p.amount,
          k + 1,
          h.transfer,
          t.from,
          t.to,
          t.time,
          t.amount,
          h.carried,
        ]);
      });
    });
    if (n.omitted.paths > 0)
      fs.addRow([
        n.id,
        n.account,
        n.origin,
        n.amount,
        `+${n.omitted.paths}`,
        n.omitted.amount,
        '',
        `另有 ${n.omitted.paths} 条路径未列出 more paths not listed`,
      ]);
  }
  markMoney(fs, [], [4, 6, 12, 13]);

  // 来源与复现 — fingerprints, parameters and the inputs to recompute the report.
  const rep = report.reproducibility;
  const ps = sheet(
    wb,
    '来源与复现',
    [
      ['项目', 'item'],
      ['值', 'value'],
      ['SHA-256', 'fingerprint'],
    ],
    [28, 60, 70],
  );
  const kv: [string, string][] = [
    ['账本 SHA-256（规范化 JSON）ledger', rep.ledgerSha256],
    ['规范化 canonicalization', rep.ledgerCanonicalization],
    ['引擎 engine', rep.engine],
    ['引擎版本 engine version', rep.engineVersion],
    ['规则 rule', rep.rule],
    ['按比例基数 base', rep.proportionalBase],
    ['未冻结部分承担 unfrozen charge', report.parameters.unfrozenCharge],
    ['取整 rounding', report.parameters.rounding],
    ['每条脚注路径上限 paths per note', String(report.parameters.pathsPerFootnote)],
    ['无法区分的账户 untraceable', report.parameters.untraceable.join(', ')],
    ['复现命令 command', rep.command],
    ['生成时间 generated at', report.generatedAt],
  ];
  for (const [k, v] of kv) ps.addRow([k, v]);
  ps.addRow([]);
  ps.addRow(['数据来源 sources', '', '']).font = { bold: true };
  for (const src of rep.sources) ps.addRow([src.kind, src.ref, src.sha256]);
  ps.addRow([]);
  // A cell holds at most 32,767 characters: long inputs continue on the next rows (join column B).
  const text = JSON.stringify(rep.inputs);
  for (let at = 0, part = 1; at < text.length; at += 30000, part++)
    ps.addRow([`inputs.json（复现输入 --inputs）第 ${part} 段`, text.slice(at, at + 30000)]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
