// Shapes of the HTTP API (its OpenAPI document is served at /api/docs). Where the server keeps a
// shape in src/contracts/ (TypeBox schemas and pure engine types), the console imports it as a
// type and nothing of the server's code reaches the browser; the rest is still written here.

import type { AccountState } from '../../../src/engines/disposal/policy.js';
import type { TraceRule } from '../../../src/engines/tracing/types.js';

export type UnitKind = 'city' | 'district' | 'station' | 'community' | 'bank' | 'payment';

export interface Unit {
  id: number;
  parentId: number | null;
  kind: UnitKind;
  code: string;
  name: string;
  nameEn: string;
  depth: number;
}

export type Role =
  | 'admin'
  | 'analyst'
  | 'duty_officer'
  | 'district_officer'
  | 'station_officer'
  | 'community_worker'
  | 'institution_liaison';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unit: Unit;
  mustChangePassword: boolean;
  permissions: string[];
  csrfToken: string;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

export type PersonCategory = 'victim' | 'at_risk' | 'suspect';

export interface Person {
  id: number;
  unitId: number;
  name: string;
  idNumber: string;
  phone: string;
  bankCard: string;
  category: PersonCategory;
  createdAt: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  unitId: number | null;
  action: string;
  target: string | null;
  ip: string | null;
  reason: string | null;
}

export interface Dashboard {
  unit: Unit;
  generatedAt: string;
  figures: {
    units: number;
    users: number;
    persons: number;
    personsByCategory: Record<PersonCategory, number>;
    auditEventsToday: number;
    loginsToday: number;
    /** for roles that may read cases; amounts in fen */
    cases?: { open: number; reportedToday: number; lossToday: number; frozen: number };
    /** for roles that may read tasks */
    tasks?: { active: number; overdue: number };
  };
  activity: { date: string; events: number }[];
  modules: { key: string; status: 'ready' | 'coming' }[];
}

export interface Items<T> {
  items: T[];
}

// ---- Cases (issue 5; notes/api-cases.md). Amounts are integer fen. ----

export interface ScamType {
  code: string;
  name: string;
  nameEn: string;
}

export interface Institution {
  code: string;
  name: string;
  nameEn: string;
  kind: 'bank' | 'payment' | string;
}

export type PaymentChannel =
  | 'bank-transfer'
  | 'mobile-banking'
  | 'alipay'
  | 'wechat'
  | 'atm'
  | 'counter'
  | 'other';

export type ArtefactKind = 'phone' | 'url' | 'app' | 'sms' | 'qr';

export interface CaseSummary {
  id: number;
  caseNo: string;
  unitId: number;
  unitName?: string;
  scamType: string;
  status: 'open' | 'closed' | string;
  automation: 'running' | 'paused' | string;
  lossTotal: number;
  reportedAt: string;
  createdAt: string;
  victimName?: string | null;
}

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

export interface IntakeBody {
  scamType: string;
  narrative: string;
  reportedAt?: string;
  victim: { name: string; idNumber: string; phone: string; address: string; unitId: number };
  payments: {
    time: string;
    amount: number;
    channel: PaymentChannel;
    institution: string;
    account: string;
    accountName: string;
    fromAccount?: string;
  }[];
  artefacts?: { kind: ArtefactKind; value: string }[];
}

export interface IntakeResult {
  case: CaseSummary;
  duplicate: boolean;
  knownPayments: number;
  newPayments: number;
  warnings: FieldIssue[];
  linkedCases: number[];
}

export interface CaseDetail {
  case: CaseSummary;
  narrative: string;
  victims: { id: number; name: string; idNumber: string; phone: string; address: string; unitId: number }[];
  payments: {
    id: number;
    victimId: number;
    time: string;
    amount: number;
    channel: string;
    institution: string;
    account: string;
    accountName: string;
  }[];
  artefacts: { id: number; kind: string; value: string; normalized: string; flags: string[] }[];
  warnings: FieldIssue[];
  links: { caseId: number; caseNo: string; reason: string }[];
  reports: { id: number; duplicate: boolean; createdAt: string }[];
}

export interface CaseEvent {
  id: number;
  at: string;
  kind: string;
  actor: string;
  summary: string;
  detail: unknown;
}

export type { TraceRule };

/** Tasks to units (docs/case-tasks.md): the server's own contract, imported as types only. */
export type {
  NewTaskBody as NewTask,
  TaskCounts,
  TaskDto as CaseTask,
  TaskKindDto as TaskKind,
} from '../../../src/contracts/tasks.js';
export type {
  DeadlineState as TaskDeadline,
  TaskAction,
  TaskStatus,
} from '../../../src/engines/case-task/lifecycle.js';

export type { AccountState };

export type SinkKind = 'cash' | 'merchant' | 'exchange' | 'out-of-scope';

export interface GraphAccount {
  key: string;
  institution: string;
  institutionName?: string;
  account: string;
  holder: string;
  level: number;
  state: AccountState | string;
  sink: SinkKind | string | null;
  balance: number | null;
  located: number;
  /** Victims' money reached the account under some rule (an unreached one is context only). */
  reached?: boolean;
  stopped: number;
  frozen: number;
}

