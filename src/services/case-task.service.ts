/**
 * Coordinated handling: tasks from a case to units (the station visits the victim, the district
 * takes over a lead), with deadlines. Two sides, two scopes:
 *   - the case side (tasks.write, the case in scope) creates, reschedules and cancels, and only
 *     toward units in its own subtree — tasks go down the chain of command;
 *   - the assignee side (tasks.work, officers of the receiving unit itself) accepts, completes or
 *     declines; the units above it follow the task but do not work it for them.
 * A task is visible to both sides; someone who sees the task but not the case sees the case
 * number and the instructions, not the case. Every step is a timeline entry and an audit row,
 * in the transaction that makes it.
 */
import type { Kysely, Updateable } from 'kysely';
import { type Clock, localMinute } from '../core/clock.js';
import { LeveeError } from '../core/errors.js';
import {
  ACTIVE_STATUSES,
  ASSIGNEE_ACTIONS,
  assigneeProblem,
  deadlineProblem,
  deadlineState,
  defaultDeadline,
  type TaskAction,
  type TaskKind,
  type TaskStatus,
  TASK_TRANSITIONS,
  taskKind,
  transition,
} from '../engines/case-task/lifecycle.js';
import type { TaskDto } from '../contracts/tasks.js';
import { findCase, insertEvent } from '../repositories/case.repository.js';
import {
  type CaseTaskView,
  findTask,
  insertTask,
  taskCountsWithin,
  tasksAssignedWithin,
  tasksOfCase,
  updateTaskFrom,
} from '../repositories/case-task.repository.js';
import { findUnit } from '../repositories/unit.repository.js';
import type { CaseTaskTable, Database } from '../storage/schema.js';
import { type Actor, can, inScope, requirePermission, requireScope } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';
import type { CaseEvents } from './case-events.js';
import { parseInstant } from './intake-check.js';

export interface NewTask {
  kind: string;
  assigneeUnitId: number;
  title?: string | undefined;
  instructions: string;
  /** ISO 8601; the kind's default when absent */
  dueAt?: string | undefined;
}

export interface TaskStep {
  /** the outcome (complete), or why (decline, cancel, reschedule) */
  text?: string | undefined;
  dueAt?: string | undefined;
}

const STEP_TEXT: Record<TaskAction, { kind: string; verb: string; needsText: boolean }> = {
  accept: { kind: 'task.accepted', verb: '已接收', needsText: false },
  complete: { kind: 'task.completed', verb: '已完成', needsText: true },
  decline: { kind: 'task.declined', verb: '已退回', needsText: true },
  cancel: { kind: 'task.cancelled', verb: '已撤销', needsText: true },
  reschedule: { kind: 'task.rescheduled', verb: '期限调整', needsText: true },
};

/** A deadline as given: ISO 8601 with an offset, since a bare local time means different things on different servers. */
function instant(text: string): Date {
  const at = parseInstant(text);
  if (!at) {
    throw new LeveeError(
      'LEVEE_VALIDATION',
      `dueAt: "${text}" is not an ISO 8601 time with an offset (e.g. 2026-11-27T18:00:00+08:00)`,
      { field: 'dueAt' },
    );
  }
  return new Date(at);
}

