/**
 * The fund analysis report as PDF: Chinese first, English in small type; every amount in yuan
 * printed from whole fen (`yuan`), every figure with its footnote number [n]; the footnotes list
 * the transfers behind each figure (at most `pathsPerFootnote` paths each, the rest counted).
 * Renders to a Buffer; the only file it reads is the font.
 */
import {
  BASE_LABEL,
  BASIS_LABEL,
  type FundReport,
  ROLE_LABEL,
  RULE_LABEL,
  yuan,
} from '../../engines/fund-report/index.js';
import type { TraceRule } from '../../engines/tracing/index.js';
import { type CjkFont, resolveCjkFont } from './cjk-font.js';
import { type Column, PdfLayout } from './pdf-layout.js';

export interface PdfOptions {
  font?: CjkFont;
  /** paths printed per footnote (the JSON keeps up to the report's own cap) */
  pathsPerFootnote?: number;
}

const notes = (ids: number[]): string => (ids.length === 0 ? '' : `[${ids.join(',')}]`);

function ruleColumns(report: FundReport): Column[] {
  return report.rules.map((r) => ({
    zh: RULE_LABEL[r].zh,
    en: r === report.rule ? `${r} (chosen)` : r,
    width: 62,
    align: 'right' as const,
  }));
}

function ruleCells(report: FundReport, byRule: Record<TraceRule, number>): string[] {
  return report.rules.map((r) => yuan(byRule[r]));
}

function sinkLabel(kind: string): string {
  const zh: Record<string, string> = { cash: '取现', merchant: '商户消费', exchange: '兑换/虚拟币' };
  return zh[kind] ? `${zh[kind]} ${kind}` : kind;
}

function accountName(report: FundReport, id: string): string {
  const a = report.accounts.find((x) => x.id === id);
  if (!a) return id;
  const who = [a.institution, a.holder].filter(Boolean).join(' ');
  return who ? `${id}\n${who}` : id;
}

