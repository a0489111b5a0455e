/** Reading the audit log: administrators only, within their unit, and the read is itself audited. */
import type { Kysely } from 'kysely';
import { listAudit } from '../repositories/audit.repository.js';
import type { Database } from '../storage/schema.js';
import { type Actor, requirePermission } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import type { DirectoryService } from './directory.service.js';

export class AuditQueryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly directory: DirectoryService,
  ) {}

  async list(
    actor: Actor,
    filter: { unitId?: number | undefined; limit?: number | undefined; beforeId?: number | undefined },
  ) {
    requirePermission(actor, 'audit.read');
    const unit = await this.directory.scopeUnit(actor, filter.unitId);
    const rows = await listAudit(this.db, {
      unitPath: unit.path,
      limit: filter.limit ?? 100,
      beforeId: filter.beforeId,
    });
    await this.db
      .transaction()
      .execute((trx) =>
        this.audit.record(
          trx,
          actorEntry(actor, 'audit.read', { type: 'unit', id: unit.id }, { detail: { rows: rows.length } }),
        ),
      );
    return rows;
  }
}
