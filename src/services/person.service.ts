/**
 * People known to the centre (victims, people at risk, suspects). Lists show personal data masked;
 * the full record is a separate, audited read that needs a reason and a role that needs it.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import { maskCard, maskIdNumber, maskPhone } from '../core/masking.js';
import { findPerson, insertPerson, listPersonsIn } from '../repositories/person.repository.js';
import { findUnit } from '../repositories/unit.repository.js';
import type { Database, PersonRow } from '../storage/schema.js';
import { type Actor, requirePermission, requireScope } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import { validCardNumber, validMobile, validResidentId } from './validation.js';

export const PERSON_CATEGORIES = ['victim', 'at_risk', 'suspect'] as const;

export interface PersonView {
  id: number;
  unitId: number;
  name: string;
  idNumber: string;
  phone: string;
  bankCard: string;
  category: string;
  createdAt: string;
  masked: boolean;
}

export interface NewPerson {
  unitId: number;
  name: string;
  idNumber: string;
  phone: string;
  bankCard: string;
  category: (typeof PERSON_CATEGORIES)[number];
}

function view(row: PersonRow, masked: boolean): PersonView {
  return {
    id: row.id,
    unitId: row.unit_id,
    name: row.name,
    idNumber: masked ? maskIdNumber(row.id_number) : row.id_number,
    phone: masked ? maskPhone(row.phone) : row.phone,
    bankCard: masked ? maskCard(row.bank_card) : row.bank_card,
    category: row.category,
    createdAt: row.created_at,
    masked,
  };
}

export class PersonService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, unitId: number | undefined, q: string | undefined): Promise<PersonView[]> {
    requirePermission(actor, 'persons.read');
    const unit = await findUnit(this.db, unitId ?? actor.unitId);
    if (!unit) throw new LeveeError('LEVEE_NOT_FOUND', `no unit ${unitId}`);
    requireScope(actor, unit.path, `unit ${unit.id}`);
    const rows = await listPersonsIn(this.db, unit.path, q, 200);
    return rows.map((row) => view(row, true));
  }

  async get(actor: Actor, id: number): Promise<PersonView> {
    requirePermission(actor, 'persons.read');
    return view(await this.inScope(actor, id), true);
  }

  async reveal(actor: Actor, id: number, reason: string | undefined): Promise<PersonView> {
    requirePermission(actor, 'persons.reveal');
    const person = await this.inScope(actor, id);
    if (!reason || reason.trim().length < 4) {
      throw new LeveeError(
        'LEVEE_REASON_REQUIRED',
        'say why you need the full personal data (reason, at least 4 characters)',
        { field: 'reason' },
      );
    }
    await this.db
      .transaction()
      .execute((trx) =>
        this.audit.record(
          trx,
          actorEntry(actor, 'person.reveal', { type: 'person', id }, { reason: reason.trim() }),
        ),
      );
    return view(person, false);
  }

  async create(actor: Actor, input: NewPerson): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    const unit = await findUnit(this.db, input.unitId);
    if (!unit) throw new LeveeError('LEVEE_VALIDATION', `no unit ${input.unitId}`, { field: 'unitId' });
    requireScope(actor, unit.path, `unit ${unit.id}`);
    const idNumber = validResidentId(input.idNumber, 'idNumber');
    const phone = validMobile(input.phone, 'phone');
    const bankCard = validCardNumber(input.bankCard, 'bankCard');
    const createdAt = this.clock.now().toISOString();
    const id = await this.db.transaction().execute(async (trx) => {
      const newId = await insertPerson(trx, {
        unit_id: unit.id,
        name: input.name,
        id_number: idNumber,
        phone,
        bank_card: bankCard,
        category: input.category,
        created_by: actor.userId,
        created_at: createdAt,
      });
      await this.audit.record(trx, actorEntry(actor, 'person.create', { type: 'person', id: newId }));
      return newId;
    });
    return this.get(actor, id);
  }

  private async inScope(actor: Actor, id: number) {
    const person = await findPerson(this.db, id);
    if (!person) throw new LeveeError('LEVEE_NOT_FOUND', `no person ${id}`);
    requireScope(actor, person.unit_path, `person ${id}`);
    return person;
  }
}
