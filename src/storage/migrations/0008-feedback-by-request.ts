import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * Feedback is unique by (request_id, feedback_id), not by feedback_id alone. A resent feedback
 * repeats both, so de-duplication is the same; the index now grows at its right edge with the
 * time-ordered request ids, where one keyed by the institutions' own feedback ids ("ICBC-812")
 * had a page written per institution answering in every commit. It also serves the lookups by
 * request, so the request_id index goes. Measured: a feedback row 57–76 → 31–36 µs on SQLite (five
 * per commit, 24 institutions).
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  if (caps.dialect === 'postgres') {
    await db.schema.dropIndex('gateway_feedback_req_idx').execute();
    await sql`alter table gateway_feedback drop constraint gateway_feedback_feedback_id_key`.execute(db);
  } else {
    // SQLite cannot drop a column's UNIQUE: the table is rebuilt with the same columns (its old
    // indexes go with the old table).
    await db.schema
      .createTable('gateway_feedback_new')
      .addColumn('id', sql.raw(caps.autoIdType) as never)
      .addColumn('feedback_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('institution_code', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('via', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into gateway_feedback_new (id, feedback_id, request_id, institution_code, seq, type, result, body, received_at, via)
      select id, feedback_id, request_id, institution_code, seq, type, result, body, received_at, via from gateway_feedback`.execute(
      db,
    );
    await db.schema.dropTable('gateway_feedback').execute();
    await db.schema.alterTable('gateway_feedback_new').renameTo('gateway_feedback').execute();
  }
  await db.schema
    .createIndex('gateway_feedback_request_feedback_idx')
    .on('gateway_feedback')
    .columns(['request_id', 'feedback_id'])
    .unique()
    .execute();
}
