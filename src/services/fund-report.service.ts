/**
 * The fund analysis report of a case (issue 5): the case ledger (with linked cases), what is
 * frozen (case_account rows in state 'frozen', summed by account over the linked cases), the
 * victims with their names and losses (case_victim, case_payment) → the pure report model →
 * JSON, PDF or XLSX. Each export is audited ('case.report-export') with the format and the
 * ledger fingerprint, so a report on file can be matched to the data it was computed from.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import {
  buildFundReport,
  type FundReport,
  FundReportError,
  fundReportJson,
  ledgerFingerprint,
  type ReportSource,
} from '../engines/fund-report/index.js';
import { RestitutionError } from '../engines/restitution/index.js';
import { canonicalJson, LedgerError, TRACE_RULES, type TraceRule } from '../engines/tracing/index.js';
import type { Database } from '../storage/schema.js';
import type { Actor } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import { accountKey, exportCaseLedger, type LedgerDocument, victimKey } from './case-ledger.js';
import type { CaseService } from './case.service.js';
import { renderFundReportPdf, renderFundReportXlsx } from './fund-report/index.js';

export const REPORT_FORMATS = ['json', 'pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportExport {
  report: FundReport;
  format: ReportFormat;
  /** canonical JSON text (the CLI's bytes) for json, the file for pdf and xlsx */
  body: string | Buffer;
  contentType: string;
  /** ASCII file name and its Chinese form (for filename*) */
  filename: string;
  filenameZh: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One source per origin of the ledger's transfers (statement batch, detail query…), fingerprinted. */
function transferSources(ledger: LedgerDocument): ReportSource[] {
  const bySource = new Map<string, LedgerDocument['transfers']>();
  for (const t of ledger.transfers) {
    const list = bySource.get(t.source) ?? [];
    list.push(t);
    bySource.set(t.source, list);
  }
  return [...bySource.keys()].sort().map((source) => {
    const colon = source.indexOf(':');
    return {
      kind: colon < 0 ? source : source.slice(0, colon),
      ref: colon < 0 ? '' : source.slice(colon + 1),
      sha256: sha256(canonicalJson(bySource.get(source))),
    };
  });
}

export class FundReportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly cases: CaseService,
    private readonly clock: Clock,
  ) {}

  async export(
    actor: Actor,
    caseId: number,
    options: { rule: string; format: string; base: string },
  ): Promise<ReportExport> {
    const detail = await this.cases.get(actor, caseId); // permission cases.read and unit scope
    const { rule, format, base } = options;
    if (!(TRACE_RULES as readonly string[]).includes(rule))
      throw new LeveeError(
        'LEVEE_VALIDATION',
        `rule must be one of ${TRACE_RULES.join(', ')}, got "${rule}"`,
        {
          field: 'rule',
        },
      );
    if (!(REPORT_FORMATS as readonly string[]).includes(format))
      throw new LeveeError('LEVEE_VALIDATION', `format must be json, pdf or xlsx, got "${format}"`, {
        field: 'format',
      });
    if (base !== 'loss' && base !== 'traced')
      throw new LeveeError('LEVEE_VALIDATION', `base must be loss or traced, got "${base}"`, {
        field: 'base',
      });

    const { document, caseIds } = await exportCaseLedger(this.db, caseId);
    const [cases, victims, payments, frozenRows] = await Promise.all([
      this.db
        .selectFrom('fraud_case')
        .select(['id', 'case_no'])
        .where('id', 'in', caseIds)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('case_victim')
        .select(['id', 'name'])
        .where('case_id', 'in', caseIds)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('case_payment')
        .select(['victim_id', 'amount'])
        .where('case_id', 'in', caseIds)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('case_account')
        .select(['institution_code', 'account', 'frozen_amount'])
        .where('case_id', 'in', caseIds)
        .where('state', '=', 'frozen')
        .orderBy('id')
        .execute(),
    ]);
    const losses = new Map<number, number>();
    for (const p of payments) losses.set(p.victim_id, (losses.get(p.victim_id) ?? 0) + Number(p.amount));
    const frozen: Record<string, number> = {};
    for (const a of frozenRows) {
      const key = accountKey(a.institution_code, a.account);
      frozen[key] = (frozen[key] ?? 0) + Number(a.frozen_amount);
    }
    const victimList = victims.map((v) => ({
      id: victimKey(v.id),
      name: v.name,
      loss: losses.get(v.id) ?? 0,
    }));
    const ledgerSha256 = ledgerFingerprint(document);
    const sources: ReportSource[] = [
      { kind: 'case-ledger', ref: `levee cases ${caseIds.join(',')}`, sha256: ledgerSha256 },
      ...transferSources(document),
      { kind: 'case-freezes', ref: 'case_account state=frozen', sha256: sha256(canonicalJson(frozen)) },
      { kind: 'case-victims', ref: 'case_victim, case_payment', sha256: sha256(canonicalJson(victimList)) },
    ];

    let report: FundReport;
    try {
      report = buildFundReport({
        ledger: document,
        rule: rule as TraceRule,
        frozen,
        victims: victimList,
        caseNos: cases.map((c) => c.case_no),
        sources,
        generatedAt: this.clock.now().toISOString(),
        proportionalBase: base,
      });
    } catch (error) {
      if (
        error instanceof FundReportError ||
        error instanceof LedgerError ||
        error instanceof RestitutionError
      )
        throw new LeveeError('LEVEE_VALIDATION', `the case data cannot be reported: ${error.message}`);
      throw error;
    }
    const f = format as ReportFormat;
    const body =
      f === 'pdf'
        ? await renderFundReportPdf(report)
        : f === 'xlsx'
          ? await renderFundReportXlsx(report)
          : fundReportJson(report);

    await this.db
      .transaction()
      .execute((trx) =>
        this.audit.record(
          trx,
          actorEntry(
            actor,
            'case.report-export',
            { type: 'case', id: caseId },
            { detail: { format: f, rule, base, ledgerSha256, cases: caseIds } },
          ),
        ),
      );
    const caseNo = (detail.case.case_no as string).replace(/[^A-Za-z0-9_-]/g, '_');
    return {
      report,
      format: f,
      body,
      contentType: CONTENT_TYPES[f],
      filename: `fund-report-${caseNo}-${rule}.${f}`,
      filenameZh: `资金分析报告-${caseNo}-${rule}.${f}`,
    };
  }
}
