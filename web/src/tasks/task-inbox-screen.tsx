/** 协同任务: the tasks the chosen unit (and the units below it) received, overdue first to the eye. */
import { Badge, Card, Empty, Segmented, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CaseTask } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';
import { TaskDetail } from './case-tasks-panel.js';
import { TaskActions, TaskDeadlineTag, TaskStatusTag, TaskTitle } from './task-parts.js';
import { type InboxFilter, tasksApi } from './tasks-api.js';

const FILTERS: InboxFilter[] = ['active', 'overdue', 'done', 'declined', 'cancelled', 'all'];

export function TaskInboxScreen() {
  const { t, locale } = useI18n();
  const { unitId, unitName } = useUnitScope();
  const [filter, setFilter] = useState<InboxFilter>('active');
  const kinds = useApiData((signal) => tasksApi.kinds(signal), []);
  const list = useApiData((signal) => tasksApi.inbox(unitId, filter, signal), [unitId, filter]);
  const counts = useApiData((signal) => tasksApi.counts(signal), [list.data]);
  const refresh = () => list.reload();

  return (
    <Card
      title={
        <Space size={12}>
          <span>{t('task.inboxTitle')}</span>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {t('task.inboxOf', { unit: unitName(unitId) })}
          </Typography.Text>
        </Space>
      }
    >
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Segmented<InboxFilter>
          aria-label={t('task.filter')}
          value={filter}
          onChange={setFilter}
          options={FILTERS.map((f) => ({
            value: f,
            label:
              f === 'overdue' ? (
                <Badge count={counts.data?.overdue ?? 0} size="small" offset={[8, -2]}>
                  {t('task.filter.overdue')}
                </Badge>
              ) : f === 'active' && counts.data ? (
                `${t('task.filter.active')} (${counts.data.open + counts.data.accepted})`
              ) : (
                t(`task.filter.${f}`)
              ),
          }))}
        />
        <Table<CaseTask>
          aria-label={t('task.inboxTitle')}
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('task.inboxEmpty')} />,
          }}
          expandable={{ expandedRowRender: (task) => <TaskDetail task={task} /> }}
          columns={[
            {
              title: t('task.case'),
              dataIndex: 'caseNo',
              render: (caseNo: string, task) =>
                task.caseVisible ? <Link to={`/cases/${task.caseId}`}>{caseNo}</Link> : caseNo,
            },
            {
              title: t('task.title'),
              dataIndex: 'title',
              render: (_: string, task) => <TaskTitle task={task} kinds={kinds.data?.items} />,
            },
            {
              title: t('task.assignee'),
              dataIndex: 'assigneeName',
              render: (v: string, task) => (locale === 'zh-CN' ? v : task.assigneeNameEn || v),
            },
            { title: t('task.givenBy'), dataIndex: 'createdBy' },
            {
              title: t('task.status'),
              dataIndex: 'status',
              render: (_: unknown, task) => <TaskStatusTag status={task.status} />,
            },
            {
              title: t('task.deadline'),
              dataIndex: 'dueAt',
              render: (_: unknown, task) => <TaskDeadlineTag task={task} />,
            },
            {
              title: t('task.actions'),
              key: 'actions',
              render: (_: unknown, task) => <TaskActions task={task} onChanged={refresh} />,
            },
          ]}
        />
      </Space>
    </Card>
  );
}
