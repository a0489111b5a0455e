import { LockOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Empty, Table, Tag } from 'antd';
import { useState } from 'react';
import type { CaseEvent, CaseGraph, DisposalRequest, TraceDocument } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { ReasonModal } from '../components/reason-modal.js';
import { caseApi } from './case-api.js';
import { formatCaseTime } from './case-format.js';
import { codeLabel, STATE_COLOURS } from './labels.js';
import { formatYuan } from './money.js';

// The server's minimum (POST /accounts/exclude: reason of 2 to 500 characters).

function eventKey(e: CaseEvent): string | undefined {
  const detail = e.detail as { key?: unknown } | null;
  return typeof detail?.key === 'string' ? detail.key : undefined;
}

/**
 * The freeze the disposal policy asks a person to confirm (above its automatic limit): the latest
 * `decision.confirm-freeze` event for the account, unless a `decision.freeze-confirmed` came after.
 */
export function pendingFreezeConfirmation(
  events: readonly CaseEvent[] | undefined,
  key: string,
): { amount: number | undefined } | undefined {
  let pending: CaseEvent | undefined;
  for (const e of [...(events ?? [])].sort((a, b) => a.id - b.id)) {
    if (eventKey(e) !== key) continue;
    if (e.kind === 'decision.confirm-freeze') pending = e;
    else if (e.kind === 'decision.freeze-confirmed') pending = undefined;
  }
  if (pending === undefined) return undefined;
  const amount = (pending.detail as { amount?: unknown } | null)?.amount;
  return { amount: typeof amount === 'number' ? amount : undefined };
}

