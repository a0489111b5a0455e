/**
 * What the analysts look at: the money-flow graph of a case (with its linked cases), the trace
 * under a chosen rule, and the four rules side by side. Computed from the case ledger on request
 * with the pure tracing engine; nothing here is stored, so a figure is always reproducible from
 * the ledger and the rule.
 */
import type { Kysely } from 'kysely';
import { LeveeError } from '../core/errors.js';
import {
  compileLedger,
  fastTrace,
  TRACE_RULES,
  type TraceDocument,
  type TraceRule,
} from '../engines/tracing/index.js';
import { poisonReach } from '../engines/tracing/poison.js';
import { ledgerRows } from '../repositories/case-ledger.repository.js';
import { findCase } from '../repositories/case.repository.js';
import type { Database } from '../storage/schema.js';
import { type Actor, requirePermission, requireScope } from './access-policy.js';
import { accountKey, exportCaseLedger, type LedgerDocument } from './case-ledger.js';

export interface CaseSnapshot {
  readonly caseIds: number[];
  readonly ledger: LedgerDocument;
  readonly accounts: Awaited<ReturnType<typeof ledgerRows>>['accounts'];
}

export function isTraceRule(value: string): value is TraceRule {
  return (TRACE_RULES as readonly string[]).includes(value);
}

/** Victims' money located in each account under a trace: the sum over victim origins. */
export function victimMoneyByAccount(ledger: LedgerDocument, doc: TraceDocument): Map<string, number> {
  const victims = new Set(ledger.parties.filter((p) => p.role === 'victim').map((p) => p.id));
  const out = new Map<string, number>();
  for (const [key, account] of Object.entries(doc.accounts)) {
    let sum = 0;
    for (const [origin, amount] of Object.entries(account.byOrigin)) if (victims.has(origin)) sum += amount;
    out.set(key, sum);
  }
  return out;
}

export class CaseAnalysisService {
  constructor(private readonly db: Kysely<Database>) {}

  async snapshot(caseId: number): Promise<CaseSnapshot> {
    const { document, caseIds } = await exportCaseLedger(this.db, caseId);
    const { accounts } = await ledgerRows(this.db, caseIds);
    return { caseIds, ledger: document, accounts };
  }

  /** Trace a snapshot under every rule (the engine is fast enough that one case never notices). */
  traceAll(snapshot: CaseSnapshot): Record<TraceRule, TraceDocument> {
    const compiled = compileLedger(snapshot.ledger);
    return Object.fromEntries(TRACE_RULES.map((rule) => [rule, fastTrace(compiled, rule)])) as Record<
      TraceRule,
      TraceDocument
    >;
  }

  async trace(actor: Actor, caseId: number, rule: string): Promise<TraceDocument> {
    await this.inScope(actor, caseId);
    if (!isTraceRule(rule))
      throw new LeveeError(
        'LEVEE_VALIDATION',
        `rule must be one of ${TRACE_RULES.join(', ')}, got "${rule}"`,
        { field: 'rule' },
      );
    const snapshot = await this.snapshot(caseId);
    return fastTrace(compileLedger(snapshot.ledger), rule);
  }

  async compare(actor: Actor, caseId: number) {
    await this.inScope(actor, caseId);
    const snapshot = await this.snapshot(caseId);
    const docs = this.traceAll(snapshot);
    const victims: Record<string, Record<string, { located: number; sinks: number }>> = {};
    const accounts: Record<string, Record<string, number>> = {};
    for (const rule of TRACE_RULES) {
      const doc = docs[rule];
      for (const [victim, v] of Object.entries(doc.victims)) {
        victims[victim] ??= {};
        victims[victim][rule] = { located: sum(v.located), sinks: sum(v.sinks) };
      }
      for (const [key, amount] of victimMoneyByAccount(snapshot.ledger, doc)) {
        accounts[key] ??= {};
        accounts[key][rule] = amount;
      }
    }
    return { rules: [...TRACE_RULES], victims, accounts };
  }

  async graph(actor: Actor, caseId: number, rule: string) {
    await this.inScope(actor, caseId);
    if (!isTraceRule(rule))
      throw new LeveeError(
        'LEVEE_VALIDATION',
        `rule must be one of ${TRACE_RULES.join(', ')}, got "${rule}"`,
        { field: 'rule' },
      );
    const snapshot = await this.snapshot(caseId);
    const compiled = compileLedger(snapshot.ledger);
    const doc = fastTrace(compiled, rule);
    const located = victimMoneyByAccount(snapshot.ledger, doc);
    const reached = new Set(poisonReach(compiled, rule).accounts.map((a) => a.account));
    const institutions = new Map(
      (
        await this.db
          .selectFrom('unit')
          .select(['code', 'name'])
          .where('kind', 'in', ['bank', 'payment'])
          .execute()
      ).map((u) => [u.code, u.name]),
    );
    const seen = new Set<string>();
    const accounts = [];
    for (const a of snapshot.accounts) {
      const key = accountKey(a.institution_code, a.account);
      if (seen.has(key)) continue;
      seen.add(key);
      accounts.push({
        key,
        institution: a.institution_code,
        institutionName: institutions.get(a.institution_code) ?? a.institution_code,
        account: a.account,
        holder: a.holder_name,
        level: a.level,
        state: a.state,
        sink: a.sink,
        balance: doc.accounts[key]?.balance ?? null,
        located: located.get(key) ?? 0,
        reached: reached.has(key),
        stopped: a.state === 'stop-paid' ? Number(a.frozen_amount) : 0,
        frozen: a.state === 'frozen' ? Number(a.frozen_amount) : 0,
      });
    }
    const victims = snapshot.ledger.parties
      .filter((p) => p.role === 'victim')
      .map((p) => ({ key: p.id, name: p.label ?? p.id, sent: doc.victims[p.id]?.sent ?? 0 }));
    const edges = snapshot.ledger.transfers.map((t) => ({
      id: t.id,
      from: t.from,
      to: t.to,
      amount: t.amount,
      time: t.time,
    }));
    return { rule, caseIds: snapshot.caseIds, victims, accounts, edges };
  }

  private async inScope(actor: Actor, caseId: number) {
    requirePermission(actor, 'cases.read');
    const found = await findCase(this.db, caseId);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${caseId}`);
    requireScope(actor, found.unit_path, `case ${caseId}`);
    return found;
  }
}

function sum(record: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(record)) s += v;
  return s;
}
