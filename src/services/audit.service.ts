/**
 * The append-only, hash-chained audit log. Each row's hash covers its own fields and the previous
 * row's hash, so editing or deleting any row (or the tail) breaks the chain at a row `verify`
 * names. Rows are appended inside the caller's transaction: an action and its audit row commit or
 * fail together.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import {
  appendAuditRow,
  auditRowsAfter,
  type Db,
  lockAuditHead,
  readAuditHead,
} from '../repositories/audit.repository.js';
import type { Capabilities } from '../storage/database.js';
import type { AuditRow } from '../storage/schema.js';

export interface AuditEntry {
  readonly userId: number | null;
  readonly username: string;
  readonly unitId: number | null;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly ip: string;
  readonly reason?: string | null | undefined;
  readonly detail?: Record<string, unknown> | undefined;
}

export type VerifyResult =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; brokenRowId: number; problem: string };

type HashedFields = Omit<AuditRow, 'hash'>;

export function auditRowHash(row: HashedFields): string {
  const fields = [
    row.id,
    row.at,
    row.user_id,
    row.username,
    row.unit_id,
    row.action,
    row.target_type,
    row.target_id,
    row.ip,
    row.reason,
    row.detail,
  ];
  return createHash('sha256').update(row.prev_hash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

export class AuditService {
  constructor(
    private readonly caps: Capabilities,
    private readonly clock: Clock,
  ) {}

  /** Append one row; `db` should be the transaction of the action being audited. */
  async record(db: Db, entry: AuditEntry): Promise<number> {
    const head = await lockAuditHead(db, this.caps);
    const row: HashedFields = {
      id: head.last_id + 1,
      at: this.clock.now().toISOString(),
      user_id: entry.userId,
      username: entry.username,
      unit_id: entry.unitId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      ip: entry.ip,
      reason: entry.reason ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      prev_hash: head.last_hash,
    };
    // Not `{ ...row, hash }`: a literal that starts with a spread and then adds a key is V8's slow
    // path on Node 20. Same keys in the same order, so the same INSERT.
    await appendAuditRow(db, Object.assign({}, row, { hash: auditRowHash(row) }));
    return row.id;
  }

  /** Walk the whole chain; name the first row that does not follow from the one before it. */
  async verify(db: Db, onProgress?: (rows: number, total: number) => void): Promise<VerifyResult> {
    const head = await readAuditHead(db);
    let expectedId = 1;
    let prevHash = '';
    let rows = 0;
    for (;;) {
      const page = await auditRowsAfter(db, expectedId - 1, 5000);
      if (page.length === 0) break;
      for (const row of page) {
        if (row.id !== expectedId) {
          return {
            ok: false,
            rows,
            brokenRowId: expectedId,
            problem: `row ${expectedId} is missing (next row is ${row.id})`,
          };
        }
        if (row.prev_hash !== prevHash) {
          return {
            ok: false,
            rows,
            brokenRowId: row.id,
            problem: `row ${row.id} does not link to row ${row.id - 1}`,
          };
        }
        if (auditRowHash(row) !== row.hash) {
          return {
            ok: false,
            rows,
            brokenRowId: row.id,
            problem: `row ${row.id} was altered: its content does not match its hash`,
          };
        }
        prevHash = row.hash;
        expectedId += 1;
        rows += 1;
      }
      onProgress?.(rows, head.last_id);
    }
    if (head.last_id !== rows || head.last_hash !== prevHash) {
      return {
        ok: false,
        rows,
        brokenRowId: rows + 1,
        problem: `the chain head records ${head.last_id} rows but ${rows} were found: rows after ${rows} were deleted`,
      };
    }
    return { ok: true, rows, lastHash: prevHash };
  }
}

/** An audit entry for something an authenticated user did. */
export function actorEntry(
  actor: { userId: number; username: string; unitId: number; ip: string },
  action: string,
  target: { type: string; id: string | number },
  extra: { reason?: string | undefined; detail?: Record<string, unknown> } = {},
): AuditEntry {
  return {
    userId: actor.userId,
    username: actor.username,
    unitId: actor.unitId,
    action,
    targetType: target.type,
    targetId: String(target.id),
    ip: actor.ip,
    reason: extra.reason,
    detail: extra.detail,
  };
}
