import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Empty, Form, Input, Modal, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { DisposalRequest, Institution } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { caseApi } from './case-api.js';
import { formatCaseTime, remaining } from './case-format.js';
import { codeLabel, institutionName, REQUEST_STATE_TAGS } from './labels.js';
import { formatYuan } from './money.js';

/** Re-renders every 30 s so countdowns move without a fetch. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function Deadline({ iso, now }: { iso: string | null; now: number }) {
  const { t, locale } = useI18n();
  if (iso === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = remaining(iso, now);
  const urgent = !left.expired && left.hours < 6;
  return (
    <Tooltip title={formatCaseTime(iso, locale)}>
      {left.expired ? (
        <Tag color="error">{t('requests.expired')}</Tag>
      ) : (
        <Tag color={urgent ? 'warning' : 'default'} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {t('requests.left', { hours: left.hours, minutes: left.minutes })}
        </Tag>
      )}
    </Tooltip>
  );
}

/** Holds that lapse unless renewed: a stop-payment (48 h, twice more) and a freeze (extension). */
export const RENEWABLE = new Set(['stop-payment', 'stop-payment-renewal', 'freeze', 'freeze-extension']);

/** One-click renewal of a hold, with the reason the server records. */
function RenewDialog({
  request,
  onClose,
  onDone,
}: {
  request: DisposalRequest;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return;
    }
    setBusy(true);
    try {
      await caseApi.renewRequest(request.id, reason.trim());
      void message.success(t('requests.renewed'));
      onDone();
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
      title={t('requests.renewTitle', { account: request.account })}
      onCancel={onClose}
      onOk={submit}
      okText={t('requests.renew')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          label={t('automation.reason')}
          name="reason"
          rules={[
            { required: true, whitespace: true, message: t('automation.reasonRequired') },
            { min: 2, message: t('automation.reasonTooShort', { min: 2 }) },
          ]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Every request sent for the case: what, to whom, its state, the deadline, and why it was sent. */
export function RequestTracker({
  requests,
  institutions,
  loading,
  mayRenew,
  onRenewed,
  caseColumn,
  pageSize = 20,
}: {
  requests: readonly DisposalRequest[] | null | undefined;
  institutions: readonly Institution[] | undefined;
  loading: boolean;
  mayRenew: boolean;
  onRenewed(): void;
  /** Lists of several cases (the fund control page): the case number, linked when the user may open it. */
  caseColumn?: 'link' | 'text';
  pageSize?: number;
}) {
  const { t, locale } = useI18n();
  const now = useNow(30_000);
  const [renewing, setRenewing] = useState<DisposalRequest | null>(null);
  if (requests === null)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('requests.unavailable')} />;
  return (
    <>
      {renewing !== null && (
        <RenewDialog request={renewing} onClose={() => setRenewing(null)} onDone={onRenewed} />
      )}
      <Table<DisposalRequest>
        rowKey="id"
        size="middle"
        loading={loading && requests === undefined}
        dataSource={requests ? [...requests] : []}
        locale={{ emptyText: t('requests.empty') }}
        aria-label={t('requests.table')}
        pagination={{ pageSize, hideOnSinglePage: true }}
        expandable={{
          expandedRowRender: (r) => (
            <div style={{ lineHeight: 1.9 }}>
              <div>
                <Typography.Text type="secondary">
                  {t('requests.requestId')}
                  {t('punct.colon')}
                </Typography.Text>
                <code>{r.requestId}</code>
              </div>
              <div>
                <Typography.Text type="secondary">
                  {t('requests.sentAt')}
                  {t('punct.colon')}
                </Typography.Text>
                {formatCaseTime(r.sentAt, locale, true)}
                <Typography.Text type="secondary" style={{ marginInlineStart: 24 }}>
                  {t('requests.executedAt')}
                  {t('punct.colon')}
                </Typography.Text>
                {formatCaseTime(r.executedAt, locale, true)}
              </div>
              {r.result && (
                <div>
                  <Typography.Text type="secondary">
                    {t('requests.result')}
                    {t('punct.colon')}
                  </Typography.Text>
                  {r.result.heldAmount !== undefined &&
                    t('requests.held', { amount: formatYuan(r.result.heldAmount) })}{' '}
                  {r.result.balance !== undefined &&
                    t('requests.balance', { amount: formatYuan(r.result.balance) })}
                </div>
              )}
              {r.lastError && (
                <div>
                  <Typography.Text type="danger">
                    {t('requests.lastError')}
                    {t('punct.colon')}
                  </Typography.Text>
                  {r.lastError}
                </div>
              )}
            </div>
          ),
        }}
        columns={[
          ...(caseColumn === undefined
            ? []
            : [
                {
                  title: t('requests.case'),
                  key: 'case',
                  render: (_: unknown, r: DisposalRequest) =>
                    r.caseId === null || r.caseId === undefined ? (
                      '—'
                    ) : caseColumn === 'link' ? (
                      <Link to={`/cases/${r.caseId}`} style={{ whiteSpace: 'nowrap' }}>
                        {r.caseNo ?? `#${r.caseId}`}
                      </Link>
                    ) : (
                      (r.caseNo ?? `#${r.caseId}`)
                    ),
                },
              ]),
          {
            title: t('requests.type'),
            dataIndex: 'type',
            render: (v: string) => <Tag color="geekblue">{codeLabel(t, 'requestType', v)}</Tag>,
          },
          {
            title: t('requests.target'),
            key: 'target',
            render: (_, r) => (
              <span>
                {institutionName(institutions, r.institution, locale)}
                <br />
                <code style={{ fontSize: 12, whiteSpace: 'nowrap' }}>{r.account || '—'}</code>
              </span>
            ),
          },
          {
            title: t('requests.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (v: number | null) => (v === null ? '—' : formatYuan(v)),
          },
          {
            title: t('requests.state'),
            dataIndex: 'state',
            render: (v: string, r) => (
              <span>
                <Tag color={REQUEST_STATE_TAGS[v] ?? 'default'}>{codeLabel(t, 'requestState', v)}</Tag>
                {r.attempts > 1 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('requests.attempts', { count: r.attempts })}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          {
            title: t('requests.deadline'),
            dataIndex: 'deadlineAt',
            render: (v: string | null) => <Deadline iso={v} now={now} />,
          },
          { title: t('requests.reason'), dataIndex: 'reason', ellipsis: { showTitle: true } },
          {
            title: t('requests.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => formatCaseTime(v, locale),
          },
          ...(mayRenew
            ? [
                {
                  title: t('requests.actions'),
                  key: 'actions',
                  render: (_: unknown, r: DisposalRequest) =>
                    r.state === 'executed' && RENEWABLE.has(r.type) && r.deadlineAt !== null ? (
                      <Button size="small" icon={<ReloadOutlined />} onClick={() => setRenewing(r)}>
                        {t('requests.renew')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
