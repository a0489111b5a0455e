import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import type { Dashboard, PersonCategory } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { ActivityChart } from '../components/activity-chart.js';
import { useI18n } from '../i18n/i18n-context.js';
import { lookup } from '../i18n/translate.js';
import { localUnitName, useUnitScope } from '../layout/unit-scope.js';
import { ADMIN_ICON, ADMIN_PAGES, findModule } from '../modules.js';
import { can } from '../auth/permissions.js';
import { useMe } from '../auth/session-context.js';
import { formatDateTime } from '../format.js';
import { formatYuan } from '../cases/money.js';

const CATEGORIES: readonly PersonCategory[] = ['victim', 'at_risk', 'suspect'];
const CATEGORY_COLOURS: Record<PersonCategory, string> = {
  victim: 'orange',
  at_risk: 'gold',
  suspect: 'red',
};

export function DashboardScreen() {
  const { t, locale } = useI18n();
  const { unitId } = useUnitScope();
  const me = useMe();
  const adminPath = ADMIN_PAGES.find((p) => can(me, p.permission))?.path;
  const { data, loading, reload } = useApiData(
    (signal) => api.get<Dashboard>('/api/dashboard', { unitId }, signal),
    [unitId],
  );

  if (data === undefined) {
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }

  const { figures } = data;
  const cards = [
    { key: 'units', label: t('dashboard.units'), value: figures.units },
    { key: 'users', label: t('dashboard.users'), value: figures.users },
    { key: 'persons', label: t('dashboard.persons'), value: figures.persons },
    { key: 'audit', label: t('dashboard.auditToday'), value: figures.auditEventsToday },
    { key: 'logins', label: t('dashboard.loginsToday'), value: figures.loginsToday },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div style={{ display: 'flex', alignItems: 'flex-end', justifyContent: 'space-between', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('dashboard.heading')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {localUnitName(data.unit, locale)} ·{' '}
            {t('dashboard.generatedAt', { time: formatDateTime(data.generatedAt, locale) })}
          </Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={reload} loading={loading}>
          {t('dashboard.refresh')}
        </Button>
      </div>

      {(figures.cases || figures.tasks) && (
        <Row gutter={[16, 16]} aria-label={t('dashboard.work')}>
          {figures.cases && (
            <>
              <WorkCard to="/cases" title={t('dashboard.openCases')} value={figures.cases.open} />
              <WorkCard
                to="/cases"
                title={t('dashboard.reportedToday')}
                value={figures.cases.reportedToday}
              />
              <WorkCard
                to="/cases"
                title={t('dashboard.lossToday')}
                value={formatYuan(figures.cases.lossToday)}
                colour="#cf1322"
              />
              <WorkCard
                to="/funds"
                title={t('dashboard.frozen')}
                value={formatYuan(figures.cases.frozen)}
                colour="#389e0d"
              />
            </>
          )}
          {figures.tasks && (
            <WorkCard
              to="/tasks"
              title={t('dashboard.tasks')}
              value={figures.tasks.active}
              suffix={
                figures.tasks.overdue > 0 ? (
                  <Tag color="red" style={{ marginInlineStart: 8 }}>
                    {t('dashboard.tasksOverdue', { count: figures.tasks.overdue })}
                  </Tag>
                ) : undefined
              }
            />
          )}
        </Row>
      )}

      <Row gutter={[16, 16]}>
        {cards.map((card) => (
          <Col key={card.key} xs={12} md={8} xl={24 / 5} style={{ flex: '1 1 0' }}>
            <Card size="small" style={{ height: '100%' }}>
              <Statistic title={card.label} value={card.value} />
            </Card>
          </Col>
        ))}
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('dashboard.activity')} size="small">
            <ActivityChart points={data.activity} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('dashboard.byCategory')} size="small" style={{ marginBottom: 16 }}>
            <Row gutter={8}>
              {CATEGORIES.map((c) => (
                <Col span={8} key={c}>
                  <Statistic
                    title={<Tag color={CATEGORY_COLOURS[c]}>{t(`category.${c}`)}</Tag>}
                    value={figures.personsByCategory[c] ?? 0}
                  />
                </Col>
              ))}
            </Row>
          </Card>
          <Card title={t('dashboard.modules')} size="small">
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {data.modules.map((item, index) => {
                const spec = findModule(item.key);
                const labelKey = spec?.label ?? lookup(`nav.${item.key}`);
                const path = spec?.path ?? (item.key === 'admin' ? adminPath : undefined);
                // A module the console has screens for is ready whatever an older server says.
                const ready = item.status === 'ready' || spec?.ready === true;
                return (
                  <li
                    key={item.key}
                    style={{
                      display: 'flex',
                      alignItems: 'center',
                      gap: 12,
                      padding: '9px 4px',
                      borderTop: index === 0 ? undefined : '1px solid #f0f0f0',
                    }}
                  >
                    <span style={{ width: 16, color: '#5b6b8c' }}>{spec?.icon ?? ADMIN_ICON}</span>
                    <span style={{ flex: 1 }}>{labelKey === undefined ? item.key : t(labelKey)}</span>
                    <Tag color={ready ? 'green' : 'default'} style={{ marginInlineEnd: 0 }}>
                      {ready ? t('dashboard.moduleReady') : t('dashboard.moduleComing')}
                    </Tag>
                    <span style={{ width: 40, textAlign: 'end' }}>
                      {path !== undefined && <Link to={path}>{t('dashboard.open')}</Link>}
                    </span>
                  </li>
                );
              })}
            </ul>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

/** A figure of the day's work that opens the screen behind it. */
function WorkCard({
  to,
  title,
  value,
  colour,
  suffix,
}: {
  to: string;
  title: string;
  value: number | string;
  colour?: string;
  suffix?: React.ReactNode;
}) {
  return (
    <Col xs={12} md={8} xl={24 / 5} style={{ flex: '1 1 0' }}>
      <Link to={to} style={{ display: 'block', height: '100%' }}>
        <Card size="small" hoverable style={{ height: '100%' }}>
          <Statistic
            title={title}
            value={value}
            suffix={suffix}
            styles={colour ? { content: { color: colour } } : undefined}
          />
        </Card>
      </Link>
    </Col>
  );
}
