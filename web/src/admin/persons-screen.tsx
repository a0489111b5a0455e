import { EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.js';
import type { Items, Person, PersonCategory } from '../api/types.js';
import { useApiData, useShowError } from '../api/use-api.js';
import { can } from '../auth/permissions.js';
import { useMe } from '../auth/session-context.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { useUnitScope } from '../layout/unit-scope.js';

/** The server asks for a reason of at least this many characters before it reveals anything. */
const REASON_MIN = 4;
const CATEGORY_COLOURS: Record<PersonCategory, string> = {
  victim: 'orange',
  at_risk: 'gold',
  suspect: 'red',
};

/** Reason first, then the full record: the server audits every reveal with that reason. */
function RevealDialog({ person, onClose }: { person: Person; onClose(): void }) {
  const { t } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [revealed, setRevealed] = useState<Person | null>(null);

  const submit = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // The form shows what is missing.
    }
    setBusy(true);
    try {
      setRevealed(await api.get<Person>(`/api/persons/${person.id}/reveal`, { reason: reason.trim() }));
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('persons.revealTitle', { name: person.name })}
      onCancel={onClose}
      onOk={revealed === null ? submit : onClose}
      okText={revealed === null ? t('persons.reveal') : t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      {revealed === null ? (
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            label={t('persons.reason')}
            name="reason"
            rules={[
              { required: true, whitespace: true, message: t('persons.reasonRequired') },
              { min: REASON_MIN, message: t('persons.reasonTooShort', { min: REASON_MIN }) },
            ]}
          >
            <Input.TextArea rows={3} placeholder={t('persons.reasonPlaceholder')} maxLength={500} />
          </Form.Item>
        </Form>
      ) : (
        <Descriptions column={1} bordered size="small" title={t('persons.revealed')}>
          <Descriptions.Item label={t('persons.name')}>{revealed.name}</Descriptions.Item>
          <Descriptions.Item label={t('persons.idNumber')}>{revealed.idNumber}</Descriptions.Item>
          <Descriptions.Item label={t('persons.phone')}>{revealed.phone}</Descriptions.Item>
          <Descriptions.Item label={t('persons.bankCard')}>{revealed.bankCard}</Descriptions.Item>
        </Descriptions>
      )}
    </Modal>
  );
}

export function PersonsScreen() {
  const { t, locale } = useI18n();
  const me = useMe();
  const { unitId, unitName } = useUnitScope();
  const [query, setQuery] = useState('');
  const [revealing, setRevealing] = useState<Person | null>(null);
  const { data, loading } = useApiData(
    (signal) => api.get<Items<Person>>('/api/persons', { unitId, q: query }, signal),
    [unitId, query],
  );
  const mayReveal = can(me, 'persons.reveal');

  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('persons.heading')}
      </Typography.Title>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Alert type="info" showIcon title={t('persons.notice')} />
        <Input.Search
          aria-label={t('common.search')}
          placeholder={t('persons.searchPlaceholder')}
          allowClear
          enterButton={t('common.search')}
          onSearch={(value) => setQuery(value.trim())}
          style={{ maxWidth: 420 }}
        />
        <Table<Person>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data?.items ?? []}
          pagination={{ pageSize: 20, showTotal: (count) => t('common.total', { count }) }}
          columns={[
            { title: t('persons.name'), dataIndex: 'name' },
            {
              title: t('persons.category'),
              dataIndex: 'category',
              render: (_, p) => <Tag color={CATEGORY_COLOURS[p.category]}>{t(`category.${p.category}`)}</Tag>,
            },
            { title: t('persons.idNumber'), dataIndex: 'idNumber', render: (v: string) => <code>{v}</code> },
            { title: t('persons.phone'), dataIndex: 'phone', render: (v: string) => <code>{v}</code> },
            { title: t('persons.bankCard'), dataIndex: 'bankCard', render: (v: string) => <code>{v}</code> },
            { title: t('persons.unit'), dataIndex: 'unitId', render: (_, p) => unitName(p.unitId) },
            {
              title: t('persons.createdAt'),
              dataIndex: 'createdAt',
              render: (_, p) => formatDateTime(p.createdAt, locale),
            },
            ...(mayReveal
              ? [
                  {
                    title: t('persons.actions'),
                    key: 'actions',
                    render: (_: unknown, p: Person) => (
                      <Button size="small" icon={<EyeOutlined />} onClick={() => setRevealing(p)}>
                        {t('persons.reveal')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Space>
      {revealing !== null && <RevealDialog person={revealing} onClose={() => setRevealing(null)} />}
    </Card>
  );
}
