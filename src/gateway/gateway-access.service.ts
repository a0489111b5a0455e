/**
 * The gateway as users see it: police see the requests of cases in their unit's subtree; an
 * institution's liaison sees exactly the requests addressed to that institution; administrators
 * manage endpoints and keys. Permission first, then scope, then the work (and its audit row).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import { findCase } from '../repositories/case.repository.js';
import { findRequestById } from '../repositories/gateway.repository.js';
import { findUnit } from '../repositories/unit.repository.js';
import { type Actor, requirePermission, requireScope } from '../services/access-policy.js';
import { type AuditService, actorEntry } from '../services/audit.service.js';
import type { CaseEvents } from '../services/case-events.js';
import type { Database, GatewayRequestRow, GatewayState } from '../storage/schema.js';
import type { GatewayService, RequestDraft } from './gateway.service.js';

export class GatewayAccessService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly gateway: GatewayService,
    private readonly audit: AuditService,
    private readonly events: CaseEvents,
    private readonly clock: Clock,
  ) {}

  async list(
    actor: Actor,
    filter: {
      caseId?: number | undefined;
      institution?: string | undefined;
      state?: GatewayState | undefined;
      limit?: number | undefined;
      beforeId?: number | undefined;
    },
  ) {
    requirePermission(actor, 'gateway.read');
    const scope = await this.scopeOf(actor);
    if (filter.caseId !== undefined) await this.caseInScope(actor, filter.caseId);
    if (scope.institution && filter.institution && filter.institution !== scope.institution) {
      throw new LeveeError(
        'LEVEE_OUT_OF_SCOPE',
        `requests to ${filter.institution} are outside your institution`,
      );
    }
    return this.gateway.requestsOf({
      caseId: filter.caseId,
      institution: scope.institution ?? filter.institution,
      unitPath: scope.institution ? undefined : actor.unitPath,
      states: filter.state ? [filter.state] : undefined,
      limit: filter.limit ?? 100,
      beforeId: filter.beforeId,
    });
  }

  async get(actor: Actor, id: number): Promise<GatewayRequestRow> {
    requirePermission(actor, 'gateway.read');
    const row = await findRequestById(this.db, id);
    if (!row) throw new LeveeError('LEVEE_NOT_FOUND', `no request ${id}`);
    await this.requireRequestScope(actor, row);
    return row;
  }

  /** Send a request by hand (a holder query, an all-accounts query, a release …) for a case in scope. */
  async create(
    actor: Actor,
    input: { caseId: number; institution: string; draft: RequestDraft; reason: string },
  ) {
    requirePermission(actor, 'gateway.write');
    await this.caseInScope(actor, input.caseId);
    const created = await this.db.transaction().execute(async (trx) => {
      const result = await this.gateway.enqueue(trx, {
        caseId: input.caseId,
        institution: input.institution,
        draft: input.draft,
        reason: input.reason,
        createdBy: actor.username,
      });
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          `gateway.${input.draft.type}`,
          { type: 'gateway-request', id: result.requestId },
          { reason: input.reason, detail: { caseId: input.caseId, institution: input.institution } },
        ),
      );
      await trx
        .insertInto('case_event')
        .values({
          case_id: input.caseId,
          at: this.clock.now().toISOString(),
          kind: 'request.manual',
          actor: actor.username,
          summary: `手动发起 ${input.draft.type} → ${input.institution}：${input.reason}`,
          detail: JSON.stringify({ requestId: result.requestId }),
        })
        .execute();
      return result;
    });
    this.gateway.kick([created.id]);
    this.events.publish(input.caseId, 'requests', 'timeline');
    return (await findRequestById(this.db, created.id))!;
  }

  /** One-click renewal of a stop-payment (another 48 h) or extension of a freeze (another term). */
  async renew(actor: Actor, id: number, reason: string) {
    requirePermission(actor, 'gateway.write');
    const row = await this.get(actor, id);
    if (
      row.state !== 'executed' ||
      (row.type !== 'stop-payment' &&
        row.type !== 'freeze' &&
        row.type !== 'stop-payment-renewal' &&
        row.type !== 'freeze-extension')
    ) {
      throw new LeveeError(
        'LEVEE_VALIDATION',
        `request ${id} is a ${row.state} ${row.type}: only an executed stop-payment or freeze can be renewed`,
        { field: 'id' },
      );
    }
    const holdRequestId = row.renews_request_id ?? row.request_id;
    const draft: RequestDraft = row.type.startsWith('stop-payment')
      ? { type: 'stop-payment-renewal', holdRequestId }
      : { type: 'freeze-extension', holdRequestId };
    if (row.case_id === null)
      throw new LeveeError('LEVEE_VALIDATION', `request ${id} belongs to no case`, { field: 'id' });
    const created = await this.db.transaction().execute(async (trx) => {
      const result = await this.gateway.enqueue(trx, {
        caseId: row.case_id,
        institution: row.institution_code,
        draft,
        reason,
        createdBy: actor.username,
        renews: holdRequestId,
      });
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          `gateway.${draft.type}`,
          { type: 'gateway-request', id: result.requestId },
          { reason, detail: { renews: holdRequestId } },
        ),
      );
      return result;
    });
    this.gateway.kick([created.id]);
    if (row.case_id !== null) this.events.publish(row.case_id, 'requests', 'timeline');
    return (await findRequestById(this.db, created.id))!;
  }

  async endpoints(actor: Actor) {
    requirePermission(actor, 'gateway.admin');
    return this.gateway.listEndpoints();
  }

  async setEndpoint(
    actor: Actor,
    code: string,
    changes: {
      baseUrl?: string;
      publicKey?: string;
      timeoutMs?: number;
      ratePerSecond?: number;
      enabled?: boolean;
    },
  ) {
    requirePermission(actor, 'gateway.admin');
    const unit = await this.db
      .selectFrom('unit')
      .selectAll()
      .where('code', '=', code)
      .where('kind', 'in', ['bank', 'payment'])
      .executeTakeFirst();
    if (!unit) throw new LeveeError('LEVEE_NOT_FOUND', `no institution ${code}`);
    requireScope(actor, unit.path, `institution ${code}`);
    await this.gateway.setEndpoint(code, changes, actor.username);
    await this.db
      .transaction()
      .execute((trx) =>
        this.audit.record(
          trx,
          actorEntry(
            actor,
            'gateway.endpoint-update',
            { type: 'institution', id: code },
            { detail: { ...changes, publicKey: changes.publicKey ? '(changed)' : undefined } },
          ),
        ),
      );
    return (await this.gateway.listEndpoints()).find((e) => e.institution_code === code)!;
  }

  async alarms(actor: Actor) {
    requirePermission(actor, 'gateway.read');
    const scope = await this.scopeOf(actor);
    const rows = await this.db
      .selectFrom('gateway_alarm')
      .innerJoin('gateway_request', 'gateway_request.request_id', 'gateway_alarm.request_id')
      .leftJoin('fraud_case', 'fraud_case.id', 'gateway_alarm.case_id')
      .leftJoin('unit', 'unit.id', 'fraud_case.unit_id')
      .select([
        'gateway_alarm.id',
        'gateway_alarm.request_id',
        'gateway_alarm.case_id',
        'gateway_alarm.kind',
        'gateway_alarm.message',
        'gateway_alarm.created_at',
        'gateway_request.institution_code',
        'unit.path',
      ])
      .where('gateway_alarm.cleared_at', 'is', null)
      .orderBy('gateway_alarm.id', 'desc')
      .limit(200)
      .execute();
    return rows.filter((r) =>
      scope.institution ? r.institution_code === scope.institution : r.path?.startsWith(actor.unitPath),
    );
  }

  private async scopeOf(actor: Actor): Promise<{ institution?: string }> {
    if (actor.role !== 'institution_liaison') return {};
    const unit = await findUnit(this.db, actor.unitId);
    return { institution: unit!.code };
  }

  private async caseInScope(actor: Actor, caseId: number) {
    const found = await findCase(this.db, caseId);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${caseId}`);
    if (actor.role === 'institution_liaison')
      throw new LeveeError('LEVEE_OUT_OF_SCOPE', `case ${caseId} is outside your institution`);
    requireScope(actor, found.unit_path, `case ${caseId}`);
    return found;
  }

  private async requireRequestScope(actor: Actor, row: GatewayRequestRow) {
    const scope = await this.scopeOf(actor);
    if (scope.institution) {
      if (row.institution_code !== scope.institution)
        throw new LeveeError('LEVEE_OUT_OF_SCOPE', `request ${row.id} is addressed to another institution`);
      return;
    }
    if (row.case_id === null) {
      if (actor.unitPath.split('/').length > 3)
        throw new LeveeError('LEVEE_OUT_OF_SCOPE', `request ${row.id} belongs to no case of your unit`);
      return;
    }
    await this.caseInScope(actor, row.case_id);
  }
}
