import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * The institution gateway: Levee's signing identity, each institution's endpoint and key, the
 * outbox of requests (written in the same transaction as the action that caused them), every
 * feedback received, and alarms for the console.
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  const id = sql.raw(caps.autoIdType) as never;
  await db.schema
    .createTable('gateway_identity')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('institution_endpoint')
    .addColumn('institution_code', 'text', (c) => c.primaryKey())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('rate_per_second', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gateway_request')
    .addColumn('id', id)
    // Also the idempotency key: every retry, by any process, carries it.
    .addColumn('request_id', 'text', (c) => c.notNull().unique())
    .addColumn('case_id', 'integer', (c) => c.references('fraud_case.id'))
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('account', 'text')
    .addColumn('amount', 'bigint')
    // The exact JSON sent, so a retry repeats the same bytes.
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    // queued | sent | acknowledged | executed | failed | expired | dead
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    // Which dispatcher process sent it last (operations: who is doing the work).
    .addColumn('dispatched_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('result', 'text')
    .addColumn('feedback', 'text')
    .addColumn('held_amount', 'bigint')
    .addColumn('deadline_at', 'text')
    .addColumn('renews_request_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('acked_at', 'text')
    .addColumn('executed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gateway_request_due_idx')
    .on('gateway_request')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('gateway_request_case_idx')
    .on('gateway_request')
    .columns(['case_id', 'id'])
    .execute();
  await db.schema
    .createIndex('gateway_request_inst_idx')
    .on('gateway_request')
    .columns(['institution_code', 'id'])
    .execute();

  await db.schema
    .createTable('gateway_feedback')
    .addColumn('id', id)
    .addColumn('feedback_id', 'text', (c) => c.notNull().unique())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gateway_feedback_req_idx')
    .on('gateway_feedback')
    .column('request_id')
    .execute();

  await db.schema
    .createTable('gateway_alarm')
    .addColumn('id', id)
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cleared_at', 'text')
    .addUniqueConstraint('gateway_alarm_once', ['request_id', 'kind'])
    .execute();
}
