import { Alert, Card, Col, Empty, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import type { CaseGraph, TraceComparison, TraceDocument, TraceRule } from '../api/types.js';
import { useI18n } from '../i18n/i18n-context.js';
import { TRACE_RULES } from './case-api.js';
import { accountTail } from './graph-model.js';
import { formatYuan } from './money.js';

const sum = (values: Record<string, number>) => Object.values(values).reduce((s, v) => s + v, 0);

/** The rule switch: FIFO, LIFO, lowest intermediate balance, pro rata. Shared by graph and tracing. */
export function RuleSwitch({ rule, onChange }: { rule: TraceRule; onChange(rule: TraceRule): void }) {
  const { t } = useI18n();
  return (
    <Segmented<TraceRule>
      aria-label={t('trace.rule')}
      value={rule}
      onChange={onChange}
      options={TRACE_RULES.map((r) => ({ value: r, label: t(`rule.${r}`) }))}
    />
  );
}

/** Names accounts and victims the way the graph does. */
function useNames(graph: CaseGraph | null | undefined) {
  return (key: string): string => {
    const v = graph?.victims.find((x) => x.key === key);
    if (v) return v.name;
    const a = graph?.accounts.find((x) => x.key === key);
    if (a) return `${a.holder || '—'} · ${a.institutionName ?? a.institution} ${accountTail(a.account)}`;
    return key;
  };
}

/** Where each victim's money is under the chosen rule, what every account holds of whom, and all rules side by side. */
export function TracingPanel({
  rule,
  onRule,
  trace,
  compare,
  graph,
}: {
  rule: TraceRule;
  onRule(rule: TraceRule): void;
  trace: TraceDocument | null | undefined;
  compare: TraceComparison | null | undefined;
  graph: CaseGraph | null | undefined;
}) {
  const { t } = useI18n();
  const name = useNames(graph);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        <Typography.Text strong>{t('trace.rule')}</Typography.Text>
        <RuleSwitch rule={rule} onChange={onRule} />
        <Typography.Text type="secondary">{t(`rule.${rule}.explain`)}</Typography.Text>
      </div>
      {trace === null && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('trace.unavailable')} />}
      {trace && (
        <>
          <section aria-label={t('trace.byVictim')}>
            <Typography.Title level={5}>{t('trace.byVictim')}</Typography.Title>
            <Row gutter={[16, 16]}>
              {Object.entries(trace.victims).map(([key, v]) => (
                <Col xs={24} lg={12} key={key}>
                  <Card size="small" title={name(key)}>
                    <Row gutter={16}>
                      <Col span={8}>
                        <Statistic title={t('trace.sent')} value={formatYuan(v.sent)} />
                      </Col>
                      <Col span={8}>
                        <Statistic
                          title={t('trace.located')}
                          value={formatYuan(sum(v.located))}
                          styles={{ content: { color: '#08979c' } }}
                        />
                      </Col>
                      <Col span={8}>
                        <Statistic
                          title={t('trace.sinks')}
                          value={formatYuan(sum(v.sinks))}
                          styles={{ content: { color: '#cf1322' } }}
                        />
                      </Col>
                    </Row>
                    <Table
                      style={{ marginTop: 12 }}
                      size="small"
                      pagination={false}
                      rowKey="key"
                      locale={{ emptyText: t('common.empty') }}
                      dataSource={[
                        ...Object.entries(v.located).map(([k, amount]) => ({ key: k, amount, sink: false })),
                        ...Object.entries(v.sinks).map(([k, amount]) => ({ key: k, amount, sink: true })),
                      ]}
                      columns={[
                        { title: t('trace.account'), dataIndex: 'key', render: (k: string) => name(k) },
                        {
                          title: t('trace.where'),
                          dataIndex: 'sink',
                          render: (s: boolean) => (s ? t('trace.inSink') : t('trace.inAccount')),
                        },
                        {
                          title: t('trace.amount'),
                          dataIndex: 'amount',
                          align: 'right',
                          render: (a: number) => formatYuan(a),
                        },
                      ]}
                    />
                  </Card>
                </Col>
              ))}
            </Row>
          </section>
          {trace.gaps.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('trace.gaps', { count: trace.gaps.length })}
              description={trace.gaps
                .map((g) => `${name(g.account)} ${g.transfer} ${formatYuan(g.amount)}`)
                .join('；')}
            />
          )}
          <section aria-label={t('trace.byAccount')}>
            <Typography.Title level={5}>{t('trace.byAccount')}</Typography.Title>
            <Table
              size="small"
              rowKey="key"
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              dataSource={Object.entries(trace.accounts)
                .filter(([, a]) => a.balance !== 0)
                .map(([key, a]) => ({ key, ...a }))}
              columns={[
                { title: t('trace.account'), dataIndex: 'key', render: (k: string) => name(k) },
                {
                  title: t('trace.balance'),
                  dataIndex: 'balance',
                  align: 'right',
                  render: (b: number) => formatYuan(b),
                },
                {
                  title: t('trace.origins'),
                  dataIndex: 'byOrigin',
                  render: (o: Record<string, number>) =>
                    Object.entries(o)
                      .map(([origin, amount]) => `${name(origin)} ${formatYuan(amount)}`)
                      .join('；'),
                },
              ]}
            />
          </section>
        </>
      )}
      {compare && (
        <section aria-label={t('trace.compare')}>
          <Typography.Title level={5}>{t('trace.compare')}</Typography.Title>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={Object.entries(compare.victims).map(([key, byRule]) => ({ key, byRule }))}
            columns={[
              { title: t('trace.victim'), dataIndex: 'key', render: (k: string) => name(k) },
              ...compare.rules.map((r) => ({
                title: t(`rule.${r}`),
                key: r,
                align: 'right' as const,
                render: (_: unknown, row: { byRule: TraceComparison['victims'][string] }) => {
                  const cell = row.byRule[r];
                  if (cell === undefined) return '—';
                  return (
                    <span style={{ fontVariantNumeric: 'tabular-nums', fontWeight: r === rule ? 600 : 400 }}>
                      {formatYuan(cell.located)}
                      <br />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('trace.sinksShort', { amount: formatYuan(cell.sinks) })}
                      </Typography.Text>
                    </span>
                  );
                },
              })),
            ]}
          />
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey="key"
            pagination={{ pageSize: 15, hideOnSinglePage: true }}
            dataSource={Object.entries(compare.accounts).map(([key, byRule]) => ({ key, byRule }))}
            columns={[
              { title: t('trace.account'), dataIndex: 'key', render: (k: string) => name(k) },
              ...compare.rules.map((r) => ({
                title: t(`rule.${r}`),
                key: r,
                align: 'right' as const,
                render: (_: unknown, row: { byRule: TraceComparison['accounts'][string] }) => {
                  const v = row.byRule[r];
                  return v === undefined ? '—' : formatYuan(v);
                },
              })),
            ]}
          />
        </section>
      )}
    </Space>
  );
}