export interface CaseGraph {
  victims: { key: string; name: string; sent: number }[];
  accounts: GraphAccount[];
  edges: { id: string; from: string; to: string; amount: number; time: string }[];
  rule: TraceRule | string;
  /** The case and its linked cases, whose ledgers the graph joins. */
  caseIds?: number[];
}

export interface TraceDocument {
  format?: string;
  rule: TraceRule | string;
  accounts: Record<string, { balance: number; byOrigin: Record<string, number> }>;
  victims: Record<string, { sent: number; located: Record<string, number>; sinks: Record<string, number> }>;
  gaps: { account: string; transfer: string; amount: number }[];
}

export interface TraceComparison {
  rules: TraceRule[];
  victims: Record<string, Partial<Record<TraceRule, { located: number; sinks: number }>>>;
  accounts: Record<string, Partial<Record<TraceRule, number>>>;
}

export type DisposalRequestState =
  | 'queued'
  | 'sent'
  | 'acknowledged'
  | 'executed'
  | 'failed'
  | 'expired'
  | 'dead';

export interface DisposalRequest {
  id: number;
  requestId: string;
  /** The case it was sent for (on the fund control page, which lists every case's requests). */
  caseId?: number | null;
  caseNo?: string | null;
  type: string;
  institution: string;
  account: string;
  amount: number | null;
  state: DisposalRequestState | string;
  attempts: number;
  reason: string;
  createdAt: string;
  sentAt: string | null;
  executedAt: string | null;
  deadlineAt: string | null;
  result: { heldAmount?: number; balance?: number } | null;
  /** The institution's execution result code, when the source gives it as text. */
  resultText?: string | null;
  lastError: string | null;
}

/** A row of GET /api/gateway/requests (the gateway's own view of the same requests). */
export interface GatewayRequest {
  id: number;
  requestId: string;
  caseId: number | null;
  caseNo: string | null;
  type: string;
  institution: string;
  account: string | null;
  amount: number | null;
  state: string;
  attempts: number;
  reason: string;
  createdBy: string;
  createdAt: string;
  sentAt: string | null;
  acknowledgedAt: string | null;
  executedAt: string | null;
  deadlineAt: string | null;
  heldAmount: number | null;
  result: string | null;
  lastError: string | null;
  renews: string | null;
}

/** An open alarm of the gateway: a request that gave up (dead letter) or was refused. */
export interface GatewayAlarm {
  id: number;
  requestId: string;
  caseId: number | null;
  kind: string;
  message: string;
  createdAt: string;
  institution: string;
}

/** An institution's endpoint as administrators manage it (GET /api/gateway/endpoints). */
export interface GatewayEndpoint {
  institution: string;
  baseUrl: string;
  publicKey: string;
  timeoutMs: number;
  ratePerSecond: number;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export type GatewayEndpointChanges = Partial<
  Pick<GatewayEndpoint, 'baseUrl' | 'publicKey' | 'timeoutMs' | 'ratePerSecond' | 'enabled'>
>;

// ---- The fund analysis report (levee.fund-report/1, docs/fund-report.md): the parts the console shows. ----

export interface ReportFigure {
  amount: number;
  notes?: number[];
  byRule: Partial<Record<TraceRule, number>>;
}

export interface FundReport {
  format: string;
  generatedAt: string;
  caseNos: string[];
  rule: TraceRule;
  rules: TraceRule[];
  summary: {
    victims: number;
    accounts: number;
    transfers: number;
    loss: number;
    sent: number;
    notInLedger: number;
    located: ReportFigure;
    lostToSinks: ReportFigure;
    frozen: number;
    frozenVictimMoney: ReportFigure;
    frozenBeyondTrace: number;
    gaps: { count: number; amount: number };
    proposedReturn: ReportFigure;
    proposedDirect: number;
    proposedProportional: number;
    remainingFrozen: number;
    publicNoticeRequired: boolean;
  };
  victims: {
    id: string;
    name: string;
    loss: number;
    sent: number;
    notInLedger: number;
    totals: {
      located: ReportFigure;
      frozen: ReportFigure;
      sinks: ReportFigure;
      proposedReturn: { amount: number; direct: number; proportional: number };
    };
  }[];
  accounts: {
    id: string;
    institution?: string;
    number?: string;
    holder?: string;
    sink?: string;
    balance: number;
    frozen: number;
    frozenBeyondTrace: number;
    untraceable: boolean;
    origins: { origin: string; role: string; amount: number; frozen: number }[];
  }[];
  returnProposal: {
    base: string;
    accounts: {
      account: string;
      frozen: number;
      traced: number;
      returns: { victim: string; amount: number; basis: string; notes: number[] }[];
      proportional: boolean;
      publicNoticeDays: number;
      publicNotice?: string;
      remaining: number;
    }[];
    totals: Record<string, number>;
    direct: number;
    proportional: number;
    remaining: number;
    publicNoticeRequired: boolean;
  };
  footnotes: unknown[];
  reproducibility: { ledgerSha256: string; engine: string; engineVersion: string; command: string };
}
