import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Card,
  Col,
  Descriptions,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/client.js';
import type { CaseDetail, CaseSummary, TraceRule } from '../api/types.js';
import { useApiData, useLiveData } from '../api/use-api.js';
import { useMe } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';
import { StatementsPanel } from '../imports/statements-panel.js';
import { CaseTasksPanel } from '../tasks/case-tasks-panel.js';
import { tasksApi } from '../tasks/tasks-api.js';
import { useUnitScope } from '../layout/unit-scope.js';
import { AccountDrawer } from './account-drawer.js';
import { AutomationControl, ReportButtons } from './case-actions.js';
import { caseApi } from './case-api.js';
import { formatCaseTime } from './case-format.js';
import { CaseTimeline } from './case-timeline.js';
import { graphFromReport, toFlowModel } from './graph-model.js';
import { IntakeNotices } from './intake-notices.js';
import { codeLabel, institutionName, scamTypeName } from './labels.js';
import { MoneyFlowGraph } from './money-flow-graph.js';
import { formatYuan } from './money.js';
import { RequestTracker } from './request-tracker.js';
import { RuleSwitch, TracingPanel } from './tracing-panel.js';
import { type CaseChange, useCaseEvents } from './use-case-events.js';

const LIVE_BADGE = { connecting: 'default', live: 'success', polling: 'warning' } as const;

function CaseHeader({
  detail,
  summary,
  rule,
  live,
  mayWrite,
  onSummary,
}: {
  detail: CaseDetail;
  summary: CaseSummary;
  rule: TraceRule;
  live: keyof typeof LIVE_BADGE;
  mayWrite: boolean;
  onSummary(next: CaseSummary): void;
}) {
  const { t, locale } = useI18n();
  const { unitName } = useUnitScope();
  const types = useApiData((signal) => caseApi.scamTypes(signal), []);
  const paused = summary.automation === 'paused';
  return (
    <Card>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
        <div>
          <Link to="/cases" style={{ fontSize: 13 }}>
            <ArrowLeftOutlined /> {t('case.back')}
          </Link>
          <Typography.Title level={3} style={{ margin: '6px 0 4px' }}>
            {t('case.heading', { caseNo: summary.caseNo })}
          </Typography.Title>
          <Space size={8} wrap>
            <Tag color="geekblue">{scamTypeName(types.data?.items, summary.scamType, locale)}</Tag>
            <Tag color={summary.status === 'open' ? 'blue' : 'default'}>
              {codeLabel(t, 'caseStatus', summary.status)}
            </Tag>
            <Tag color={paused ? 'warning' : 'success'}>
              {paused ? t('automation.paused') : t('automation.running')}
            </Tag>
            <Badge status={LIVE_BADGE[live]} text={t(`live.${live}`)} />
          </Space>
        </div>
        <Space align="start" wrap>
          <AutomationControl summary={summary} mayWrite={mayWrite} onChanged={onSummary} />
          <ReportButtons caseId={summary.id} rule={rule} />
        </Space>
      </div>
      <Descriptions
        style={{ marginTop: 16 }}
        size="small"
        column={{ xs: 1, sm: 2, lg: 4 }}
        items={[
          {
            key: 'loss',
            label: t('case.loss'),
            children: (
              <Typography.Text strong style={{ color: '#cf1322', fontSize: 16 }}>
                {formatYuan(summary.lossTotal)}
              </Typography.Text>
            ),
          },
          {
            key: 'victims',
            label: t('case.victims'),
            children: detail.victims.map((v) => v.name).join('、') || '—',
          },
          { key: 'unit', label: t('case.unit'), children: summary.unitName ?? unitName(summary.unitId) },
          {
            key: 'reportedAt',
            label: t('case.reportedAt'),
            children: formatCaseTime(summary.reportedAt, locale),
          },
        ]}
      />
      {detail.narrative !== '' && (
        <Typography.Paragraph
          type="secondary"
          style={{ margin: '8px 0 0' }}
          ellipsis={{ rows: 2, expandable: true }}
        >
          {detail.narrative}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

function Payments({
  detail,
  institutions,
}: {
  detail: CaseDetail;
  institutions: Parameters<typeof institutionName>[0];
}) {
  const { t, locale } = useI18n();
  const victimName = (id: number) => detail.victims.find((v) => v.id === id)?.name ?? `#${id}`;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        items={detail.victims.flatMap((v) => [
          { key: `n${v.id}`, label: t('intake.victimName'), children: v.name },
          { key: `i${v.id}`, label: t('intake.idNumber'), children: <code>{v.idNumber}</code> },
          { key: `p${v.id}`, label: t('intake.phone'), children: <code>{v.phone}</code> },
          { key: `a${v.id}`, label: t('intake.address'), children: v.address || '—' },
        ])}
      />
      <Table
        aria-label={t('case.payments')}
        rowKey="id"
        size="middle"
        pagination={false}
        dataSource={detail.payments}
        columns={[
          { title: t('intake.payTime'), dataIndex: 'time', render: (v: string) => formatCaseTime(v, locale) },
          { title: t('case.payer'), dataIndex: 'victimId', render: (id: number) => victimName(id) },
          {
            title: t('intake.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (v: number) => (
              <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatYuan(v)}</span>
            ),
          },
          {
            title: t('intake.channel'),
            dataIndex: 'channel',
            render: (v: string) => codeLabel(t, 'channel', v),
          },
          {
            title: t('intake.institution'),
            dataIndex: 'institution',
            render: (v: string) => institutionName(institutions, v, locale),
          },
          { title: t('intake.account'), dataIndex: 'account', render: (v: string) => <code>{v}</code> },
          { title: t('intake.accountName'), dataIndex: 'accountName' },
        ]}
        summary={(rows) => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={2}>
              <Typography.Text strong>{t('case.total', { count: rows.length })}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              <Typography.Text strong>{formatYuan(rows.reduce((s, p) => s + p.amount, 0))}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} colSpan={4} />
          </Table.Summary.Row>
        )}
      />
    </Space>
  );
}

