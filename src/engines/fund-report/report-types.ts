/** Shapes of the fund analysis report, levee.fund-report/1 (docs/fund-report.md). */
import type { ProportionalBase, ReturnBasis } from '../restitution/index.js';
import type { PartyRole, TraceRule } from '../tracing/index.js';

export const FUND_REPORT_FORMAT = 'levee.fund-report/1';

/** Version of the engines whose figures the report carries; bumped when a figure could change. */
export const ENGINE_VERSION = '0.1.0';

export interface ReportSource {
  /** what the data is: case-ledger, statement, detail-query, simulator… */
  kind: string;
  /** where it came from: a case number, a file name, a request id */
  ref: string;
  /** SHA-256 (hex) of the source as received */
  sha256: string;
}

export interface ReportVictimInput {
  /** the victim's party id in the ledger */
  id: string;
  name: string;
  /** declared loss, fen: the ceiling of what the victim can get back */
  loss: number;
}

export interface FundReportInput {
  /** a levee.ledger/1 document (parsed JSON) */
  ledger: unknown;
  rule: TraceRule;
  /** what is actually frozen per account, fen (may be below the account's balance) */
  frozen: Record<string, number>;
  /** victims with names and losses; victims of the ledger not listed get their id and what they sent */
  victims?: ReportVictimInput[];
  caseNos: string[];
  sources: ReportSource[];
  /** ISO time the report states it was made; the only clock the report sees */
  generatedAt: string;
  proportionalBase: ProportionalBase;
  /** accounts whose deposits cannot be told apart: everything frozen there goes by Art. 8(3) */
  untraceable?: string[];
  /** paths listed per footnote (default 20); the rest is counted, not listed */
  pathsPerFootnote?: number;
}

/** Everything a report is computed from except the ledger itself (the CLI's --inputs file). */
export interface ReportInputs {
  rule: TraceRule;
  proportionalBase: ProportionalBase;
  frozen: Record<string, number>;
  victims: ReportVictimInput[];
  untraceable: string[];
  caseNos: string[];
  sources: ReportSource[];
  generatedAt: string;
  pathsPerFootnote: number;
}

/** A figure under the chosen rule, its footnote, and the same figure under every rule. */
export interface Figure {
  amount: number;
  /** footnote ids behind the figure */
  notes: number[];
  byRule: Record<TraceRule, number>;
}

export interface VictimAccountRow extends Figure {
  account: string;
}

export interface VictimSinkRow extends Figure {
  account: string;
  sink: string;
}

export interface VictimReport {
  id: string;
  name: string;
  loss: number;
  /** what the ledger shows the victim paid in */
  sent: number;
  /** loss not seen in the ledger (a gap in the records), 0 if none */
  notInLedger: number;
  located: VictimAccountRow[];
  frozen: VictimAccountRow[];
  sinks: VictimSinkRow[];
  totals: {
    located: Figure;
    frozen: Figure;
    sinks: Figure;
    /** proposed returns (Art. 8) */
    proposedReturn: {
      amount: number;
      direct: number;
      proportional: number;
      byRule: Record<TraceRule, number>;
    };
  };
}

export interface AccountOriginRow extends Figure {
  origin: string;
  role: PartyRole;
  /** the part of this origin's money inside the frozen amount (under the chosen rule) */
  frozen: number;
  frozenByRule: Record<TraceRule, number>;
}

export interface AccountReport {
  id: string;
  institution?: string;
  number?: string;
  holder?: string;
  /** sink kind (cash, merchant, exchange…) when the account is a sink */
  sink?: string;
  balance: number;
  frozen: number;
  /** frozen beyond the balance the ledger explains (records incomplete); stays frozen, not attributed */
  frozenBeyondTrace: number;
  untraceable: boolean;
  origins: AccountOriginRow[];
}

export interface ReportReturn {
  victim: string;
  amount: number;
  basis: ReturnBasis;
  notes: number[];
}

export interface ProposalAccount {
  account: string;
  frozen: number;
  /** frozen money the trace explains (frozen, capped at the balance) */
  traced: number;
  attributed: Record<string, number>;
  untraceable: boolean;
  /** weights of the proportional share (loss or traced inflow), when there is one */
  weights?: Record<string, number>;
  returns: ReportReturn[];
  proportional: boolean;
  publicNoticeDays: number;
  /** the public notice text (Chinese), present only when part of the return is proportional */
  publicNotice?: string;
  /** stays frozen: own, third-party money, what exceeds the losses, frozen beyond the trace */
  remaining: number;
}

export interface ReturnProposal {
  method: 'art8-2016';
  rule: TraceRule;
  base: ProportionalBase;
  unfrozenCharge: 'non-claimants-first';
  accounts: ProposalAccount[];
  totals: Record<string, number>;
  direct: number;
  proportional: number;
  remaining: number;
  publicNoticeRequired: boolean;
}

/** One hop of a path: the transfer (see `FundReport.transfers`) and how much of the origin it carried. */
export interface FootnoteHop {
  transfer: string;
  carried: number;
}

/** A transfer cited by a footnote, as the ledger has it. */
export interface ReportTransfer {
  from: string;
  to: string;
  time: string;
  amount: number;
}

export interface Footnote {
  id: number;
  account: string;
  origin: string;
  amount: number;
  pathCount: number;
  paths: { amount: number; hops: FootnoteHop[] }[];
  /** paths not listed (the cap), and the money they carry */
  omitted: { paths: number; amount: number };
}

export interface SummaryFigure {
  amount: number;
  byRule: Record<TraceRule, number>;
}

export interface FundReport {
  format: typeof FUND_REPORT_FORMAT;
  generatedAt: string;
  caseNos: string[];
  currency: string;
  rule: TraceRule;
  rules: TraceRule[];
  parameters: {
    rule: TraceRule;
    proportionalBase: ProportionalBase;
    unfrozenCharge: 'non-claimants-first';
    rounding: 'largest-remainder, ties to the smaller id';
    pathsPerFootnote: number;
    untraceable: string[];
  };
  summary: {
    victims: number;
    accounts: number;
    transfers: number;
    loss: number;
    sent: number;
    notInLedger: number;
    located: SummaryFigure;
    lostToSinks: SummaryFigure;
    frozen: number;
    frozenVictimMoney: SummaryFigure;
    frozenBeyondTrace: number;
    gaps: { count: number; amount: number };
    proposedReturn: SummaryFigure;
    proposedDirect: number;
    proposedProportional: number;
    remainingFrozen: number;
    publicNoticeRequired: boolean;
  };
  victims: VictimReport[];
  accounts: AccountReport[];
  gaps: { account: string; transfer: string; amount: number }[];
  returnProposal: ReturnProposal;
  footnotes: Footnote[];
  /** every transfer a footnote cites, by id (listed once, however many paths pass through it) */
  transfers: Record<string, ReportTransfer>;
  reproducibility: {
    ledgerSha256: string;
    ledgerCanonicalization: 'levee canonical JSON (keys sorted by code unit, 1-space indent, final newline)';
    engine: string;
    engineVersion: string;
    rule: TraceRule;
    proportionalBase: ProportionalBase;
    sources: ReportSource[];
    /** the command that recomputes the report from the ledger file and `inputs` saved as a file */
    command: string;
    /** everything but the ledger: saved as JSON it is the --inputs file of `levee report` */
    inputs: ReportInputs;
  };
}
