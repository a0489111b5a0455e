/** The task endpoints (docs/case-tasks.md). */
import { api } from '../api/client.js';
import type { CaseTask, Items, NewTask, TaskAction, TaskCounts, TaskKind, TaskStatus } from '../api/types.js';

export type InboxFilter = 'active' | 'overdue' | TaskStatus | 'all';

export const tasksApi = {
  kinds: (signal?: AbortSignal) => api.get<Items<TaskKind>>('/api/task-kinds', undefined, signal),
  ofCase: (caseId: number, signal?: AbortSignal) =>
    api.get<Items<CaseTask>>(`/api/cases/${caseId}/tasks`, undefined, signal),
  create: (caseId: number, body: NewTask) => api.post<CaseTask>(`/api/cases/${caseId}/tasks`, body),
  inbox: (unitId: number, filter: InboxFilter, signal?: AbortSignal) =>
    api.get<Items<CaseTask>>(
      '/api/tasks',
      {
        unitId,
        limit: 200,
        ...(filter === 'overdue' ? { overdue: 'true' } : filter === 'all' ? {} : { status: filter }),
      },
      signal,
    ),
  counts: (signal?: AbortSignal) => api.get<TaskCounts>('/api/tasks/counts', undefined, signal),
  act: (id: number, action: TaskAction, body?: { text: string; dueAt?: string }) =>
    api.post<CaseTask>(`/api/tasks/${id}/${action}`, body),
};

/** Any screen that moves a task says so; the menu badge listens and counts again. */
const CHANGED = 'levee:tasks-changed';
export function announceTaskChange(): void {
  window.dispatchEvent(new Event(CHANGED));
}
export function onTaskChange(listener: () => void): () => void {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}
