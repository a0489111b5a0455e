import { type Kysely, sql } from 'kysely';
import type { Capabilities } from '../database.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema version is there
type AnyDb = Kysely<any>;

/**
 * Tasks to units (协同任务) with deadlines: a case asks a station, district or community to do
 * something (visit the victim, take over a lead). The lifecycle is src/engines/case-task; every
 * step also goes on the case timeline and into the audit log.
 */
export async function up(db: AnyDb, caps: Capabilities): Promise<void> {
  const id = sql.raw(caps.autoIdType) as never;
  await db.schema
    .createTable('case_task')
    .addColumn('id', id)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('fraud_case.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('instructions', 'text', (c) => c.notNull())
    .addColumn('assignee_unit_id', 'integer', (c) => c.notNull().references('unit.id'))
    // open | accepted | done | declined | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('accepted_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('accepted_at', 'text')
    .addColumn('finished_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('finished_at', 'text')
    // what the unit reported (done), why it gave the task back (declined) or why it was withdrawn
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_task_case_idx').on('case_task').columns(['case_id', 'id']).execute();
  await db.schema
    .createIndex('case_task_assignee_idx')
    .on('case_task')
    .columns(['assignee_unit_id', 'status'])
    .execute();
}
