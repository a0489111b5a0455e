/**
 * Table types for Kysely. Portable column types only: integers, text, ISO-8601 UTC timestamps
 * stored as text (sortable, identical on SQLite and PostgreSQL), booleans as 0/1 integers.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type UnitKind = 'city' | 'district' | 'station' | 'community' | 'bank' | 'payment';

export interface UnitTable {
  id: Generated<number>;
  parent_id: number | null;
  kind: UnitKind;
  code: string;
  name: string;
  name_en: string;
  /** Materialised path of ids, e.g. "/1/4/9/": a subtree is a prefix match. */
  path: string;
  depth: number;
  created_at: string;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: string;
  unit_id: number;
  password_hash: string;
  must_change_password: number;
  is_demo: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  /** sha256 of the cookie token: a stolen database does not hand out live sessions. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string;
  user_agent: string;
}

export interface LoginThrottleTable {
  username: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  username: string;
  unit_id: number | null;
  action: string;
  target_type: string;
  target_id: string;
  ip: string;
  reason: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_id: number;
  last_hash: string;
}

export interface PersonTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  id_number: string;
  phone: string;
  bank_card: string;
  category: 'victim' | 'at_risk' | 'suspect';
  created_by: number | null;
  created_at: ColumnType<string, string, never>;
}

export interface Database extends CaseTables, CaseLedgerTables, GatewayTables, StatementTables {
  unit: UnitTable;
  app_user: UserTable;
  session: SessionTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  person: PersonTable;
}

export type UnitRow = Selectable<UnitTable>;
export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
export type PersonRow = Selectable<PersonTable>;

export interface FraudCaseTable {
  id: Generated<number>;
  case_no: string;
  unit_id: number;
  scam_type: string;
  narrative: string;
  status: 'open' | 'closed';
  automation: 'running' | 'paused';
  loss_total: number;
  reported_at: string;
  created_by: number;
  created_at: string;
}

export interface CaseVictimTable {
  id: Generated<number>;
  case_id: number;
  name: string;
  id_number: string;
  phone: string;
  address: string;
  unit_id: number;
}

export interface CasePaymentTable {
  id: Generated<number>;
  case_id: number;
  victim_id: number;
  paid_at: string;
  amount: number;
  channel: string;
  institution_code: string;
  account: string;
  account_name: string;
  from_account: string;
  fingerprint: string;
}

export interface CaseArtefactTable {
  id: Generated<number>;
  case_id: number;
  kind: string;
  value: string;
  normalized: string;
  flags: string;
}

export interface CaseWarningTable {
  id: Generated<number>;
  case_id: number;
  field: string;
  code: string;
  message: string;
}

export interface CaseReportTable {
  id: Generated<number>;
  case_id: number;
  duplicate: number;
  body: string;
  created_by: number;
  created_at: string;
}

export interface CaseEventTable {
  id: Generated<number>;
  case_id: number;
  at: string;
  kind: string;
  actor: string;
  summary: string;
  detail: string;
}

export interface CaseLinkTable {
  case_id: number;
  linked_case_id: number;
  reason: string;
  created_at: string;
}

export interface CaseTables {
  fraud_case: FraudCaseTable;
  case_victim: CaseVictimTable;
  case_payment: CasePaymentTable;
  case_artefact: CaseArtefactTable;
  case_warning: CaseWarningTable;
  case_report: CaseReportTable;
  case_event: CaseEventTable;
  case_link: CaseLinkTable;
  case_task: CaseTaskTable;
}

export interface CaseTaskTable {
  id: Generated<number>;
  case_id: number;
  kind: string;
  title: string;
  instructions: string;
  assignee_unit_id: number;
  status: 'open' | 'accepted' | 'done' | 'declined' | 'cancelled';
  due_at: string;
  created_by: number;
  created_at: string;
  accepted_by: number | null;
  accepted_at: string | null;
  finished_by: number | null;
  finished_at: string | null;
  outcome: ColumnType<string, string | undefined, string>;
  updated_at: string;
}

export type CaseTaskRow = Selectable<CaseTaskTable>;
export type FraudCaseRow = Selectable<FraudCaseTable>;
export type CasePaymentRow = Selectable<CasePaymentTable>;

export interface CaseAccountTable {
  id: Generated<number>;
  case_id: number;
  institution_code: string;
  account: string;
  holder_name: string;
  level: number;
  state: string;
  sink: string | null;
  opening: ColumnType<number, number | undefined, number>;
  balance: number | null;
  frozen_amount: ColumnType<number, number | undefined, number>;
  note: ColumnType<string, string | undefined, string>;
  freeze_confirmed: ColumnType<number, number | undefined, number>;
  first_seen_at: string;
  updated_at: string;
}

export interface CaseTransferTable {
  id: Generated<number>;
  case_id: number;
  source: string;
  source_ref: string;
  from_key: string;
  to_key: string;
  amount: number;
  at: string;
  channel: string;
  serial: string;
  counterparty_name: string;
  fingerprint: string;
  withdrawn: number;
  created_at: string;
}

export interface CasePartyTable {
  case_id: number;
  key: string;
  role: string;
  label: string;
}

export interface CaseLedgerTables {
  case_account: CaseAccountTable;
  case_transfer: CaseTransferTable;
  case_party: CasePartyTable;
}

export type CaseAccountRow = Selectable<CaseAccountTable>;
export type CaseTransferRow = Selectable<CaseTransferTable>;

export interface GatewayIdentityTable {
  id: number;
  key_id: string;
  public_key: string;
  private_key: string;
  updated_at: string;
}

export interface InstitutionEndpointTable {
  institution_code: string;
  base_url: string;
  public_key: string;
  timeout_ms: number;
  rate_per_second: number;
  enabled: number;
  updated_at: string;
  updated_by: string;
}

export type GatewayState = 'queued' | 'sent' | 'acknowledged' | 'executed' | 'failed' | 'expired' | 'dead';

export interface GatewayRequestTable {
  id: Generated<number>;
  request_id: string;
  case_id: number | null;
  institution_code: string;
  type: string;
  account: string | null;
  amount: number | null;
  body: string;
  reason: string;
  created_by: string;
  state: GatewayState;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  dispatched_by: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: string | null;
  result: string | null;
  feedback: string | null;
  held_amount: number | null;
  deadline_at: string | null;
  renews_request_id: string | null;
  created_at: string;
  sent_at: string | null;
  acked_at: string | null;
  executed_at: string | null;
  updated_at: string;
}

export interface GatewayFeedbackTable {
  id: Generated<number>;
  feedback_id: string;
  request_id: string;
  institution_code: string;
  seq: number;
  type: string;
  result: string;
  /** The feedback's JSON; NULL when it is its request's answer, stored in gateway_request.feedback. */
  body: string | null;
  received_at: string;
  via: string;
}

