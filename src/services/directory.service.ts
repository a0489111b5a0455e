/**
 * Units and users: the organisation as Levee sees it. Every method checks the permission first,
 * then the unit scope of every record it touches, then does the work and audits it in the same
 * transaction.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import { findUnit, findUnitByCode, insertUnit, listSubtree } from '../repositories/unit.repository.js';
import {
  findUser,
  findUserByUsername,
  insertUser,
  listUsersIn,
  updateUser,
} from '../repositories/user.repository.js';
import type { Database, UnitKind, UnitRow, UserRow } from '../storage/schema.js';
import {
  type Actor,
  isRole,
  ROLE_UNIT_KINDS,
  type Role,
  requirePermission,
  requireScope,
} from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import { checkPasswordStrength, hashPassword } from './auth.service.js';

/** Which kinds of unit may sit under which: the four police levels, institutions under the city. */
const CHILD_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  city: ['district', 'bank', 'payment'],
  district: ['station'],
  station: ['community'],
  community: [],
  bank: [],
  payment: [],
};

export interface NewUnit {
  parentId: number;
  kind: UnitKind;
  code: string;
  name: string;
  nameEn: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: string;
  unitId: number;
  password: string;
}

export class DirectoryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async listUnits(actor: Actor): Promise<UnitRow[]> {
    requirePermission(actor, 'units.read');
    return listSubtree(this.db, actor.unitPath);
  }

  async getUnit(actor: Actor, id: number): Promise<UnitRow> {
    requirePermission(actor, 'units.read');
    const unit = await this.unitInScope(actor, id);
    return unit;
  }

  /** The unit a request is about: the caller's own when no id is given. */
  async scopeUnit(actor: Actor, unitId: number | undefined): Promise<UnitRow> {
    return this.unitInScope(actor, unitId ?? actor.unitId);
  }

  async createUnit(actor: Actor, input: NewUnit): Promise<UnitRow> {
    requirePermission(actor, 'units.write');
    const parent = await this.unitInScope(actor, input.parentId, 'parentId');
    if (!CHILD_KINDS[parent.kind].includes(input.kind)) {
      throw new LeveeError(
        'LEVEE_VALIDATION',
        `a ${input.kind} unit cannot sit under a ${parent.kind} unit`,
        { field: 'kind' },
      );
    }
    return this.db.transaction().execute(async (trx) => {
      if (await findUnitByCode(trx, input.code)) {
        throw new LeveeError('LEVEE_CONFLICT', `unit code "${input.code}" is taken`, { field: 'code' });
      }
      const unit = await insertUnit(
        trx,
        {
          parent_id: parent.id,
          kind: input.kind,
          code: input.code,
          name: input.name,
          name_en: input.nameEn,
          created_at: this.clock.now().toISOString(),
        },
        parent,
      );
      await this.audit.record(
        trx,
        actorEntry(actor, 'unit.create', { type: 'unit', id: unit.id }, { detail: { code: unit.code } }),
      );
      return unit;
    });
  }

  async listUsers(actor: Actor, unitId: number | undefined): Promise<UserRow[]> {
    requirePermission(actor, 'users.read');
    const unit = await this.scopeUnit(actor, unitId);
    return listUsersIn(this.db, unit.path);
  }

  async getUser(actor: Actor, id: number): Promise<UserRow> {
    requirePermission(actor, 'users.read');
    const user = await findUser(this.db, id);
    if (!user) throw new LeveeError('LEVEE_NOT_FOUND', `no user ${id}`);
    requireScope(actor, user.unit_path, `user ${id}`);
    return user;
  }

  async createUser(
    actor: Actor | undefined,
    input: NewUser,
    options: { demo?: boolean; mustChangePassword?: boolean } = {},
  ): Promise<number> {
    if (actor) requirePermission(actor, 'users.write');
    if (!isRole(input.role))
      throw new LeveeError('LEVEE_VALIDATION', `unknown role "${input.role}"`, { field: 'role' });
    const unit = actor
      ? await this.unitInScope(actor, input.unitId, 'unitId')
      : await findUnit(this.db, input.unitId);
    if (!unit) throw new LeveeError('LEVEE_VALIDATION', `no unit ${input.unitId}`, { field: 'unitId' });
    checkRoleFitsUnit(input.role, unit);
    if (!options.demo) checkPasswordStrength(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      if (await findUserByUsername(trx, input.username)) {
        throw new LeveeError('LEVEE_CONFLICT', `user name "${input.username}" is taken`, {
          field: 'username',
        });
      }
      const id = await insertUser(trx, {
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        unit_id: unit.id,
        password_hash: passwordHash,
        // Seeded and admin-created accounts change their password at first login (demo mode excepted).
        must_change_password: options.mustChangePassword === false ? 0 : 1,
        is_demo: options.demo ? 1 : 0,
        disabled: 0,
        created_at: now,
        updated_at: now,
      });
      const entry = actor
        ? actorEntry(
            actor,
            'user.create',
            { type: 'user', id },
            { detail: { role: input.role, unitId: unit.id } },
          )
        : {
            userId: null,
            username: 'levee-cli',
            unitId: unit.id,
            action: 'user.create',
            targetType: 'user',
            targetId: String(id),
            ip: 'local',
            detail: { role: input.role },
          };
      await this.audit.record(trx, entry);
      return id;
    });
  }

  async updateUser(
    actor: Actor,
    id: number,
    changes: { disabled?: boolean; role?: string; displayName?: string },
  ): Promise<UserRow> {
    requirePermission(actor, 'users.write');
    const user = await this.getUser(actor, id);
    if (changes.role !== undefined) {
      if (!isRole(changes.role))
        throw new LeveeError('LEVEE_VALIDATION', `unknown role "${changes.role}"`, { field: 'role' });
      const unit = (await findUnit(this.db, user.unit_id))!;
      checkRoleFitsUnit(changes.role, unit);
    }
    if (id === actor.userId && changes.disabled) {
      throw new LeveeError('LEVEE_VALIDATION', 'you cannot disable your own account', { field: 'disabled' });
    }
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, id, {
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
        updated_at: this.clock.now().toISOString(),
      });
      await this.audit.record(
        trx,
        actorEntry(actor, 'user.update', { type: 'user', id }, { detail: changes }),
      );
    });
    return (await findUser(this.db, id))!;
  }

  private async unitInScope(actor: Actor, id: number, field?: string): Promise<UnitRow> {
    const unit = await findUnit(this.db, id);
    if (!unit)
      throw new LeveeError(
        field ? 'LEVEE_VALIDATION' : 'LEVEE_NOT_FOUND',
        `no unit ${id}`,
        field ? { field } : {},
      );
    requireScope(actor, unit.path, `unit ${id}`);
    return unit;
  }
}

export function checkRoleFitsUnit(role: Role, unit: UnitRow): void {
  if (!ROLE_UNIT_KINDS[role].includes(unit.kind)) {
    throw new LeveeError(
      'LEVEE_VALIDATION',
      `role ${role} cannot belong to a ${unit.kind} unit (allowed: ${ROLE_UNIT_KINDS[role].join(', ')})`,
      {
        field: 'role',
      },
    );
  }
}
