import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * The case ledger: every account the money of a case reached, and every transfer known about it,
 * whatever brought it (the intake, an institution's detail answer, an imported statement, an
 * analyst's manual entry). It is what `levee ledger export` writes as levee.ledger/1 and what the
 * tracing engine reads.
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  const id = sql.raw(caps.autoIdType) as never;
  await db.schema
    .createTable('case_account')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    // new | queried | stop-paid | frozen | released | cashed-out | excluded | trail-ended
    .addColumn('state', 'text', (c) => c.notNull())
    // cash | merchant | exchange | out-of-scope: where money leaves the traceable trail
    .addColumn('sink', 'text')
    .addColumn('opening', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance', 'bigint')
    .addColumn('frozen_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    // An analyst confirmed a freeze above the automatic limit.
    .addColumn('freeze_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_account_key', ['case_id', 'institution_code', 'account'])
    .execute();

  await db.schema
    .createTable('case_transfer')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    // intake | detail-query | import | manual
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    // A party (victim V<id>, or an outside payer) or a case account "<institution>/<account>".
    .addColumn('from_key', 'text', (c) => c.notNull())
    .addColumn('to_key', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('serial', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('counterparty_name', 'text', (c) => c.notNull().defaultTo(''))
    // The same movement reported by two sources (a bank's answer and an imported statement) is one transfer.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('withdrawn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_transfer_fp', ['case_id', 'fingerprint'])
    .execute();
  await db.schema
    .createIndex('case_transfer_case_idx')
    .on('case_transfer')
    .columns(['case_id', 'at'])
    .execute();

  // Outside parties that paid into case accounts, with the role the tracing rules give them.
  await db.schema
    .createTable('case_party')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    // victim | own | third-party | unknown
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_party_pk', ['case_id', 'key'])
    .execute();
}