function Artefacts({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Table
        rowKey="id"
        size="middle"
        pagination={false}
        dataSource={detail.artefacts}
        locale={{ emptyText: t('case.noArtefacts') }}
        columns={[
          {
            title: t('intake.artefactKind'),
            dataIndex: 'kind',
            render: (v: string) => codeLabel(t, 'artefact', v),
          },
          { title: t('intake.artefactValue'), dataIndex: 'value' },
          { title: t('case.normalized'), dataIndex: 'normalized', render: (v: string) => <code>{v}</code> },
          {
            title: t('case.flags'),
            dataIndex: 'flags',
            render: (flags: string[]) =>
              flags.map((f) => (
                <Tag key={f} color="red">
                  {codeLabel(t, 'flag', f)}
                </Tag>
              )),
          },
        ]}
      />
      <IntakeNotices
        warnings={detail.warnings}
        links={detail.links.map((l) => ({
          caseId: l.caseId,
          label: `${l.caseNo}${t('punct.paren', { text: l.reason })}`,
        }))}
      />
    </Space>
  );
}

/** One case: header, live money-flow graph, timeline, requests, tracing under a chosen rule. */
export function CaseScreen() {
  const { t, locale } = useI18n();
  const me = useMe();
  const caseId = Number(useParams()['id']);
  const mayWrite = me.permissions.includes('cases.write');
  const [rule, setRule] = useState<TraceRule>('fifo');
  const [selected, setSelected] = useState<string | null>(null);
  const [summaryOverride, setSummaryOverride] = useState<CaseSummary | null>(null);
  const [notFound, setNotFound] = useState(false);

  const detail = useLiveData(
    (signal) =>
      caseApi.get(caseId, signal).catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
          setNotFound(true);
          return null;
        }
        throw error;
      }),
    [caseId],
  );
  const institutions = useApiData((signal) => caseApi.institutions(signal), []);
  const timeline = useLiveData((signal) => caseApi.timeline(caseId, signal), [caseId]);
  const graph = useLiveData((signal) => caseApi.graph(caseId, rule, signal), [caseId, rule]);
  const requests = useLiveData((signal) => caseApi.requests(caseId, signal), [caseId]);
  const trace = useLiveData((signal) => caseApi.trace(caseId, rule, signal), [caseId, rule]);
  const compare = useLiveData((signal) => caseApi.compare(caseId, signal), [caseId]);
  const tasks = useLiveData((signal) => tasksApi.ofCase(caseId, signal), [caseId]);
  const taskKinds = useApiData((signal) => tasksApi.kinds(signal), []);

  const onChange = useCallback(
    (kinds: readonly CaseChange[]) => {
      if (kinds.includes('timeline')) {
        timeline.refresh();
        detail.refresh();
      }
      if (kinds.includes('graph')) {
        graph.refresh();
        trace.refresh();
        compare.refresh();
      }
      if (kinds.includes('requests')) requests.refresh();
      if (kinds.includes('tasks')) tasks.refresh();
    },
    [
      timeline.refresh,
      detail.refresh,
      graph.refresh,
      trace.refresh,
      compare.refresh,
      requests.refresh,
      tasks.refresh,
    ],
  );
  const live = useCaseEvents(caseId, onChange);

  // The graph endpoint's answer, or — while it is missing — the first column drawn from the report.
  const caseGraph = useMemo(() => {
    if (graph.data) return graph.data;
    if (graph.data === null && detail.data)
      return graphFromReport(detail.data, (code) => institutionName(institutions.data?.items, code, locale));
    return null;
  }, [graph.data, detail.data, institutions.data, locale]);
  const model = useMemo(() => (caseGraph ? toFlowModel(caseGraph) : null), [caseGraph]);

  if (notFound || !Number.isSafeInteger(caseId))
    return (
      <Card>
        <Result status="404" title={t('case.notFound')} extra={<Link to="/cases">{t('case.back')}</Link>} />
      </Card>
    );
  if (!detail.data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 10 }} />
      </Card>
    );
  const summary = summaryOverride?.id === caseId ? summaryOverride : detail.data.case;
  const requestCount = requests.data?.items.length;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <CaseHeader
        detail={detail.data}
        summary={summary}
        rule={rule}
        live={live}
        mayWrite={mayWrite}
        onSummary={(next) => {
          setSummaryOverride(next);
          timeline.refresh();
        }}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Card
            title={t('graph.title')}
            extra={
              <Space wrap>
                <Select
                  aria-label={t('graph.find')}
                  placeholder={t('graph.find')}
                  showSearch={{ optionFilterProp: 'label' }}
                  style={{ width: 220 }}
                  value={null}
                  onChange={(key: string) => setSelected(key)}
                  options={(model?.nodes ?? []).map((n) => ({
                    value: n.id,
                    label: n.kind === 'victim' ? n.title : `${n.title} · ${n.subtitle}`,
                  }))}
                />
                <RuleSwitch rule={rule} onChange={setRule} />
              </Space>
            }
            styles={{ body: { paddingTop: 12 } }}
          >
            {graph.data === null && (
              <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('graph.fromReport')} />
            )}
            {model ? (
              <MoneyFlowGraph model={model} onSelect={setSelected} />
            ) : (
              <Skeleton active paragraph={{ rows: 8 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Card title={t('timeline.title')} styles={{ body: { maxHeight: 600, overflowY: 'auto' } }}>
            <CaseTimeline events={timeline.data?.items} />
          </Card>
        </Col>
      </Row>
      <Card>
        <Tabs
          items={[
            {
              key: 'payments',
              label: t('case.tabPayments'),
              children: <Payments detail={detail.data} institutions={institutions.data?.items} />,
            },
            {
              key: 'requests',
              label:
                requestCount === undefined
                  ? t('case.tabRequests')
                  : `${t('case.tabRequests')} (${requestCount})`,
              children: (
                <RequestTracker
                  requests={requests.data === null ? null : requests.data?.items}
                  institutions={institutions.data?.items}
                  loading={requests.loading}
                  mayRenew={me.permissions.includes('gateway.write')}
                  onRenewed={() => {
                    requests.refresh();
                    timeline.refresh();
                  }}
                />
              ),
            },
            {
              key: 'tracing',
              label: t('case.tabTracing'),
              children: (
                <TracingPanel
                  rule={rule}
                  onRule={setRule}
                  trace={trace.data}
                  compare={compare.data}
                  graph={caseGraph}
                />
              ),
            },
            {
              key: 'tasks',
              label:
                tasks.data?.items === undefined
                  ? t('case.tabTasks')
                  : `${t('case.tabTasks')} (${tasks.data.items.length})`,
              children: (
                <CaseTasksPanel
                  caseId={caseId}
                  tasks={tasks.data === null ? [] : tasks.data?.items}
                  kinds={taskKinds.data?.items}
                  mayGive={me.permissions.includes('tasks.write')}
                  onChanged={() => {
                    tasks.refresh();
                    timeline.refresh();
                  }}
                />
              ),
            },
            {
              key: 'statements',
              label: t('case.tabStatements'),
              children: <StatementsPanel caseId={caseId} />,
            },
            { key: 'artefacts', label: t('case.tabArtefacts'), children: <Artefacts detail={detail.data} /> },
          ]}
        />
      </Card>
      <AccountDrawer
        caseId={caseId}
        nodeKey={selected}
        graph={caseGraph}
        trace={trace.data}
        requests={requests.data?.items ?? []}
        events={timeline.data?.items}
        mayWrite={mayWrite}
        onClose={() => setSelected(null)}
        onChanged={() => {
          graph.refresh();
          trace.refresh();
          timeline.refresh();
          requests.refresh();
        }}
      />
    </Space>
  );
}
