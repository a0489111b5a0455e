import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * Statements imported into cases. Each import is an immutable batch: the original file is kept
 * under <LEVEE_DATA_DIR>/statements/<sha256>, its transfers join the case ledger with source_ref
 * "batch:<id>", and a batch is withdrawn as a whole (state, never deleted). One active batch per
 * case and file: the same file twice is refused, naming the earlier batch.
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  const id = sql.raw(caps.autoIdType) as never;
  await db.schema
    .createTable('statement_batch')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('stored_path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // csv | xlsx | xls | html
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull().defaultTo(''))
    // {"preset": …, "mapping": …, "sheets": [{name, preset, columns}]}
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('transfer_count', 'integer', (c) => c.notNull())
    .addColumn('duplicate_count', 'integer', (c) => c.notNull())
    .addColumn('reconciliation', 'text', (c) => c.notNull())
    .addColumn('accepted_unreconciled', 'integer', (c) => c.notNull().defaultTo(0))
    // The statement account's opening balance was set by this batch (reset when it is withdrawn).
    .addColumn('opening_set', 'integer', (c) => c.notNull().defaultTo(0))
    // active | withdrawn
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_by', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawn_reason', 'text')
    .execute();
  await db.schema
    .createIndex('statement_batch_case_idx')
    .on('statement_batch')
    .columns(['case_id', 'id'])
    .execute();
  // Partial unique index (both databases support it): a withdrawn file may be imported again.
  await db.schema
    .createIndex('statement_batch_active_file')
    .unique()
    .on('statement_batch')
    .columns(['case_id', 'file_sha256'])
    .where(sql.ref('state'), '=', 'active')
    .execute();

  // Transfers a batch found already in the case ledger (another source or batch): if that
  // source is withdrawn later, the transfer passes to this batch instead of disappearing.
  await db.schema
    .createTable('statement_batch_duplicate')
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('statement_batch.id'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_batch_duplicate_pk', ['batch_id', 'fingerprint'])
    .execute();
  await db.schema
    .createIndex('statement_batch_duplicate_fp_idx')
    .on('statement_batch_duplicate')
    .column('fingerprint')
    .execute();

  // The mapping screen's memory: an explicit column mapping per header fingerprint.
  await db.schema
    .createTable('statement_mapping')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