export interface GatewayAlarmTable {
  id: Generated<number>;
  request_id: string;
  case_id: number | null;
  kind: string;
  message: string;
  created_at: string;
  cleared_at: string | null;
}

export interface GatewayTables {
  gateway_identity: GatewayIdentityTable;
  institution_endpoint: InstitutionEndpointTable;
  gateway_request: GatewayRequestTable;
  gateway_feedback: GatewayFeedbackTable;
  gateway_alarm: GatewayAlarmTable;
}

export type GatewayRequestRow = Selectable<GatewayRequestTable>;

export interface StatementBatchTable {
  id: Generated<number>;
  case_id: number;
  file_name: string;
  file_sha256: string;
  stored_path: string;
  size: number;
  format: string;
  encoding: string;
  /** JSON: preset asked for, explicit mapping, and per sheet the preset and columns used. */
  mapping: string;
  institution_code: string;
  account: string;
  holder_name: string;
  row_count: number;
  transfer_count: number;
  duplicate_count: number;
  /** JSON: the engine's reconciliation result. */
  reconciliation: string;
  accepted_unreconciled: number;
  opening_set: number;
  state: 'active' | 'withdrawn';
  created_by: number | null;
  created_by_name: string;
  created_at: string;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
}

export interface StatementBatchDuplicateTable {
  batch_id: number;
  fingerprint: string;
}

export interface StatementMappingTable {
  fingerprint: string;
  mapping: string;
  source: string;
  updated_by: string;
  updated_at: string;
}

export interface StatementTables {
  statement_batch: StatementBatchTable;
  statement_batch_duplicate: StatementBatchDuplicateTable;
  statement_mapping: StatementMappingTable;
}

export type StatementBatchRow = Selectable<StatementBatchTable>;