export async function renderFundReportPdf(report: FundReport, options: PdfOptions = {}): Promise<Buffer> {
  const font = options.font ?? resolveCjkFont();
  const cap = options.pathsPerFootnote ?? 5;
  const rule = report.rule;
  const pdf = new PdfLayout(font, {
    title: `资金分析报告 ${report.caseNos.join(' ')}`,
    created: new Date(report.generatedAt),
  });
  const s = report.summary;

  pdf.title('资金分析报告', 'Fund analysis report');
  pdf.keyValues([
    { zh: '案件编号', en: 'Case no.', value: report.caseNos.join('、') || '—' },
    { zh: '生成时间', en: 'Generated at', value: report.generatedAt },
    {
      zh: '资金追踪规则',
      en: 'Tracing rule',
      value: `${RULE_LABEL[rule].zh}（${RULE_LABEL[rule].en}，${rule}）；其他规则的结果并列于后`,
    },
    {
      zh: '按比例返还基数',
      en: 'Proportional base',
      value: `${BASE_LABEL[report.parameters.proportionalBase].zh}（${report.parameters.proportionalBase}）`,
    },
    { zh: '账本指纹 SHA-256', en: 'Ledger fingerprint', value: report.reproducibility.ledgerSha256 },
    { zh: '引擎版本', en: 'Engine version', value: report.reproducibility.engineVersion },
    { zh: '金额单位', en: 'Amounts', value: `人民币元（${report.currency}），由整数分换算，无舍入` },
  ]);

  pdf.heading('一、摘要', 'Summary');
  const sumCols: Column[] = [
    { zh: '项目', en: 'Item', width: 150 },
    { zh: '本规则', en: rule, width: 70, align: 'right' },
    ...ruleColumns(report),
  ];
  const same = (x: number) => report.rules.map(() => yuan(x));
  pdf.table(sumCols, [
    [
      '受害人 / 账户 / 交易笔数\nvictims / accounts / transfers',
      `${s.victims} / ${s.accounts} / ${s.transfers}`,
      '',
      '',
      '',
      '',
    ],
    ['受害人申报损失合计\ndeclared loss', yuan(s.loss), ...same(s.loss)],
    ['账本所见受害人转出\nsent (in the ledger)', yuan(s.sent), ...same(s.sent)],
    ['账本未见的损失\nloss not in the ledger', yuan(s.notInLedger), ...same(s.notInLedger)],
    ['已查明在账资金\nlocated in accounts', yuan(s.located.amount), ...ruleCells(report, s.located.byRule)],
    [
      '流入去向终端（已流失）\nlost to sinks',
      yuan(s.lostToSinks.amount),
      ...ruleCells(report, s.lostToSinks.byRule),
    ],
    ['冻结金额合计\nfrozen', yuan(s.frozen), ...same(s.frozen)],
    [
      '其中受害人资金\nof which victims’ money',
      yuan(s.frozenVictimMoney.amount),
      ...ruleCells(report, s.frozenVictimMoney.byRule),
    ],
    ['冻结超出账本余额\nfrozen beyond the ledger', yuan(s.frozenBeyondTrace), ...same(s.frozenBeyondTrace)],
    [`记录缺口（${s.gaps.count} 处）\ngaps in the records`, yuan(s.gaps.amount), ...same(s.gaps.amount)],
    [
      '拟返还合计\nproposed return',
      yuan(s.proposedReturn.amount),
      ...ruleCells(report, s.proposedReturn.byRule),
    ],
    ['其中直接返还\ndirect (Art. 8(1)(2))', yuan(s.proposedDirect), '', '', '', ''],
    ['其中按比例返还\nproportional (Art. 8(3))', yuan(s.proposedProportional), '', '', '', ''],
    ['继续冻结\nstays frozen', yuan(s.remainingFrozen), '', '', '', ''],
  ]);
  if (s.publicNoticeRequired)
    pdf.paragraph('本方案含按比例返还部分，须经三十日公告无异议后方可返还，公告文本见第四部分。', {
      size: 9,
    });
  if (s.gaps.count > 0 || s.notInLedger > 0 || s.frozenBeyondTrace > 0)
    pdf.paragraph(
      '记录缺口：转出金额超过已知余额的部分记为“来源不明”（unknown:账户），不隐藏、不归属任何受害人；' +
        '申报损失中账本未见的部分，以及冻结金额超出账本余额的部分，均单列，不参与直接返还。',
      { size: 8, color: '#444' },
    );

  pdf.heading('二、受害人资金去向', 'Per victim: located, frozen, lost to sinks');
  const vCols: Column[] = [
    { zh: '类别', en: 'kind', width: 62 },
    { zh: '账户', en: 'account', width: 130 },
    { zh: '本规则', en: rule, width: 66, align: 'right' },
    ...ruleColumns(report),
    { zh: '注', en: 'notes', width: 40 },
  ];
  for (const v of report.victims) {
    pdf.heading(
      `受害人 ${v.name}（${v.id}）`,
      `loss ${yuan(v.loss)} · sent ${yuan(v.sent)}${v.notInLedger > 0 ? ` · not in ledger ${yuan(v.notInLedger)}` : ''}`,
      2,
    );
    const rows: string[][] = [];
    const bold: number[] = [];
    const push = (
      kind: string,
      account: string,
      f: { amount: number; byRule: Record<TraceRule, number>; notes: number[] },
    ) => rows.push([kind, account, yuan(f.amount), ...ruleCells(report, f.byRule), notes(f.notes)]);
    for (const r of v.located) push('在账 located', accountName(report, r.account), r);
    for (const r of v.frozen) push('已冻结 frozen', accountName(report, r.account), r);
    for (const r of v.sinks) push(`流失 ${sinkLabel(r.sink)}`, accountName(report, r.account), r);
    const total = (zh: string, en: string, f: { amount: number; byRule: Record<TraceRule, number> }) => {
      bold.push(rows.length);
      rows.push([zh, en, yuan(f.amount), ...ruleCells(report, f.byRule), '']);
    };
    total('在账合计', 'total located', v.totals.located);
    total('冻结合计', 'total frozen', v.totals.frozen);
    total('流失合计', 'total lost to sinks', v.totals.sinks);
    const ret = v.totals.proposedReturn;
    total('拟返还', `proposed return（直接 ${yuan(ret.direct)}，按比例 ${yuan(ret.proportional)}）`, ret);
    pdf.table(vCols, rows, { bold });
  }

  pdf.heading('三、账户资金构成', 'Per account: balance by origin under each rule');
  const aCols: Column[] = [
    { zh: '资金来源', en: 'origin', width: 92 },
    { zh: '类型', en: 'role', width: 46 },
    { zh: '本规则', en: rule, width: 62, align: 'right' },
    ...ruleColumns(report),
    { zh: '其中冻结', en: 'frozen part', width: 58, align: 'right' },
    { zh: '注', en: 'notes', width: 34 },
  ];
  const empty = report.accounts.filter((a) => a.origins.length === 0 && a.frozen === 0);
  for (const a of report.accounts) {
    if (a.origins.length === 0 && a.frozen === 0) continue;
    const who = [a.institution, a.number, a.holder].filter(Boolean).join(' ');
    pdf.heading(
      `账户 ${a.id}${a.sink ? `（去向终端：${sinkLabel(a.sink)}）` : ''}`,
      `${who ? `${who} · ` : ''}balance ${yuan(a.balance)} · frozen ${yuan(a.frozen)}${a.untraceable ? ' · deposits not traceable' : ''}`,
      2,
    );
    pdf.table(
      aCols,
      a.origins.map((o) => [
        o.origin,
        ROLE_LABEL[o.role].zh,
        yuan(o.amount),
        ...ruleCells(report, o.byRule),
        a.frozen > 0 ? yuan(o.frozen) : '',
        notes(o.notes),
      ]),
    );
    if (a.frozenBeyondTrace > 0)
      pdf.paragraph(`冻结金额超出账本所见余额 ${yuan(a.frozenBeyondTrace)} 元，来源待查，继续冻结。`, {
        size: 8,
      });
  }
  if (empty.length > 0)
    pdf.paragraph(`另有 ${empty.length} 个账户余额为零且未冻结：${empty.map((a) => a.id).join('、')}`, {
      size: 8,
      color: '#444',
    });

  pdf.heading('四、返还方案（2016年规定第八条）', 'Return proposal (2016 return rules, Art. 8)');
  const p = report.returnProposal;
  pdf.paragraph(
    `按“${RULE_LABEL[rule].zh}”规则追溯冻结资金来源。冻结不足账户余额的，未冻结部分先由非受害人资金（持卡人自有、来源不明）承担，` +
      '再按比例由各方承担。可追溯至受害人的资金直接返还（第八条第（一）（二）项）；来源不明或无法按时间区分的部分，' +
      `${BASE_LABEL[p.base].zh}返还（第八条第（三）项），须公告三十日。任何受害人所得不超过其剩余损失；持卡人自有及第三方资金继续冻结。`,
    { size: 8.5 },
  );
  if (p.accounts.length === 0) pdf.paragraph('本案暂无冻结资金。', { size: 9 });
  const rCols: Column[] = [
    { zh: '受害人', en: 'victim', width: 110 },
    { zh: '返还金额', en: 'amount', width: 80, align: 'right' },
    { zh: '依据', en: 'basis', width: 250 },
    { zh: '注', en: 'notes', width: 60 },
  ];
  const names = new Map(report.victims.map((v) => [v.id, v.name]));
  for (const a of p.accounts) {
    pdf.heading(
      `冻结账户 ${a.account}`,
      `frozen ${yuan(a.frozen)} · traced ${yuan(a.traced)} · stays frozen ${yuan(a.remaining)}${a.untraceable ? ' · deposits not traceable' : ''}`,
      2,
    );
    const rows = a.returns.map((r) => [
      `${names.get(r.victim) ?? r.victim}（${r.victim}）`,
      yuan(r.amount),
      `${BASIS_LABEL[r.basis].zh}\n${BASIS_LABEL[r.basis].en}`,
      notes(r.notes),
    ]);
    rows.push([
      '继续冻结 stays frozen',
      yuan(a.remaining),
      '持卡人自有、第三方资金、超出损失部分及账本未见部分',
      '',
    ]);
    pdf.table(rCols, rows, { bold: [rows.length - 1] });
    if (a.weights)
      pdf.paragraph(
        `按比例基数 weights：${Object.entries(a.weights)
          .map(([v, w]) => `${names.get(v) ?? v} ${yuan(w)}`)
          .join('；')}`,
        { size: 8, color: '#444' },
      );
    if (a.publicNotice) {
      pdf.boxed(a.publicNotice, 9, '公告文本（公告期三十日） Public notice (30 days):');
    }
  }

  pdf.heading('五、脚注：每个数字背后的交易', 'Footnotes: the transfers behind each figure');
  pdf.paragraph(
    `[n] 账户 ← 资金来源：金额。其下每行为一条路径：该笔资金依次经过的交易（交易号 付款方→收款方 时间，交易金额 / 其中该来源金额）。` +
      `每条脚注最多列出 ${cap} 条路径（JSON 中最多 ${report.parameters.pathsPerFootnote} 条），其余注明条数与金额。`,
    { size: 8, color: '#444' },
  );
  for (const n of report.footnotes) {
    const lines = [`[${n.id}] ${n.account} ← ${n.origin}：${yuan(n.amount)} 元（路径 ${n.pathCount} 条）`];
    const shown = n.paths.slice(0, cap);
    for (const path of shown)
      lines.push(
        `    ${yuan(path.amount)}：${path.hops
          .map((h) => {
            const t = report.transfers[h.transfer]!;
            return `${h.transfer} ${t.from}→${t.to} ${t.time}（${yuan(t.amount)} / ${yuan(h.carried)}）`;
          })
          .join(' ⇒ ')}`,
      );
    const moreCount = n.pathCount - shown.length;
    const moreAmount = n.amount - shown.reduce((x, q) => x + q.amount, 0);
    if (moreCount > 0)
      lines.push(`    另有 ${moreCount} 条路径，合计 ${yuan(moreAmount)} 元（见 JSON 报告 / 解释命令）`);
    if (n.paths.length === 0) lines.push('    （期初余额或来源不明，无转入交易）');
    pdf.paragraph(lines.join('\n'), { size: 7.5 });
  }
  if (report.gaps.length > 0) {
    pdf.heading('记录缺口', 'Gaps: debits beyond the known balance', 2);
    pdf.table(
      [
        { zh: '账户', en: 'account', width: 160 },
        { zh: '交易', en: 'transfer', width: 160 },
        { zh: '缺口金额', en: 'shortfall', width: 100, align: 'right' },
      ],
      report.gaps.map((g) => [g.account, g.transfer, yuan(g.amount)]),
    );
  }

  pdf.heading('六、数据来源与复现', 'Data sources and how to reproduce');
  const rep = report.reproducibility;
  pdf.keyValues([
    { zh: '账本指纹 SHA-256', en: 'Ledger SHA-256 (canonical JSON)', value: rep.ledgerSha256 },
    { zh: '规范化', en: 'Canonicalization', value: rep.ledgerCanonicalization },
    { zh: '引擎', en: 'Engine', value: `${rep.engine}，版本 ${rep.engineVersion}` },
    {
      zh: '规则与参数',
      en: 'Rule and parameters',
      value: `rule=${rep.rule} base=${rep.proportionalBase} unfrozenCharge=${report.parameters.unfrozenCharge} rounding=${report.parameters.rounding}`,
    },
    {
      zh: '无法区分的账户',
      en: 'Untraceable accounts',
      value: report.parameters.untraceable.join('、') || '—',
    },
    { zh: '复现命令', en: 'Reproduce', value: rep.command },
  ]);
  pdf.table(
    [
      { zh: '来源类型', en: 'kind', width: 90 },
      { zh: '来源', en: 'reference', width: 150 },
      { zh: 'SHA-256', en: 'fingerprint', width: 260 },
    ],
    rep.sources.map((x) => [x.kind, x.ref, x.sha256]),
    { size: 7 },
  );
  pdf.paragraph(
    '复现方法：导出本报告 JSON 的 reproducibility.inputs 为 inputs.json，与账本文件（其规范化 JSON 的 SHA-256 须与上列一致）一起运行上述命令，' +
      '得到逐字节相同的 JSON 报告。改用其他规则只需改 inputs.json 中的 rule。',
    { size: 8, color: '#444' },
  );

  return pdf.finish(
    `资金分析报告 ${report.caseNos.join(' ')} · ${rule} · ledger ${rep.ledgerSha256.slice(0, 12)}`,
  );
}
