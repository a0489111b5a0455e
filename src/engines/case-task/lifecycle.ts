/**
 * Tasks to units (协同任务): the centre asks a station to visit a victim, a district to take over a
 * suspect lead, a community to talk a person out of paying. This is the written lifecycle — which
 * kinds exist, which units may receive each, how a task moves, when it is late — as pure functions,
 * so the service, the console and the tests read one table.
 *
 *   open ──accept──▶ accepted ──complete──▶ done
 *     │                 │
 *     ├──complete───────┼──────────────────▶ done       (a visit reported without a separate accept)
 *     ├──decline────────┴──────────────────▶ declined   (the unit gives it back, with a reason)
 *     └──cancel (either open state)────────▶ cancelled  (the case side withdraws it, with a reason)
 *   reschedule: a new deadline for an open or accepted task, with a reason
 */

export const TASK_KIND_CODES = [
  'visit_victim',
  'take_lead',
  'verify_account',
  'dissuade',
  'collect_evidence',
  'other',
] as const;
export type TaskKind = (typeof TASK_KIND_CODES)[number];

export const POLICE_UNIT_KINDS = ['city', 'district', 'station', 'community'] as const;
export type PoliceUnitKind = (typeof POLICE_UNIT_KINDS)[number];

export interface TaskKindSpec {
  code: TaskKind;
  name: string;
  nameEn: string;
  /** Deadline when the creator gives none, in hours from creation. */
  defaultHours: number;
  /** Unit kinds that do this kind of work. */
  unitKinds: readonly PoliceUnitKind[];
}

export const TASK_KINDS: readonly TaskKindSpec[] = [
  {
    code: 'visit_victim',
    name: '上门走访受害人',
    nameEn: 'Visit the victim',
    defaultHours: 24,
    unitKinds: ['station', 'community'],
  },
  {
    code: 'take_lead',
    name: '接手嫌疑线索',
    nameEn: 'Take over a suspect lead',
    defaultHours: 72,
    unitKinds: ['district', 'station'],
  },
  {
    code: 'verify_account',
    name: '核查涉案账户持有人',
    nameEn: 'Verify an account holder',
    defaultHours: 48,
    unitKinds: ['district', 'station'],
  },
  {
    code: 'dissuade',
    name: '见面劝阻',
    nameEn: 'Dissuade in person',
    defaultHours: 4,
    unitKinds: ['station', 'community'],
  },
  {
    code: 'collect_evidence',
    name: '调取证据材料',
    nameEn: 'Collect evidence',
    defaultHours: 72,
    unitKinds: ['city', 'district', 'station'],
  },
  {
    code: 'other',
    name: '其他协查事项',
    nameEn: 'Other assistance',
    defaultHours: 48,
    unitKinds: ['city', 'district', 'station', 'community'],
  },
];

export const TASK_STATUSES = ['open', 'accepted', 'done', 'declined', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_ACTIONS = ['accept', 'complete', 'decline', 'cancel', 'reschedule'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** The states each action starts from, and where it leaves the task. */
export const TASK_TRANSITIONS: Readonly<
  Record<TaskAction, { from: readonly TaskStatus[]; to?: TaskStatus }>
> = {
  accept: { from: ['open'], to: 'accepted' },
  complete: { from: ['open', 'accepted'], to: 'done' },
  decline: { from: ['open', 'accepted'], to: 'declined' },
  cancel: { from: ['open', 'accepted'], to: 'cancelled' },
  reschedule: { from: ['open', 'accepted'] },
};

/** Actions done by the unit that received the task; the others belong to the case side. */
export const ASSIGNEE_ACTIONS: readonly TaskAction[] = ['accept', 'complete', 'decline'];

export const ACTIVE_STATUSES: readonly TaskStatus[] = ['open', 'accepted'];

/** Deadlines further away than this are a typing mistake, not a plan. */
export const MAX_TASK_DAYS = 90;
/** Shown as "due soon" in the console this long before the deadline. */
export const DUE_SOON_MS = 2 * 3600_000;

export function taskKind(code: string): TaskKindSpec | undefined {
  return TASK_KINDS.find((k) => k.code === code);
}

/** The status an action leads to, or why it cannot be taken. */
export function transition(
  status: TaskStatus,
  action: TaskAction,
): { ok: true; to: TaskStatus } | { ok: false; reason: string } {
  const rule = TASK_TRANSITIONS[action];
  if (!rule.from.includes(status)) {
    return { ok: false, reason: `a task that is ${status} cannot be ${PAST[action]}` };
  }
  return { ok: true, to: rule.to ?? status };
}

const PAST: Record<TaskAction, string> = {
  accept: 'accepted',
  complete: 'completed',
  decline: 'declined',
  cancel: 'cancelled',
  reschedule: 'rescheduled',
};

/** Why a unit kind cannot receive a task kind, or undefined when it can. */
export function assigneeProblem(kind: TaskKindSpec, unitKind: string): string | undefined {
  if (!(kind.unitKinds as readonly string[]).includes(unitKind)) {
    return `a ${unitKind} unit does not do "${kind.nameEn}" tasks (for: ${kind.unitKinds.join(', ')})`;
  }
  return undefined;
}

/** Why a deadline is unacceptable at `now`, or undefined. */
export function deadlineProblem(dueAt: Date, now: Date): string | undefined {
  if (Number.isNaN(dueAt.getTime())) return 'is not a valid instant';
  if (dueAt.getTime() <= now.getTime()) return 'must be in the future';
  if (dueAt.getTime() - now.getTime() > MAX_TASK_DAYS * 86_400_000) {
    return `must be within ${MAX_TASK_DAYS} days`;
  }
  return undefined;
}

export function defaultDeadline(kind: TaskKindSpec, now: Date): Date {
  return new Date(now.getTime() + kind.defaultHours * 3600_000);
}

export const DEADLINE_STATES = [
  'on_time',
  'due_soon',
  'overdue',
  'done_on_time',
  'done_late',
  'closed',
] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

/** Where a task stands against its deadline at `now` (finished tasks: against the time they finished). */
export function deadlineState(
  task: { status: TaskStatus; dueAt: string; finishedAt: string | null },
  now: Date,
): DeadlineState {
  const due = Date.parse(task.dueAt);
  if (task.status === 'done') {
    return task.finishedAt !== null && Date.parse(task.finishedAt) > due ? 'done_late' : 'done_on_time';
  }
  if (task.status !== 'open' && task.status !== 'accepted') return 'closed';
  const left = due - now.getTime();
  if (left < 0) return 'overdue';
  return left <= DUE_SOON_MS ? 'due_soon' : 'on_time';
}
