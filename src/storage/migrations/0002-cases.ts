import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/** Cases (警情): the victim's report as entered, its payments, the scam's artefacts, and what follows. */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  const id = sql.raw(caps.autoIdType) as never;
  await db.schema
    .createTable('fraud_case')
    .addColumn('id', id)
    .addColumn('case_no', 'text', (c) => c.notNull().unique())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
    .addColumn('scam_type', 'text', (c) => c.notNull())
    .addColumn('narrative', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('automation', 'text', (c) => c.notNull())
    .addColumn('loss_total', 'bigint', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fraud_case_unit_idx').on('fraud_case').column('unit_id').execute();

  await db.schema
    .createTable('case_victim')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
    .execute();
  await db.schema.createIndex('case_victim_case_idx').on('case_victim').column('case_id').execute();

  await db.schema
    .createTable('case_payment')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('victim_id', 'integer', (c) => c.notNull().references('case_victim.id'))
    .addColumn('paid_at', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('account_name', 'text', (c) => c.notNull())
    .addColumn('from_account', 'text', (c) => c.notNull())
    // Same victim ID, receiving account, amount and minute: the same payment reported twice.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_payment_fp_idx').on('case_payment').column('fingerprint').execute();
  await db.schema
    .createIndex('case_payment_account_idx')
    .on('case_payment')
    .columns(['institution_code', 'account'])
    .execute();

  await db.schema
    .createTable('case_artefact')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull())
    .execute();

  // Warnings shown at intake and kept with the case (a Luhn failure, a virtual-operator number, …).
  await db.schema
    .createTable('case_warning')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();

  // Every report as it was entered, including duplicates linked to the case they repeat.
  await db.schema
    .createTable('case_report')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('duplicate', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_event')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_event_case_idx').on('case_event').columns(['case_id', 'id']).execute();

  await db.schema
    .createTable('case_link')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('linked_case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_link_pk', ['case_id', 'linked_case_id'])
    .execute();
}
