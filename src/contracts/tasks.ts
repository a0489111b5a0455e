/**
 * The task endpoints' shapes (docs/case-tasks.md), written once as TypeBox schemas: the routes
 * validate and document with them, the service returns their static types, and the console
 * imports the same types (`import type`, so no server code reaches the browser). A contract may
 * import only TypeBox and pure engines: the console's type-check follows these imports, and
 * test/architecture/contracts.test.ts holds that rule.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  DEADLINE_STATES,
  POLICE_UNIT_KINDS,
  TASK_ACTIONS,
  TASK_KIND_CODES,
  TASK_STATUSES,
  type TaskKind,
} from '../engines/case-task/lifecycle.js';
import { Id } from './common.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const TaskStatusSchema = literals(TASK_STATUSES);
export const TaskKindCode = literals<TaskKind>(TASK_KIND_CODES);

export const TaskDto = Type.Object({
  id: Type.Integer(),
  caseId: Type.Integer(),
  caseNo: Type.String(),
  scamType: Type.String(),
  caseUnitName: Type.String(),
  caseVisible: Type.Boolean({ description: 'whether the caller may open the case itself' }),
  kind: TaskKindCode,
  title: Type.String(),
  instructions: Type.String(),
  assigneeUnitId: Type.Integer(),
  assigneeName: Type.String(),
  assigneeNameEn: Type.String(),
  status: TaskStatusSchema,
  dueAt: Type.String(),
  deadline: literals(DEADLINE_STATES),
  createdBy: Type.String(),
  createdAt: Type.String(),
  acceptedBy: Type.Union([Type.String(), Type.Null()]),
  acceptedAt: Type.Union([Type.String(), Type.Null()]),
  finishedBy: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  actions: Type.Array(literals(TASK_ACTIONS), { description: 'what the caller may do with the task now' }),
});
export type TaskDto = Static<typeof TaskDto>;

export const TaskKindDto = Type.Object({
  code: TaskKindCode,
  name: Type.String(),
  nameEn: Type.String(),
  defaultHours: Type.Integer(),
  unitKinds: Type.Array(literals(POLICE_UNIT_KINDS)),
});
export type TaskKindDto = Static<typeof TaskKindDto>;

export const TaskCounts = Type.Object({
  open: Type.Integer(),
  accepted: Type.Integer(),
  overdue: Type.Integer(),
});
export type TaskCounts = Static<typeof TaskCounts>;

const Instant = Type.String({
  minLength: 10,
  maxLength: 40,
  description: 'ISO 8601 with offset, e.g. 2026-11-27T18:00:00+08:00',
});

export const NewTaskBody = Type.Object(
  {
    kind: TaskKindCode,
    assigneeUnitId: Id,
    title: Type.Optional(Type.String({ maxLength: 100 })),
    instructions: Type.String({ minLength: 2, maxLength: 4000 }),
    dueAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type NewTaskBody = Static<typeof NewTaskBody>;

export const RescheduleBody = Type.Object(
  { dueAt: Instant, text: Type.String({ minLength: 2, maxLength: 4000, description: 'the reason' }) },
  { additionalProperties: false },
);

export const TextBody = (description: string) =>
  Type.Object(
    { text: Type.String({ minLength: 2, maxLength: 4000, description }) },
    { additionalProperties: false },
  );
/** The body of complete, decline and cancel (reschedule also carries a new deadline). */
export type TaskStepBody = { text: string; dueAt?: string };