export class CaseTaskService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: CaseEvents,
    private readonly timeZone: string,
  ) {}

  async create(actor: Actor, caseId: number, input: NewTask): Promise<TaskDto> {
    requirePermission(actor, 'tasks.write');
    await this.caseInScope(actor, caseId);
    const kind = taskKind(input.kind);
    if (!kind) {
      throw new LeveeError('LEVEE_VALIDATION', `kind: unknown task kind "${input.kind}"`, { field: 'kind' });
    }
    const unit = await findUnit(this.db, input.assigneeUnitId);
    if (!unit) {
      throw new LeveeError('LEVEE_VALIDATION', `assigneeUnitId: no unit ${input.assigneeUnitId}`, {
        field: 'assigneeUnitId',
      });
    }
    const unfit = assigneeProblem(kind, unit.kind);
    if (unfit) {
      throw new LeveeError('LEVEE_VALIDATION', `assigneeUnitId: ${unit.name} — ${unfit}`, {
        field: 'assigneeUnitId',
      });
    }
    requireScope(actor, unit.path, `unit ${unit.id}`);
    const now = this.clock.now();
    const dueAt = input.dueAt === undefined ? defaultDeadline(kind, now) : instant(input.dueAt);
    const late = deadlineProblem(dueAt, now);
    if (late) throw new LeveeError('LEVEE_VALIDATION', `dueAt ${late}`, { field: 'dueAt' });
    const title = input.title?.trim() || kind.name;
    const nowIso = now.toISOString();

    const id = await this.db.transaction().execute(async (trx) => {
      const taskId = await insertTask(trx, {
        case_id: caseId,
        kind: kind.code,
        title,
        instructions: input.instructions,
        assignee_unit_id: unit.id,
        status: 'open',
        due_at: dueAt.toISOString(),
        created_by: actor.userId,
        created_at: nowIso,
        accepted_by: null,
        accepted_at: null,
        finished_by: null,
        finished_at: null,
        updated_at: nowIso,
      });
      await insertEvent(trx, {
        case_id: caseId,
        at: nowIso,
        kind: 'task.created',
        actor: actor.username,
        summary: `下发协同任务 #${taskId}「${title}」→ ${unit.name}，期限 ${localMinute(dueAt, this.timeZone)}`,
        detail: JSON.stringify({
          taskId,
          kind: kind.code,
          assigneeUnitId: unit.id,
          dueAt: dueAt.toISOString(),
        }),
      });
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          'task.create',
          { type: 'task', id: taskId },
          { detail: { caseId, kind: kind.code, assigneeUnitId: unit.id, dueAt: dueAt.toISOString() } },
        ),
      );
      return taskId;
    });
    this.events.publish(caseId, 'timeline', 'tasks');
    return this.dto(actor, (await findTask(this.db, id))!);
  }

  /** Every task of a case, for whoever may read the case. */
  async ofCase(actor: Actor, caseId: number): Promise<TaskDto[]> {
    requirePermission(actor, 'tasks.read');
    await this.caseInScope(actor, caseId);
    return (await tasksOfCase(this.db, caseId)).map((t) => this.dto(actor, t));
  }

  /** Tasks received by a unit subtree (default: the caller's unit). */
  async inbox(
    actor: Actor,
    filter: {
      unitId?: number | undefined;
      status?: 'active' | TaskStatus | undefined;
      overdue?: boolean | undefined;
      limit?: number | undefined;
      beforeId?: number | undefined;
    },
  ): Promise<TaskDto[]> {
    requirePermission(actor, 'tasks.read');
    const path = await this.unitPathInScope(actor, filter.unitId);
    const statuses =
      filter.overdue || filter.status === 'active'
        ? ACTIVE_STATUSES
        : filter.status
          ? [filter.status]
          : undefined;
    const rows = await tasksAssignedWithin(this.db, {
      assigneePath: path,
      statuses,
      dueBefore: filter.overdue ? this.clock.now().toISOString() : undefined,
      limit: filter.limit ?? 50,
      beforeId: filter.beforeId,
    });
    return rows.map((t) => this.dto(actor, t));
  }

  async counts(actor: Actor, unitId?: number) {
    requirePermission(actor, 'tasks.read');
    const path = await this.unitPathInScope(actor, unitId);
    return taskCountsWithin(this.db, path, this.clock.now().toISOString());
  }

  async get(actor: Actor, id: number): Promise<TaskDto> {
    return this.dto(actor, await this.visibleTask(actor, id));
  }

  async act(actor: Actor, id: number, action: TaskAction, step: TaskStep = {}): Promise<TaskDto> {
    const assigneeSide = ASSIGNEE_ACTIONS.includes(action);
    requirePermission(actor, assigneeSide ? 'tasks.work' : 'tasks.write');
    const task = await this.visibleTask(actor, id);
    if (assigneeSide && actor.unitId !== task.assignee_unit_id) {
      throw new LeveeError(
        'LEVEE_OUT_OF_SCOPE',
        `task ${id} was given to ${task.assignee_name}; only its officers ${action} it`,
      );
    }
    if (!assigneeSide) requireScope(actor, task.case_unit_path, `the case of task ${id}`);
    const text = step.text?.trim() ?? '';
    const spec = STEP_TEXT[action];
    if (spec.needsText && text.length < 2) {
      throw new LeveeError(
        action === 'complete' ? 'LEVEE_VALIDATION' : 'LEVEE_REASON_REQUIRED',
        action === 'complete'
          ? 'text: say what was done (the outcome)'
          : `text: a reason is required to ${action}`,
        { field: 'text' },
      );
    }
    const moved = transition(task.status, action);
    if (!moved.ok) throw new LeveeError('LEVEE_CONFLICT', `task ${id}: ${moved.reason}`);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    let dueAt: Date | undefined;
    if (action === 'reschedule') {
      if (step.dueAt === undefined) {
        throw new LeveeError('LEVEE_VALIDATION', 'dueAt: the new deadline is required', { field: 'dueAt' });
      }
      dueAt = instant(step.dueAt);
      const late = deadlineProblem(dueAt, now);
      if (late) throw new LeveeError('LEVEE_VALIDATION', `dueAt ${late}`, { field: 'dueAt' });
    }

    await this.db.transaction().execute(async (trx) => {
      const changes: Updateable<CaseTaskTable> = { status: moved.to, updated_at: nowIso };
      if (action === 'accept' || (action === 'complete' && task.accepted_at === null)) {
        changes.accepted_by = actor.userId;
        changes.accepted_at = nowIso;
      }
      if (action === 'complete' || action === 'decline' || action === 'cancel') {
        changes.finished_by = actor.userId;
        changes.finished_at = nowIso;
        changes.outcome = text;
      }
      if (dueAt) changes.due_at = dueAt.toISOString();
      // Only if nobody moved it meanwhile: two officers pressing at once, one wins, one hears why.
      if (!(await updateTaskFrom(trx, id, TASK_TRANSITIONS[action].from, changes))) {
        const current = await findTask(trx, id);
        throw new LeveeError('LEVEE_CONFLICT', `task ${id} is ${current?.status ?? 'gone'} now`);
      }
      const suffix =
        action === 'reschedule'
          ? ` → ${localMinute(dueAt!, this.timeZone)}：${text}`
          : text
            ? `：${text}`
            : '';
      await insertEvent(trx, {
        case_id: task.case_id,
        at: nowIso,
        kind: spec.kind,
        actor: actor.username,
        summary: `协同任务 #${id}「${task.title}」（${task.assignee_name}）${spec.verb}${suffix}`,
        detail: JSON.stringify({
          taskId: id,
          status: moved.to,
          ...(text ? { text } : {}),
          ...(dueAt ? { dueAt: dueAt.toISOString() } : {}),
        }),
      });
      await this.audit.record(
        trx,
        actorEntry(
          actor,
          `task.${action}`,
          { type: 'task', id },
          {
            reason: spec.needsText && action !== 'complete' ? text : undefined,
            detail: {
              caseId: task.case_id,
              status: moved.to,
              ...(dueAt ? { dueAt: dueAt.toISOString() } : {}),
            },
          },
        ),
      );
    });
    this.events.publish(task.case_id, 'timeline', 'tasks');
    return this.dto(actor, (await findTask(this.db, id))!);
  }

  /** A task the caller may see: its case or its assignee unit is in their subtree. */
  private async visibleTask(actor: Actor, id: number): Promise<CaseTaskView> {
    requirePermission(actor, 'tasks.read');
    const task = await findTask(this.db, id);
    if (!task) throw new LeveeError('LEVEE_NOT_FOUND', `no task ${id}`);
    if (!inScope(actor, task.case_unit_path) && !inScope(actor, task.assignee_path)) {
      throw new LeveeError('LEVEE_OUT_OF_SCOPE', `task ${id} is outside your unit`);
    }
    return task;
  }

  private async caseInScope(actor: Actor, caseId: number): Promise<void> {
    const found = await findCase(this.db, caseId);
    if (!found) throw new LeveeError('LEVEE_NOT_FOUND', `no case ${caseId}`);
    requireScope(actor, found.unit_path, `case ${caseId}`);
  }

  private async unitPathInScope(actor: Actor, unitId: number | undefined): Promise<string> {
    if (unitId === undefined) return actor.unitPath;
    const unit = await findUnit(this.db, unitId);
    if (!unit) throw new LeveeError('LEVEE_NOT_FOUND', `no unit ${unitId}`);
    requireScope(actor, unit.path, `unit ${unit.id}`);
    return unit.path;
  }

  private dto(actor: Actor, t: CaseTaskView): TaskDto {
    const caseSide = inScope(actor, t.case_unit_path);
    const assigneeSide = actor.unitId === t.assignee_unit_id;
    const actions = (Object.keys(TASK_TRANSITIONS) as TaskAction[]).filter((action) => {
      if (!TASK_TRANSITIONS[action].from.includes(t.status)) return false;
      return ASSIGNEE_ACTIONS.includes(action)
        ? assigneeSide && can(actor, 'tasks.work')
        : caseSide && can(actor, 'tasks.write');
    });
    return {
      id: t.id,
      caseId: t.case_id,
      caseNo: t.case_no,
      scamType: t.scam_type,
      caseUnitName: t.case_unit_name,
      caseVisible: caseSide,
      kind: t.kind as TaskKind,
      title: t.title,
      instructions: t.instructions,
      assigneeUnitId: t.assignee_unit_id,
      assigneeName: t.assignee_name,
      assigneeNameEn: t.assignee_name_en,
      status: t.status,
      dueAt: t.due_at,
      deadline: deadlineState(
        { status: t.status, dueAt: t.due_at, finishedAt: t.finished_at },
        this.clock.now(),
      ),
      createdBy: t.created_by_name,
      createdAt: t.created_at,
      acceptedBy: t.accepted_by_name,
      acceptedAt: t.accepted_at,
      finishedBy: t.finished_by_name,
      finishedAt: t.finished_at,
      outcome: t.outcome,
      actions,
    };
  }
}
