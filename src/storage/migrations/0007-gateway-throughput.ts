import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * Gateway throughput.
 *
 * - An answer's text is stored once. `gateway_feedback.body` is NULL when the feedback is its
 *   request's answer, kept in `gateway_request.feedback` (which never changes once an answer is
 *   in, except for a standing query's reports: those keep their own text). Other feedback (a
 *   second answer to a request already answered, reports) keeps its body.
 * - The outbox index is in claim order (state, rank, due time): leasing the next requests walks
 *   the index instead of sorting the whole backlog at every claim.
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  if (caps.dialect === 'postgres') {
    await sql`alter table gateway_feedback alter column body drop not null`.execute(db);
  } else {
    // SQLite cannot drop a NOT NULL: the table is rebuilt with the same columns and indexes.
    await db.schema
      .createTable('gateway_feedback_new')
      .addColumn('id', sql.raw(caps.autoIdType) as never)
      .addColumn('feedback_id', 'text', (c) => c.notNull().unique())
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
    await db.schema
      .createIndex('gateway_feedback_req_idx')
      .on('gateway_feedback')
      .column('request_id')
      .execute();
  }
  // What is already stored twice is stored once from now on.
  await sql`update gateway_feedback set body = null
    where type not in ('subscription', 'subscription-report')
      and body = (select r.feedback from gateway_request r where r.request_id = gateway_feedback.request_id)`.execute(
    db,
  );

  await db.schema.dropIndex('gateway_request_due_idx').execute();
  // The rank expression is the one `claimDue` orders by, word for word (else it is not used).
  await sql`create index gateway_request_claim_idx on gateway_request
    (state, (case when type = 'stop-payment' then 0 else 1 end), next_attempt_at, id)`.execute(db);
}
