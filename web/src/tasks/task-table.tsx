/** The task table both the case page and the inbox show: one set of columns, one detail row. */
import { Empty, Table, type TableColumnsType, Typography } from 'antd';
import type { CaseTask, TaskKind } from '../api/types.js';
import { formatCaseTime } from '../cases/case-format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { TaskActions, TaskDeadlineTag, TaskStatusTag, TaskTitle } from './task-parts.js';

export function TaskTable({
  label,
  tasks,
  kinds,
  empty,
  first,
  showGivenBy = false,
  paged = false,
  onChanged,
}: {
  label: string;
  tasks: readonly CaseTask[] | undefined;
  kinds: readonly TaskKind[] | undefined;
  empty: string;
  /** the leading column: the task number on a case page, the case in an inbox */
  first: TableColumnsType<CaseTask>[number];
  showGivenBy?: boolean;
  paged?: boolean;
  onChanged(): void;
}) {
  const { t, locale } = useI18n();
  const columns: TableColumnsType<CaseTask> = [
    first,
    { title: t('task.title'), key: 'title', render: (_, task) => <TaskTitle task={task} kinds={kinds} /> },
    {
      title: t('task.assignee'),
      key: 'assignee',
      render: (_, task) =>
        locale === 'zh-CN' ? task.assigneeName : task.assigneeNameEn || task.assigneeName,
    },
    ...(showGivenBy ? [{ title: t('task.givenBy'), dataIndex: 'createdBy' }] : []),
    { title: t('task.status'), key: 'status', render: (_, task) => <TaskStatusTag status={task.status} /> },
    { title: t('task.deadline'), key: 'deadline', render: (_, task) => <TaskDeadlineTag task={task} /> },
    {
      title: t('task.actions'),
      key: 'actions',
      render: (_, task) => <TaskActions task={task} onChanged={onChanged} />,
    },
  ];
  return (
    <Table<CaseTask>
      aria-label={label}
      rowKey="id"
      size="middle"
      loading={tasks === undefined}
      dataSource={tasks ?? []}
      pagination={paged ? { pageSize: 20, hideOnSinglePage: true } : false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} /> }}
      expandable={{ expandedRowRender: (task) => <TaskDetail task={task} /> }}
      columns={columns}
    />
  );
}

/** What was asked, who asked, and what came of it. */
function TaskDetail({ task }: { task: CaseTask }) {
  const { t, locale } = useI18n();
  const line = (label: string, who: string | null, at: string | null) =>
    who === null ? null : (
      <div>
        {label}：{who} · {formatCaseTime(at, locale)}
      </div>
    );
  return (
    <div style={{ display: 'grid', gap: 4 }}>
      <div style={{ whiteSpace: 'pre-wrap' }}>{task.instructions}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {line(t('task.givenBy'), task.createdBy, task.createdAt)}
        {line(t('task.acceptedBy'), task.acceptedBy, task.acceptedAt)}
        {line(t('task.finishedBy'), task.finishedBy, task.finishedAt)}
      </Typography.Text>
      {task.outcome !== '' && (
        <div>
          <Typography.Text strong>
            {task.status === 'done' ? t('task.outcome') : t('task.reason')}：
          </Typography.Text>
          {task.outcome}
        </div>
      )}
    </div>
  );
}
