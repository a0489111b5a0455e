import { Card, Table, Tag, Typography } from 'antd';
import { api } from '../api/client.js';
import type { Items, User } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';

export function UsersScreen() {
  const { t, locale } = useI18n();
  const { unitId, unitName } = useUnitScope();
  const { data, loading } = useApiData(
    (signal) => api.get<Items<User>>('/api/users', { unitId }, signal),
    [unitId],
  );
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('users.heading')}
      </Typography.Title>
      <Table<User>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 20, showTotal: (count) => t('common.total', { count }) }}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.role'), dataIndex: 'role', render: (_, u) => <Tag>{t(`role.${u.role}`)}</Tag> },
          { title: t('users.unit'), dataIndex: 'unitId', render: (_, u) => unitName(u.unitId) },
          {
            title: t('users.status'),
            key: 'status',
            render: (_, u) => (
              <>
                {u.disabled ? (
                  <Tag color="red">{t('users.disabled')}</Tag>
                ) : (
                  <Tag color="green">{t('users.active')}</Tag>
                )}
                {u.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
              </>
            ),
          },
          {
            title: t('users.createdAt'),
            dataIndex: 'createdAt',
            render: (_, u) => formatDateTime(u.createdAt, locale),
          },
        ]}
      />
    </Card>
  );
}
