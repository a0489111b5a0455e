import { Card, Table, Typography } from 'antd';
import { api } from '../api/client.js';
import type { AuditEvent, Items } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';

const LIMIT = 200;

export function AuditScreen() {
  const { t, locale } = useI18n();
  const { unitId, unitName } = useUnitScope();
  const { data, loading } = useApiData(
    (signal) => api.get<Items<AuditEvent>>('/api/audit', { unitId, limit: LIMIT }, signal),
    [unitId],
  );
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('audit.heading')}
      </Typography.Title>
      <Table<AuditEvent>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 25, showTotal: (count) => t('common.total', { count }) }}
        columns={[
          {
            title: t('audit.at'),
            dataIndex: 'at',
            width: 170,
            render: (_, e) => formatDateTime(e.at, locale),
          },
          { title: t('audit.user'), dataIndex: 'username' },
          { title: t('audit.unit'), dataIndex: 'unitId', render: (_, e) => unitName(e.unitId) },
          { title: t('audit.action'), dataIndex: 'action', render: (_, e) => <code>{e.action}</code> },
          { title: t('audit.target'), dataIndex: 'target' },
          { title: t('audit.ip'), dataIndex: 'ip' },
          { title: t('audit.reason'), dataIndex: 'reason' },
        ]}
      />
    </Card>
  );
}
