import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { CaseSummary } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { useMe } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';
import { caseApi } from './case-api.js';
import { formatCaseTime } from './case-format.js';
import { codeLabel, scamTypeName } from './labels.js';
import { formatYuan } from './money.js';

/** Cases of the unit chosen in the header's scope picker, newest first, with filters. */
export function CaseListScreen() {
  const { t, locale } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const { unitId, unitName } = useUnitScope();
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [scamType, setScamType] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState('');
  const types = useApiData((signal) => caseApi.scamTypes(signal), []);
  const { data, loading } = useApiData(
    (signal) => caseApi.list({ unitId, status, scamType, q: query }, signal),
    [unitId, status, scamType, query],
  );
  const mayWrite = me.permissions.includes('cases.write');

  return (
    <Card>
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cases.heading')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('cases.scopeNote', { unit: unitName(unitId) })}
          </Typography.Text>
        </div>
        {mayWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/cases/new')}>
            {t('cases.new')}
          </Button>
        )}
      </div>
      <Space wrap size={12} style={{ margin: '20px 0 16px' }}>
        <Select
          aria-label={t('cases.filterStatus')}
          placeholder={t('cases.filterStatus')}
          allowClear
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: 'open', label: t('caseStatus.open') },
            { value: 'closed', label: t('caseStatus.closed') },
          ]}
        />
        <Select
          aria-label={t('cases.filterScamType')}
          placeholder={t('cases.filterScamType')}
          allowClear
          style={{ width: 240 }}
          value={scamType}
          onChange={setScamType}
          options={(types.data?.items ?? []).map((s) => ({
            value: s.code,
            label: locale === 'zh-CN' ? s.name : s.nameEn,
          }))}
        />
        <Input.Search
          aria-label={t('common.search')}
          placeholder={t('cases.searchPlaceholder')}
          allowClear
          enterButton={t('common.search')}
          onSearch={(value) => setQuery(value.trim())}
          style={{ width: 360 }}
        />
      </Space>
      <Table<CaseSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('cases.empty') }}
        pagination={{ pageSize: 20, showTotal: (count) => t('common.total', { count }) }}
        columns={[
          {
            title: t('cases.caseNo'),
            dataIndex: 'caseNo',
            render: (_, c) => (
              <Link to={`/cases/${c.id}`}>
                <code>{c.caseNo}</code>
              </Link>
            ),
          },
          {
            title: t('cases.victim'),
            dataIndex: 'victimName',
            render: (v: string | null | undefined) => v ?? '—',
          },
          {
            title: t('cases.scamType'),
            dataIndex: 'scamType',
            render: (code: string) => scamTypeName(types.data?.items, code, locale),
          },
          {
            title: t('cases.loss'),
            dataIndex: 'lossTotal',
            align: 'right',
            render: (fen: number) => (
              <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatYuan(fen)}</span>
            ),
          },
          {
            title: t('cases.status'),
            dataIndex: 'status',
            render: (_, c) => (
              <Space size={4}>
                <Tag color={c.status === 'open' ? 'blue' : 'default'}>
                  {codeLabel(t, 'caseStatus', c.status)}
                </Tag>
                {c.automation === 'paused' && <Tag color="warning">{t('automation.paused')}</Tag>}
              </Space>
            ),
          },
          { title: t('cases.unit'), dataIndex: 'unitId', render: (_, c) => c.unitName ?? unitName(c.unitId) },
          {
            title: t('cases.reportedAt'),
            dataIndex: 'reportedAt',
            render: (iso: string) => formatCaseTime(iso, locale),
          },
        ]}
      />
    </Card>
  );
}
