/**
 * 机构接口 (administrators): each institution's endpoint — base URL, public key, timeout, rate
 * limit, enabled — as loaded by `levee gateway import-keys` and changed here. Only the fields that
 * changed are sent (PUT /api/gateway/endpoints/:code); the server audits every change.
 */
import { EditOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Modal, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import type { GatewayEndpoint, GatewayEndpointChanges } from '../api/types.js';
import { useApiData, useShowError } from '../api/use-api.js';
import { caseApi } from '../cases/case-api.js';
import { formatCaseTime } from '../cases/case-format.js';
import { institutionName } from '../cases/labels.js';
import { useI18n } from '../i18n/i18n-context.js';
import { fundsApi } from './funds-api.js';

type EndpointForm = Pick<
  GatewayEndpoint,
  'baseUrl' | 'publicKey' | 'timeoutMs' | 'ratePerSecond' | 'enabled'
>;

/** The fields whose value differs from what the server has: the body of the PUT. */
function changesOf(before: GatewayEndpoint, after: EndpointForm): GatewayEndpointChanges {
  const out: GatewayEndpointChanges = {};
  if (after.baseUrl.trim() !== before.baseUrl) out.baseUrl = after.baseUrl.trim();
  if (after.publicKey.trim() !== before.publicKey) out.publicKey = after.publicKey.trim();
  if (after.timeoutMs !== before.timeoutMs) out.timeoutMs = after.timeoutMs;
  if (after.ratePerSecond !== before.ratePerSecond) out.ratePerSecond = after.ratePerSecond;
  if (after.enabled !== before.enabled) out.enabled = after.enabled;
  return out;
}

function EditDialog({
  endpoint,
  name,
  onClose,
  onSaved,
}: {
  endpoint: GatewayEndpoint;
  name: string;
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<EndpointForm>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    let values: EndpointForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const changes = changesOf(endpoint, values);
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      await fundsApi.setEndpoint(endpoint.institution, changes);
      void message.success(t('endpoints.saved', { name }));
      onSaved();
      onClose();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('endpoints.editTitle', { name })}
      onCancel={onClose}
      onOk={submit}
      okText={t('endpoints.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={640}
      destroyOnHidden
    >
      <Form<EndpointForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          baseUrl: endpoint.baseUrl,
          publicKey: endpoint.publicKey,
          timeoutMs: endpoint.timeoutMs,
          ratePerSecond: endpoint.ratePerSecond,
          enabled: endpoint.enabled,
        }}
      >
        <Form.Item
          label={t('endpoints.baseUrl')}
          name="baseUrl"
          rules={[
            { required: true, whitespace: true, message: t('endpoints.baseUrlInvalid') },
            { pattern: /^https?:\/\//, message: t('endpoints.baseUrlInvalid') },
            { max: 300 },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          label={t('endpoints.publicKey')}
          name="publicKey"
          extra={t('endpoints.publicKeyHint')}
          rules={[
            { required: true, whitespace: true, message: t('endpoints.publicKeyInvalid') },
            { min: 40, max: 200, message: t('endpoints.publicKeyInvalid') },
          ]}
        >
          <Input.TextArea rows={2} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item label={t('endpoints.timeout')} name="timeoutMs" rules={[{ required: true }]}>
            <InputNumber min={100} max={120_000} step={500} suffix="ms" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('endpoints.rate')} name="ratePerSecond" rules={[{ required: true }]}>
            <InputNumber min={1} max={100_000} suffix={t('endpoints.perSecond')} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('endpoints.enabled')} name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}

export function EndpointsScreen() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const endpoints = useApiData((signal) => fundsApi.endpoints(signal), []);
  const institutions = useApiData((signal) => caseApi.institutions(signal), []);
  const [editing, setEditing] = useState<GatewayEndpoint | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const nameOf = (code: string) => institutionName(institutions.data?.items, code, locale);

  const toggle = async (e: GatewayEndpoint, enabled: boolean) => {
    setToggling(e.institution);
    try {
      await fundsApi.setEndpoint(e.institution, { enabled });
      void message.success(
        t(enabled ? 'endpoints.enabledDone' : 'endpoints.disabledDone', { name: nameOf(e.institution) }),
      );
      endpoints.reload();
    } catch (error) {
      showError(error);
    } finally {
      setToggling(null);
    }
  };

  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('endpoints.heading')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('endpoints.intro')}</Typography.Paragraph>
      {editing !== null && (
        <EditDialog
          endpoint={editing}
          name={nameOf(editing.institution)}
          onClose={() => setEditing(null)}
          onSaved={endpoints.reload}
        />
      )}
      <Table<GatewayEndpoint>
        aria-label={t('endpoints.heading')}
        rowKey="institution"
        size="middle"
        loading={endpoints.loading && endpoints.data === undefined}
        dataSource={endpoints.data?.items ?? []}
        locale={{ emptyText: t('endpoints.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('endpoints.institution'),
            dataIndex: 'institution',
            render: (code: string) => (
              <span>
                {nameOf(code)}
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {code}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: t('endpoints.baseUrl'),
            dataIndex: 'baseUrl',
            render: (v: string) => <code style={{ fontSize: 12 }}>{v}</code>,
          },
          {
            title: t('endpoints.publicKey'),
            dataIndex: 'publicKey',
            render: (v: string) => (
              <Typography.Text code copyable={{ text: v }} style={{ fontSize: 12 }} title={v}>
                {v.length > 16 ? `${v.slice(0, 12)}…` : v}
              </Typography.Text>
            ),
          },
          {
            title: t('endpoints.timeout'),
            dataIndex: 'timeoutMs',
            align: 'right',
            render: (v: number) => `${v} ms`,
          },
          {
            title: t('endpoints.rate'),
            dataIndex: 'ratePerSecond',
            align: 'right',
            render: (v: number) => t('endpoints.rateValue', { n: v }),
          },
          {
            title: t('endpoints.enabled'),
            dataIndex: 'enabled',
            render: (v: boolean, e) => (
              <Switch
                checked={v}
                loading={toggling === e.institution}
                aria-label={t('endpoints.enableAria', { name: nameOf(e.institution) })}
                onChange={(next) => void toggle(e, next)}
              />
            ),
          },
          {
            title: t('endpoints.updated'),
            key: 'updated',
            render: (_, e) => (
              <span style={{ fontSize: 12 }}>
                {formatCaseTime(e.updatedAt, locale)}
                <br />
                <Typography.Text type="secondary">{e.updatedBy}</Typography.Text>
              </span>
            ),
          },
          {
            title: t('requests.actions'),
            key: 'actions',
            render: (_, e) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                aria-label={t('endpoints.editTitle', { name: nameOf(e.institution) })}
                onClick={() => setEditing(e)}
              >
                {t('endpoints.edit')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