/** One node of the graph: its figures, where its money came from, and "exclude" with a reason. */
export function AccountDrawer({
  caseId,
  nodeKey,
  graph,
  trace,
  requests,
  events,
  mayWrite,
  onClose,
  onChanged,
}: {
  caseId: number;
  nodeKey: string | null;
  graph: CaseGraph | null;
  trace: TraceDocument | null | undefined;
  requests: readonly DisposalRequest[];
  events: readonly CaseEvent[] | undefined;
  mayWrite: boolean;
  onClose(): void;
  onChanged(): void;
}) {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [excluding, setExcluding] = useState(false);
  const account = graph?.accounts.find((a) => a.key === nodeKey);
  const victim = graph?.victims.find((v) => v.key === nodeKey);
  const inflow = graph?.edges.filter((e) => e.to === nodeKey) ?? [];
  const outflow = graph?.edges.filter((e) => e.from === nodeKey) ?? [];
  const byOrigin = nodeKey === null ? undefined : trace?.accounts[nodeKey]?.byOrigin;
  const victimName = (key: string) => graph?.victims.find((v) => v.key === key)?.name ?? key;
  const accountRequests = account
    ? requests.filter((r) => r.account === account.account && r.institution === account.institution)
    : [];

  const exclude = async (reason: string) => {
    if (account === undefined) return;
    await caseApi.exclude(caseId, account.key, reason);
    void message.success(t('account.excluded'));
    onChanged();
  };

  const confirmation =
    account === undefined || account.state === 'excluded' || account.state === 'frozen'
      ? undefined
      : pendingFreezeConfirmation(events, account.key);

  const confirmFreeze = () => {
    if (account === undefined) return;
    modal.confirm({
      title: t('account.confirmFreezeTitle', { account: account.account }),
      content: t('account.confirmFreezeExplain'),
      okText: t('account.confirmFreeze'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await caseApi.confirmFreeze(caseId, account.key);
          void message.success(t('account.freezeConfirmed'));
          onChanged();
        } catch (error) {
          showError(error);
        }
      },
    });
  };

  const title = account
    ? `${account.holder || account.account} · ${account.institutionName ?? account.institution}`
    : (victim?.name ?? '');

  return (
    <Drawer open={nodeKey !== null} onClose={onClose} title={title} size={520} destroyOnHidden>
      {account !== undefined && (
        <>
          {confirmation !== undefined && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={
                confirmation.amount === undefined
                  ? t('account.confirmFreezeNeeded')
                  : t('account.confirmFreezeNeededAmount', { amount: formatYuan(confirmation.amount) })
              }
              action={
                mayWrite ? (
                  <Button size="small" type="primary" icon={<LockOutlined />} onClick={confirmFreeze}>
                    {t('account.confirmFreeze')}
                  </Button>
                ) : undefined
              }
            />
          )}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('account.account')}>
              <code>{account.account}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('account.institution')}>
              {account.institutionName ?? account.institution}
            </Descriptions.Item>
            <Descriptions.Item label={t('account.holder')}>{account.holder || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('account.level')}>
              {t('account.levelN', { n: account.level })}
            </Descriptions.Item>
            <Descriptions.Item label={t('account.state')}>
              <Tag color={STATE_COLOURS[account.state]?.tag}>
                {codeLabel(t, 'accountState', account.state)}
              </Tag>
              {account.sink && <Tag>{codeLabel(t, 'sink', account.sink)}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('account.balance')}>
              {account.balance === null ? t('account.unknown') : formatYuan(account.balance)}
            </Descriptions.Item>
            <Descriptions.Item label={t('account.located')}>{formatYuan(account.located)}</Descriptions.Item>
            {account.reached !== undefined && (
              <Descriptions.Item label={t('account.reached')}>
                {account.reached ? t('common.yes') : t('common.no')}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('account.stopped')}>{formatYuan(account.stopped)}</Descriptions.Item>
            <Descriptions.Item label={t('account.frozen')}>{formatYuan(account.frozen)}</Descriptions.Item>
            <Descriptions.Item label={t('account.inflow')}>
              {formatYuan(inflow.reduce((s, e) => s + e.amount, 0))}
              {t('punct.paren', { text: inflow.length })}
            </Descriptions.Item>
            <Descriptions.Item label={t('account.outflow')}>
              {formatYuan(outflow.reduce((s, e) => s + e.amount, 0))}
              {t('punct.paren', { text: outflow.length })}
            </Descriptions.Item>
          </Descriptions>
          {byOrigin !== undefined && Object.keys(byOrigin).length > 0 && (
            <Table
              style={{ marginTop: 16 }}
              size="small"
              pagination={false}
              rowKey="origin"
              title={() => t('account.byOrigin', { rule: t(`rule.${trace?.rule ?? 'fifo'}` as 'rule.fifo') })}
              dataSource={Object.entries(byOrigin).map(([origin, amount]) => ({ origin, amount }))}
              columns={[
                { title: t('trace.origin'), dataIndex: 'origin', render: (o: string) => victimName(o) },
                {
                  title: t('trace.amount'),
                  dataIndex: 'amount',
                  align: 'right',
                  render: (v: number) => formatYuan(v),
                },
              ]}
            />
          )}
          {accountRequests.length > 0 && (
            <Table
              style={{ marginTop: 16 }}
              size="small"
              pagination={false}
              rowKey="id"
              title={() => t('account.requests')}
              dataSource={accountRequests}
              columns={[
                {
                  title: t('requests.type'),
                  dataIndex: 'type',
                  render: (v: string) => codeLabel(t, 'requestType', v),
                },
                {
                  title: t('requests.state'),
                  dataIndex: 'state',
                  render: (v: string) => codeLabel(t, 'requestState', v),
                },
                {
                  title: t('requests.createdAt'),
                  dataIndex: 'createdAt',
                  render: (v: string) => formatCaseTime(v, locale),
                },
              ]}
            />
          )}
          {mayWrite && account.state !== 'excluded' && (
            <Button
              danger
              icon={<StopOutlined />}
              style={{ marginTop: 20 }}
              onClick={() => setExcluding(true)}
            >
              {t('account.exclude')}
            </Button>
          )}
          <ReasonModal
            open={excluding}
            title={t('account.excludeTitle', { account: account.account })}
            explain={t('account.excludeExplain')}
            label={t('account.reason')}
            okText={t('account.exclude')}
            danger
            requiredText={t('account.reasonRequired')}
            tooShortText={(min) => t('account.reasonTooShort', { min })}
            onSubmit={exclude}
            onClose={() => setExcluding(false)}
          />
        </>
      )}
      {victim !== undefined && (
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('account.victim')}>{victim.name}</Descriptions.Item>
          <Descriptions.Item label={t('account.sent')}>{formatYuan(victim.sent)}</Descriptions.Item>
          <Descriptions.Item label={t('account.payments')}>{outflow.length}</Descriptions.Item>
        </Descriptions>
      )}
      {account === undefined && victim === undefined && <Empty description={t('common.empty')} />}
    </Drawer>
  );
}
