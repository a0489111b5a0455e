/**
 * The fund analysis report (levee.fund-report/1) read in place: the summary figures, one table per
 * victim and per account, the Art. 8 return proposal with its public notices. The footnotes and
 * the reproducibility block stay in the PDF/XLSX (they run to dozens of pages on a real case).
 */
import { Alert, Descriptions, Space, Table, Tag, Typography } from 'antd';
import type { FundReport, TraceRule } from '../api/types.js';
import { useI18n } from '../i18n/i18n-context.js';
import type { MessageKey } from '../i18n/zh-cn.js';
import { formatCaseTime } from './case-format.js';
import { codeLabel } from './labels.js';
import { formatYuan } from './money.js';

type Account = FundReport['accounts'][number];
type Proposal = FundReport['returnProposal']['accounts'][number];

const money = (v: number) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatYuan(v)}</span>;

function accountLabel(a: Account | undefined, id: string): string {
  if (a === undefined) return id;
  const number = a.number ?? id;
  return [a.institution, number, a.holder].filter((p) => p !== undefined && p !== '').join(' · ');
}

/** The summary's figures under every rule, the chosen one first. */
function ByRule({ report }: { report: FundReport }) {
  const { t } = useI18n();
  const s = report.summary;
  const rules = [report.rule, ...report.rules.filter((r) => r !== report.rule)];
  const rows: { key: string; label: MessageKey; byRule: Partial<Record<TraceRule, number>> }[] = [
    { key: 'located', label: 'report.located', byRule: s.located.byRule },
    { key: 'sinks', label: 'report.lostToSinks', byRule: s.lostToSinks.byRule },
    { key: 'frozen', label: 'report.frozenVictimMoney', byRule: s.frozenVictimMoney.byRule },
    { key: 'return', label: 'report.proposedReturn', byRule: s.proposedReturn.byRule },
  ];
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      aria-label={t('report.byRule')}
      title={() => t('report.byRule')}
      dataSource={rows}
      columns={[
        { title: '', dataIndex: 'label', render: (k: MessageKey) => t(k) },
        ...rules.map((r) => ({
          title: r === report.rule ? <strong>{t(`rule.${r}`)}</strong> : t(`rule.${r}`),
          key: r,
          align: 'right' as const,
          render: (_: unknown, row: (typeof rows)[number]) => money(row.byRule[r] ?? 0),
        })),
      ]}
    />
  );
}

