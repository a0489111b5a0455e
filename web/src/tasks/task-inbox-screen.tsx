/** 协同任务: the tasks the chosen unit (and the units below it) received, overdue first to the eye. */
import { Badge, Card, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApiData } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';
import { TaskTable } from './task-table.js';
import { type InboxFilter, tasksApi } from './tasks-api.js';

const FILTERS: InboxFilter[] = ['active', 'overdue', 'done', 'declined', 'cancelled', 'all'];

export function TaskInboxScreen() {
  const { t } = useI18n();
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
        <TaskTable
          label={t('task.inboxTitle')}
          tasks={list.loading ? undefined : (list.data?.items ?? [])}
          kinds={kinds.data?.items}
          empty={t('task.inboxEmpty')}
          first={{
            title: t('task.case'),
            key: 'case',
            render: (_, task) =>
              task.caseVisible ? <Link to={`/cases/${task.caseId}`}>{task.caseNo}</Link> : task.caseNo,
          }}
          showGivenBy
          paged
          onChanged={refresh}
        />
      </Space>
    </Card>
  );
}
