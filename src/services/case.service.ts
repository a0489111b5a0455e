/**
 * Cases (警情): intake of a victim's report — checked, de-duplicated, linked to other cases that
 * share receiving accounts — and reading cases within the caller's scope. What happens after a
 * case is saved (stop-payments, queries) subscribes through `onCaseSaved`.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import { maskIdNumber, maskPhone } from '../core/masking.js';
import {
  type CaseWithUnit,
  caseDetailRows,
  casesPayingInto,
  casesWithPaymentFingerprints,
  findCase,
  insertCase,
  insertEvent,
  insertPayments,
  linkCases,
  listCases,
  listEvents,
  listInstitutions,
} from '../repositories/case.repository.js';
import type { Db } from '../repositories/audit.repository.js';
import { findUnit } from '../repositories/unit.repository.js';
import type { Database } from '../storage/schema.js';
import { type Actor, can, requirePermission, requireScope } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import type { CaseEvents } from './case-events.js';
import { addLedgerTransfers, exportCaseLedger, victimKey } from './case-ledger.js';
import { checkIntake, type FieldIssue, type IntakeInput } from './intake-check.js';

export type CaseSavedListener = (caseId: number) => void | Promise<void>;

export interface IntakeResult {
  caseId: number;
  duplicate: boolean;
  knownPayments: number;
  newPayments: number;
  warnings: FieldIssue[];
  linkedCases: number[];
}

export function paymentFingerprint(
  idNumber: string,
  institution: string,
  account: string,
  amount: number,
  paidAtIso: string,
): string {
  return createHash('sha256')
    .update([idNumber, institution, account, amount, paidAtIso.slice(0, 16)].join('|'))
    .digest('hex');
}

export class CaseService {
  private readonly listeners: CaseSavedListener[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: CaseEvents,
  ) {}

  onCaseSaved(listener: CaseSavedListener): void {
    this.listeners.push(listener);
  }

  async intake(actor: Actor, input: IntakeInput): Promise<IntakeResult> {
    requirePermission(actor, 'cases.write');
    const unit = await findUnit(this.db, input.victim.unitId);
    if (!unit || !['city', 'district', 'station', 'community'].includes(unit.kind)) {
      throw new LeveeError('LEVEE_VALIDATION', `victim.unitId ${input.victim.unitId} is not a police unit`, {
        field: 'victim.unitId',
      });
    }
    requireScope(actor, unit.path, `unit ${unit.id}`);
    const institutions = new Set((await listInstitutions(this.db)).map((i) => i.code));
    const now = this.clock.now();
    const checked = checkIntake(input, institutions, now);
    if (checked.errors.length > 0) {
      const first = checked.errors[0]!;
      const more =
        checked.errors.length > 1
          ? ` (and ${checked.errors.length - 1} more problem${checked.errors.length > 2 ? 's' : ''})`
          : '';
      throw new LeveeError('LEVEE_VALIDATION', `${first.field}: ${first.message}${more}`, {
        field: first.field,
        extra: { errors: checked.errors.map(({ field, code, message }) => ({ field, code, message })) },
      });
    }
    // The fields used below, written out: `{ ...p, paidAt, fingerprint }` adds keys after a leading
    // spread, V8's slow path on Node 20 (~1.5 µs a key).
    const payments = input.payments.map((p, i) => {
      const { account, paidAt } = checked.payments[i]!;
      return {
        institution: p.institution,
        amount: p.amount,
        channel: p.channel,
        accountName: p.accountName,
        fromAccount: p.fromAccount,
        account,
        paidAt,
        fingerprint: paymentFingerprint(checked.victimIdNumber, p.institution, account, p.amount, paidAt),
      };
    });
    const nowIso = now.toISOString();
    const actorName = actor.username;

    const result = await this.db.transaction().execute(async (trx) => {
      const known = await casesWithPaymentFingerprints(
        trx,
        payments.map((p) => p.fingerprint),
      );
      const duplicateOf = known[0]?.case_id;
      const knownFingerprints = new Set(
        known.filter((k) => k.case_id === duplicateOf).map((k) => k.fingerprint),
      );
      const fresh = payments.filter((p) => !knownFingerprints.has(p.fingerprint));
      let caseId: number;
      let victimId: number;
      if (duplicateOf === undefined) {
        caseId = await insertCase(trx, {
          case_no: `PENDING-${nowIso}-${Math.random()}`,
          unit_id: unit.id,
          scam_type: input.scamType,
          narrative: input.narrative,
          status: 'open',
          automation: 'running',
          loss_total: 0,
          reported_at: input.reportedAt ? new Date(input.reportedAt).toISOString() : nowIso,
          created_by: actor.userId,
          created_at: nowIso,
        });
        const day = nowIso.slice(0, 10).replace(/-/g, '');
        await trx
          .updateTable('fraud_case')
          .set({ case_no: `${unit.code.split('-')[0]}-${day}-${String(caseId).padStart(6, '0')}` })
          .where('id', '=', caseId)
          .execute();
        victimId = (
          await trx
            .insertInto('case_victim')
            .values({
              case_id: caseId,
              name: input.victim.name,
              id_number: checked.victimIdNumber,
              phone: checked.victimPhone,
              address: input.victim.address,
              unit_id: unit.id,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        if (checked.artefacts.length > 0) {
          await trx
            .insertInto('case_artefact')
            .values(
              checked.artefacts.map((a) => ({
                case_id: caseId,
                kind: a.kind,
                value: a.value,
                normalized: a.normalized,
                flags: JSON.stringify(a.flags),
              })),
            )
            .execute();
        }
        await insertEvent(trx, {
          case_id: caseId,
          at: nowIso,
          kind: 'case.created',
          actor: actorName,
          summary: `报案录入 · ${payments.length} 笔转账`,
          detail: '{}',
        });
      } else {
        caseId = duplicateOf;
        const victim = await trx
          .selectFrom('case_victim')
          .select('id')
          .where('case_id', '=', caseId)
          .where('id_number', '=', checked.victimIdNumber)
          .executeTakeFirst();
        victimId =
          victim?.id ??
          (
            await trx
              .selectFrom('case_victim')
              .select('id')
              .where('case_id', '=', caseId)
              .orderBy('id')
              .executeTakeFirstOrThrow()
          ).id;
        await insertEvent(trx, {
          case_id: caseId,
          at: nowIso,
          kind: 'case.duplicate-report',
          actor: actorName,
          summary: `重复报案已合并：${knownFingerprints.size} 笔已知，${fresh.length} 笔新增`,
          detail: JSON.stringify({ known: knownFingerprints.size, added: fresh.length }),
        });
      }
      await insertPayments(
        trx,
        fresh.map((p) => ({
          case_id: caseId,
          victim_id: victimId,
          paid_at: p.paidAt,
          amount: p.amount,
          channel: p.channel,
          institution_code: p.institution,
          account: p.account,
          account_name: p.accountName,
          from_account: p.fromAccount ?? '',
          fingerprint: p.fingerprint,
        })),
      );
      const victimName = (
        await trx
          .selectFrom('case_victim')
          .select('name')
          .where('id', '=', victimId)
          .executeTakeFirstOrThrow()
      ).name;
      await addLedgerTransfers(
        trx,
        caseId,
        'intake',
        `report`,
        fresh.map((p) => ({
          from: { party: victimKey(victimId), role: 'victim' as const, label: victimName },
          to: { institution: p.institution, account: p.account, holder: p.accountName },
          amount: p.amount,
          at: p.paidAt,
          channel: p.channel,
        })),
        nowIso,
      );
      if (fresh.length > 0) {
        const total = await trx
          .selectFrom('case_payment')
          .select((eb) => eb.fn.sum<number>('amount').as('s'))
          .where('case_id', '=', caseId)
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('fraud_case')
          .set({ loss_total: Number(total.s) })
          .where('id', '=', caseId)
          .execute();
      }
      if (checked.warnings.length > 0) {
        await trx
          .insertInto('case_warning')
          .values(
            checked.warnings.map((w) => ({
              case_id: caseId,
              field: w.field,
              code: w.code,
              message: w.message,
            })),
          )
          .execute();
      }
      await trx
        .insertInto('case_report')
        .values({
          case_id: caseId,
          duplicate: duplicateOf === undefined ? 0 : 1,
          body: JSON.stringify(input),
          created_by: actor.userId,
          created_at: nowIso,
        })
        .execute();
      const linkedCases = await this.linkBySharedAccounts(
        trx,
        caseId,
        fresh.map((p) => ({ institution: p.institution, account: p.account })),
        nowIso,
        actorName,
      );
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          duplicateOf === undefined ? 'case.create' : 'case.duplicate-report',
          { type: 'case', id: caseId },
          { detail: { payments: fresh.length } },
        ),
      );
      return {
        caseId,
        duplicate: duplicateOf !== undefined,
        knownPayments: knownFingerprints.size,
        newPayments: fresh.length,
        warnings: checked.warnings,
        linkedCases,
      };
    });
    this.events.publish(result.caseId, 'timeline', 'graph');
    for (const linked of result.linkedCases) this.events.publish(linked, 'timeline', 'graph');
    if (result.newPayments > 0) for (const listener of this.listeners) await listener(result.caseId);
    return result;
  }

  /** Link this case with every other case whose victims paid into the same accounts. */
  async linkBySharedAccounts(
    trx: Db,
    caseId: number,
    accounts: { institution: string; account: string }[],
    at: string,
    actor: string,
  ): Promise<number[]> {
    const others = await casesPayingInto(trx, accounts, caseId);
    const linked: number[] = [];
    for (const other of others) {
      const reason = `shared account ${other.institution_code}:${other.account}`;
      if (await linkCases(trx, caseId, other.case_id, reason, at)) {
        linked.push(other.case_id);
        for (const [a, b] of [
          [caseId, other.case_id],
          [other.case_id, caseId],
        ] as const) {
          await insertEvent(trx, {
            case_id: a,
            at,
            kind: 'case.linked',
            actor,
            summary: `与案件 #${b} 串并：共同收款账户 ${other.account}`,
            detail: JSON.stringify({ caseId: b, reason }),
          });
        }
      }
    }
    return linked;
  }

  async list(
    actor: Actor,
    filter: {
      unitId?: number | undefined;
      status?: string | undefined;
      scamType?: string | undefined;
      q?: string | undefined;
      limit?: number | undefined;
      beforeId?: number | undefined;
    },
  ) {
    requirePermission(actor, 'cases.read');
    const unit = await findUnit(this.db, filter.unitId ?? actor.unitId);
    if (!unit) throw new LeveeError('LEVEE_NOT_FOUND', `no unit ${filter.unitId}`);
    requireScope(actor, unit.path, `unit ${unit.id}`);
    return listCases(this.db, {
      unitPath: unit.path,
      status: filter.status,
      scamType: filter.scamType,
      q: filter.q,
      limit: filter.limit ?? 50,
      beforeId: filter.beforeId,
    });
  }

  async get(actor: Actor, id: number) {
    const found = await this.inScope(actor, id);
    const rows = await caseDetailRows(this.db, id);
    return {
      case: found,
      victims: rows.victims.map((v) => ({
        ...v,
        id_number: maskIdNumber(v.id_number),
        phone: maskPhone(v.phone),
      })),
      payments: rows.payments,
      artefacts: rows.artefacts,
      warnings: rows.warnings,
      links: rows.links,
      reports: rows.reports,
    };
  }

  async timeline(actor: Actor, id: number, afterId = 0) {
    await this.inScope(actor, id);
    return listEvents(this.db, id, afterId);
  }

  async setAutomation(actor: Actor, id: number, state: 'running' | 'paused', reason: string) {
    requirePermission(actor, 'cases.write');
    const found = await this.inScope(actor, id);
    if (found.automation === state) return found;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('fraud_case').set({ automation: state }).where('id', '=', id).execute();
      const at = this.clock.now().toISOString();
      await insertEvent(trx, {
        case_id: id,
        at,
        kind: `automation.${state}`,
        actor: actor.username,
        summary: `${state === 'paused' ? '暂停' : '恢复'}自动处置：${reason}`,
        detail: JSON.stringify({ reason }),
      });
      await this.audit.record(
        trx,
        actorEntry(actor, `case.automation-${state}`, { type: 'case', id }, { reason }),
      );
    });
    this.events.publish(id, 'timeline');
    if (state === 'running') for (const listener of this.listeners) await listener(id);
    return (await findCase(this.db, id))!;
  }

  /** The case's ledger (with linked cases) as levee.ledger/1; an audited read of evidence. */
  async ledger(actor: Actor, id: number) {
    await this.inScope(actor, id);
    const result = await exportCaseLedger(this.db, id);
    await this.db
      .transaction()
      .execute((trx) =>
        this.audit.record(
          trx,
          actorEntry(
            actor,
            'case.ledger-export',
            { type: 'case', id },
            { detail: { cases: result.caseIds, transfers: result.document.transfers.length } },
          ),
        ),
      );
    return result;
  }

  async institutions() {
    return listInstitutions(this.db);
  }

  canWrite(actor: Actor): boolean {
    return can(actor, 'cases.write');
  }

  private async inScope(actor: Actor, id: number): Promise<CaseWithUnit> {
    requirePermission(actor, 'cases.read');
    const found = await findCase(this.db, id);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${id}`);
    requireScope(actor, found.unit_path, `case ${id}`);
    return found;
  }
}
