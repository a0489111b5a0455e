/**
 * 资金查控: every request to banks and payment institutions within the user's scope — police see the
 * requests of their unit's cases, an institution's liaison those addressed to its institution (the
 * server filters; the console only hides what the role cannot use). Dead letters come first as an
 * alarm banner; executed stop-payments and freezes show their deadlines and the one-click renewal.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Select, Space, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { DisposalRequest, GatewayAlarm } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { can } from '../auth/permissions.js';
import { useMe } from '../auth/session-context.js';
import { caseApi, fromGateway } from '../cases/case-api.js';
import { formatCaseTime } from '../cases/case-format.js';
import { codeLabel, institutionName } from '../cases/labels.js';
import { RENEWABLE, RequestTracker, useNow } from '../cases/request-tracker.js';
import { useI18n } from '../i18n/i18n-context.js';
import { localUnitName } from '../layout/unit-scope.js';
import { fundsApi, REQUEST_STATES } from './funds-api.js';

const POLL_MS = 30_000;
const DAY_MS = 24 * 3600_000;

/** Re-reads the list every 30 s: institutions answer on their own time. */
function usePolling(reload: () => void): void {
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
}

function AlarmBanner({ alarms }: { alarms: readonly GatewayAlarm[] }) {
  const { t, locale } = useI18n();
  const me = useMe();
  const mayOpenCases = can(me, 'cases.read');
  if (alarms.length === 0) return null;
  const shown = alarms.slice(0, 5);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={t('funds.alarms', { count: alarms.length })}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {shown.map((a) => (
            <li key={a.id}>
              <Typography.Text type="secondary">{formatCaseTime(a.createdAt, locale)}</Typography.Text>{' '}
              {codeLabel(t, 'alarmKind', a.kind)} · {a.institution} · <code>{a.requestId}</code>
              {a.caseId !== null && mayOpenCases && (
                <>
                  {' '}
                  · <Link to={`/cases/${a.caseId}`}>{t('funds.openCase', { id: a.caseId })}</Link>
                </>
              )}
              <div style={{ color: '#8a94a6', fontSize: 12 }}>{a.message}</div>
            </li>
          ))}
          {alarms.length > shown.length && (
            <li>{t('funds.moreAlarms', { count: alarms.length - shown.length })}</li>
          )}
        </ul>
      }
    />
  );
}

/** Figures over the listed requests: holds in force, holds lapsing within a day, failures. */
function Figures({ requests, now }: { requests: readonly DisposalRequest[]; now: number }) {
  const { t } = useI18n();
  const holds = requests.filter(
    (r) =>
      r.state === 'executed' &&
      RENEWABLE.has(r.type) &&
      r.deadlineAt !== null &&
      Date.parse(r.deadlineAt) > now,
  );
  const lapsing = holds.filter((r) => Date.parse(r.deadlineAt ?? '') - now < DAY_MS);
  const pending = requests.filter(
    (r) => r.state === 'queued' || r.state === 'sent' || r.state === 'acknowledged',
  );
  const failed = requests.filter((r) => r.state === 'failed' || r.state === 'dead');
  const cards = [
    { key: 'pending', label: t('funds.pending'), value: pending.length },
    { key: 'holds', label: t('funds.holds'), value: holds.length },
    { key: 'lapsing', label: t('funds.lapsing'), value: lapsing.length, warn: lapsing.length > 0 },
    { key: 'failed', label: t('funds.failed'), value: failed.length, warn: failed.length > 0 },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={c.label}
              value={c.value}
              styles={c.warn ? { content: { color: '#cf1322' } } : undefined}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

export function FundsScreen() {
  const { t, locale } = useI18n();
  const me = useMe();
  const liaison = me.role === 'institution_liaison';
  const [state, setState] = useState<string | undefined>(undefined);
  const [institution, setInstitution] = useState<string | undefined>(undefined);
  const now = useNow(30_000);

  const institutions = useApiData((signal) => caseApi.institutions(signal), []);
  const requests = useApiData(
    (signal) => fundsApi.requests({ state, institution: liaison ? undefined : institution }, signal),
    [state, institution, liaison],
  );
  const alarms = useApiData((signal) => fundsApi.alarms(signal), []);
  usePolling(requests.reload);
  usePolling(alarms.reload);

  const rows = useMemo(() => requests.data?.items.map(fromGateway), [requests.data]);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('funds.heading')}
            </Typography.Title>
            <Typography.Text type="secondary">
              {liaison
                ? t('funds.scopeInstitution', { name: localUnitName(me.unit, locale) })
                : t('funds.scopeUnit', { name: localUnitName(me.unit, locale) })}
            </Typography.Text>
          </div>
          <Button
            icon={<ReloadOutlined />}
            loading={requests.loading}
            onClick={() => {
              requests.reload();
              alarms.reload();
            }}
          >
            {t('dashboard.refresh')}
          </Button>
        </div>
      </Card>
      <AlarmBanner alarms={alarms.data?.items ?? []} />
      <Figures requests={rows ?? []} now={now} />
      <Card
        title={t('funds.requests')}
        extra={
          <Space wrap>
            <Select
              aria-label={t('requests.state')}
              placeholder={t('requests.state')}
              allowClear
              style={{ width: 150 }}
              value={state}
              onChange={(v: string | undefined) => setState(v)}
              options={REQUEST_STATES.map((s) => ({ value: s, label: codeLabel(t, 'requestState', s) }))}
            />
            {!liaison && (
              <Select
                aria-label={t('funds.institution')}
                placeholder={t('funds.institution')}
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 220 }}
                value={institution}
                onChange={(v: string | undefined) => setInstitution(v)}
                options={(institutions.data?.items ?? []).map((i) => ({
                  value: i.code,
                  label: `${institutionName(institutions.data?.items, i.code, locale)} · ${i.code}`,
                }))}
              />
            )}
          </Space>
        }
      >
        <RequestTracker
          requests={rows}
          institutions={institutions.data?.items}
          loading={requests.loading}
          mayRenew={can(me, 'gateway.write')}
          onRenewed={requests.reload}
          caseColumn={can(me, 'cases.read') ? 'link' : 'text'}
          pageSize={50}
        />
      </Card>
    </Space>
  );
}
