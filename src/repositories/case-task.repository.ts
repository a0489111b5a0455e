import type { Insertable, Updateable } from 'kysely';
import type { CaseTaskTable } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

/** A task with what the console shows beside it: its case, the assignee unit, the people involved. */
function taskQuery(db: Db) {
  return db
    .selectFrom('case_task')
    .innerJoin('fraud_case', 'fraud_case.id', 'case_task.case_id')
    .innerJoin('unit as case_unit', 'case_unit.id', 'fraud_case.unit_id')
    .innerJoin('unit as assignee', 'assignee.id', 'case_task.assignee_unit_id')
    .innerJoin('app_user as creator', 'creator.id', 'case_task.created_by')
    .leftJoin('app_user as acceptor', 'acceptor.id', 'case_task.accepted_by')
    .leftJoin('app_user as finisher', 'finisher.id', 'case_task.finished_by')
    .selectAll('case_task')
    .select([
      'fraud_case.case_no',
      'fraud_case.scam_type',
      'case_unit.path as case_unit_path',
      'case_unit.name as case_unit_name',
      'assignee.path as assignee_path',
      'assignee.name as assignee_name',
      'assignee.name_en as assignee_name_en',
      'creator.display_name as created_by_name',
      'acceptor.display_name as accepted_by_name',
      'finisher.display_name as finished_by_name',
    ]);
}

export type CaseTaskView = Awaited<ReturnType<ReturnType<typeof taskQuery>['executeTakeFirstOrThrow']>>;

export async function findTask(db: Db, id: number): Promise<CaseTaskView | undefined> {
  return taskQuery(db).where('case_task.id', '=', id).executeTakeFirst();
}

export async function tasksOfCase(db: Db, caseId: number): Promise<CaseTaskView[]> {
  return taskQuery(db).where('case_task.case_id', '=', caseId).orderBy('case_task.id').execute();
}

export interface TaskFilter {
  /** assignee units under this path */
  assigneePath: string;
  statuses?: readonly string[] | undefined;
  /** only active tasks whose deadline is before this instant */
  dueBefore?: string | undefined;
  limit: number;
  beforeId?: number | undefined;
}

/** Tasks received by units of a subtree: the inbox of a station, a district or the centre. */
export async function tasksAssignedWithin(db: Db, filter: TaskFilter): Promise<CaseTaskView[]> {
  let query = taskQuery(db)
    .where('assignee.path', 'like', `${filter.assigneePath}%`)
    .orderBy('case_task.id', 'desc')
    .limit(filter.limit);
  if (filter.statuses && filter.statuses.length > 0) {
    query = query.where('case_task.status', 'in', filter.statuses as CaseTaskTable['status'][]);
  }
  if (filter.dueBefore) query = query.where('case_task.due_at', '<', filter.dueBefore);
  if (filter.beforeId) query = query.where('case_task.id', '<', filter.beforeId);
  return query.execute();
}

/** Active and overdue counts for the units of a subtree (the menu's badge, the inbox's tabs). */
export async function taskCountsWithin(db: Db, assigneePath: string, now: string) {
  const rows = await db
    .selectFrom('case_task')
    .innerJoin('unit', 'unit.id', 'case_task.assignee_unit_id')
    .where('unit.path', 'like', `${assigneePath}%`)
    .where('case_task.status', 'in', ['open', 'accepted'])
    .select((eb) => [
      'case_task.status',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn
        .sum<number | string | null>(eb.case().when('case_task.due_at', '<', now).then(1).else(0).end())
        .as('late'),
    ])
    .groupBy('case_task.status')
    .execute();
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return {
    open: count('open'),
    accepted: count('accepted'),
    overdue: rows.reduce((sum, r) => sum + Number(r.late ?? 0), 0),
  };
}

export async function insertTask(db: Db, row: Insertable<CaseTaskTable>): Promise<number> {
  return (await db.insertInto('case_task').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Moves a task only if it is still in one of `from` (two officers acting at once: one wins). */
export async function updateTaskFrom(
  db: Db,
  id: number,
  from: readonly string[],
  changes: Updateable<CaseTaskTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('case_task')
    .set(changes)
    .where('id', '=', id)
    .where('status', 'in', from as CaseTaskTable['status'][])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