export function ReportView({ report }: { report: FundReport }) {
  const { t, locale } = useI18n();
  const s = report.summary;
  const victimName = (id: string) => report.victims.find((v) => v.id === id)?.name ?? id;
  const accounts = new Map(report.accounts.map((a) => [a.id, a]));
  const notices = report.returnProposal.accounts.filter((p) => p.publicNotice !== undefined);

  return (
    <Space orientation="vertical" size={20} style={{ width: '100%' }}>
      <Typography.Text type="secondary">
        {t('report.meta', {
          cases: report.caseNos.join('、'),
          time: formatCaseTime(report.generatedAt, locale),
          sha: report.reproducibility.ledgerSha256.slice(0, 12),
        })}
      </Typography.Text>

      <section aria-label={t('report.summary')}>
        <Typography.Title level={5}>{t('report.summary')}</Typography.Title>
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            { key: 'loss', label: t('report.loss'), children: money(s.loss) },
            { key: 'sent', label: t('report.sent'), children: money(s.sent) },
            { key: 'located', label: t('report.located'), children: money(s.located.amount) },
            { key: 'sinks', label: t('report.lostToSinks'), children: money(s.lostToSinks.amount) },
            { key: 'frozen', label: t('report.frozen'), children: money(s.frozen) },
            {
              key: 'frozenVictim',
              label: t('report.frozenVictimMoney'),
              children: money(s.frozenVictimMoney.amount),
            },
            {
              key: 'return',
              label: t('report.proposedReturn'),
              children: (
                <span>
                  <Typography.Text strong>{money(s.proposedReturn.amount)}</Typography.Text>{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('report.directProportional', {
                      direct: formatYuan(s.proposedDirect),
                      proportional: formatYuan(s.proposedProportional),
                    })}
                  </Typography.Text>
                </span>
              ),
            },
            { key: 'remaining', label: t('report.remainingFrozen'), children: money(s.remainingFrozen) },
            {
              key: 'counts',
              label: t('report.counts'),
              children: t('report.countsText', {
                victims: s.victims,
                accounts: s.accounts,
                transfers: s.transfers,
              }),
            },
            {
              key: 'gaps',
              label: t('report.gaps'),
              children:
                s.gaps.count === 0 && s.notInLedger === 0
                  ? t('report.noGaps')
                  : t('report.gapsText', {
                      count: s.gaps.count,
                      amount: formatYuan(s.gaps.amount),
                      missing: formatYuan(s.notInLedger),
                    }),
            },
          ]}
        />
      </section>

      <ByRule report={report} />

      <Table
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        aria-label={t('report.victims')}
        title={() => t('report.victims')}
        dataSource={report.victims}
        columns={[
          { title: t('trace.victim'), dataIndex: 'name' },
          { title: t('report.loss'), dataIndex: 'loss', align: 'right', render: money },
          { title: t('report.sent'), dataIndex: 'sent', align: 'right', render: money },
          {
            title: t('report.located'),
            key: 'located',
            align: 'right',
            render: (_, v) => money(v.totals.located.amount),
          },
          {
            title: t('report.frozenVictimMoney'),
            key: 'frozen',
            align: 'right',
            render: (_, v) => money(v.totals.frozen.amount),
          },
          {
            title: t('report.lostToSinks'),
            key: 'sinks',
            align: 'right',
            render: (_, v) => money(v.totals.sinks.amount),
          },
          {
            title: t('report.proposedReturn'),
            key: 'return',
            align: 'right',
            render: (_, v) => (
              <Typography.Text strong>{money(v.totals.proposedReturn.amount)}</Typography.Text>
            ),
          },
        ]}
      />

      <Table
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        aria-label={t('report.accounts')}
        title={() => t('report.accounts')}
        dataSource={report.accounts}
        columns={[
          {
            title: t('trace.account'),
            key: 'account',
            render: (_, a) => (
              <span>
                <code style={{ fontSize: 12 }}>{accountLabel(a, a.id)}</code>
                {a.sink !== undefined && (
                  <Tag style={{ marginInlineStart: 6 }}>{codeLabel(t, 'sink', a.sink)}</Tag>
                )}
                {a.untraceable && (
                  <Tag color="orange" style={{ marginInlineStart: 6 }}>
                    {t('report.untraceable')}
                  </Tag>
                )}
              </span>
            ),
          },
          { title: t('trace.balance'), dataIndex: 'balance', align: 'right', render: money },
          {
            title: t('report.victimMoney'),
            key: 'victimMoney',
            align: 'right',
            render: (_, a) =>
              money(a.origins.filter((o) => o.role === 'victim').reduce((sum, o) => sum + o.amount, 0)),
          },
          { title: t('report.frozen'), dataIndex: 'frozen', align: 'right', render: money },
          {
            title: t('report.frozenVictimMoney'),
            key: 'frozenVictim',
            align: 'right',
            render: (_, a) =>
              money(a.origins.filter((o) => o.role === 'victim').reduce((sum, o) => sum + o.frozen, 0)),
          },
        ]}
      />

      <Table<Proposal>
        size="small"
        rowKey="account"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        aria-label={t('report.proposal')}
        title={() => t('report.proposal')}
        dataSource={report.returnProposal.accounts}
        locale={{ emptyText: t('report.noProposal') }}
        columns={[
          {
            title: t('trace.account'),
            dataIndex: 'account',
            render: (id: string) => (
              <code style={{ fontSize: 12 }}>{accountLabel(accounts.get(id), id)}</code>
            ),
          },
          { title: t('report.frozen'), dataIndex: 'frozen', align: 'right', render: money },
          {
            title: t('report.returns'),
            key: 'returns',
            render: (_, p) =>
              p.returns.length === 0 ? (
                '—'
              ) : (
                <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                  {p.returns.map((r) => (
                    <li key={`${r.victim}-${r.basis}`}>
                      {victimName(r.victim)} {formatYuan(r.amount)}{' '}
                      <Tag color={r.basis === 'art8-3' ? 'orange' : 'green'}>
                        {codeLabel(t, 'basis', r.basis)}
                      </Tag>
                    </li>
                  ))}
                </ul>
              ),
          },
          { title: t('report.remaining'), dataIndex: 'remaining', align: 'right', render: money },
        ]}
      />

      {notices.length > 0 ? (
        <section aria-label={t('report.notices')}>
          <Typography.Title level={5}>{t('report.notices')}</Typography.Title>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {notices.map((p) => (
              <Alert
                key={p.account}
                type="info"
                title={t('report.noticeFor', {
                  account: accountLabel(accounts.get(p.account), p.account),
                  days: p.publicNoticeDays,
                })}
                description={
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                    {p.publicNotice}
                  </Typography.Paragraph>
                }
              />
            ))}
          </Space>
        </section>
      ) : (
        <Typography.Text type="secondary">{t('report.noNotice')}</Typography.Text>
      )}
    </Space>
  );
}
