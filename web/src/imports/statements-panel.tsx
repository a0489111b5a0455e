/**
 * Statements of a case: upload (with progress) → dry-run preview (rows as Levee read them, rows it
 * could not read, the balance reconciliation, how many rows the case ledger already holds) →
 * import as a batch; the mapping screen when the header is unknown; the batch list with withdraw.
 * Mounted as a tab of the case page (`<StatementsPanel caseId={…} />`) and at /cases/:id/statements.
 */
import {
  Alert,
  Button,
  Checkbox,
  Descriptions,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useApiData, useErrorText, useShowError } from '../api/use-api.js';
import { useSession } from '../auth/session-context.js';
import { formatYuan } from '../cases/money.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { MappingEditor } from './mapping-editor.js';
import {
  type Batch,
  type ImportResult,
  type PreviewTransaction,
  type RowError,
  statementApi,
  uploadStatement,
} from './statement-api.js';

export function StatementsPanel({ caseId }: { caseId: number }) {
  const { t, locale } = useI18n();
  const { state } = useSession();
  const mayWrite = state.status === 'authenticated' && state.me.permissions.includes('cases.write');
  const showError = useShowError();
  const errorText = useErrorText();
  const batches = useApiData((signal) => statementApi.list(caseId, signal), [caseId]);
  const presets = useApiData((signal) => statementApi.presets(signal), []);

  const [file, setFile] = useState<File | undefined>();
  const [preset, setPreset] = useState('auto');
  const [institution, setInstitution] = useState('');
  const [account, setAccount] = useState('');
  const [accept, setAccept] = useState(false);
  const [progress, setProgress] = useState<number | undefined>();
  const [result, setResult] = useState<ImportResult | undefined>();
  const [refusal, setRefusal] = useState<{
    title: string;
    detail?: string;
    errors?: readonly { field: string; message: string }[];
  }>();
  const [withdrawing, setWithdrawing] = useState<Batch | undefined>();
  const [reason, setReason] = useState('');

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setProgress(0);
    setRefusal(undefined);
    try {
      const r = await uploadStatement(
        caseId,
        file,
        { dryRun, preset, institution, account, acceptUnreconciled: accept },
        setProgress,
      );
      setResult(r);
      if (!dryRun) batches.reload();
    } catch (error) {
      const { title, detail } = errorText(error);
      const errors = (error as { errors?: readonly { field: string; message: string }[] }).errors;
      setRefusal({ title, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) });
    } finally {
      setProgress(undefined);
    }
  };

  const withdraw = async () => {
    if (!withdrawing) return;
    try {
      await statementApi.withdraw(caseId, withdrawing.id, reason);
      setWithdrawing(undefined);
      setReason('');
      batches.reload();
    } catch (error) {
      showError(error);
    }
  };

  const preview = result?.preview;
  const broken = preview?.reconciliation.status === 'broken';
  const importable =
    result?.dryRun === true &&
    preview !== undefined &&
    preview.errorCount === 0 &&
    preview.totals.transactions > 0 &&
    (!broken || accept) &&
    result.sameFileBatchId === null &&
    result.statementAccounts.length > 0;

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {mayWrite && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <input
              type="file"
              aria-label={t('imports.file')}
              accept=".csv,.tsv,.txt,.xls,.xlsx"
              onChange={(e) => {
                setFile(e.target.files?.[0]);
                setResult(undefined);
                setRefusal(undefined);
              }}
            />
            <Select
              aria-label={t('imports.preset')}
              style={{ minWidth: 180 }}
              value={preset}
              onChange={setPreset}
              options={(presets.data?.presets ?? [{ name: 'auto', description: '' }]).map((p) => ({
                value: p.name,
                label: p.name,
              }))}
            />
            <Input
              style={{ width: 160 }}
              placeholder={t('imports.institution')}
              value={institution}
              onChange={(e) => setInstitution(e.target.value)}
            />
            <Input
              style={{ width: 220 }}
              placeholder={t('imports.account')}
              value={account}
              onChange={(e) => setAccount(e.target.value)}
            />
            <Checkbox checked={accept} onChange={(e) => setAccept(e.target.checked)}>
              {t('imports.acceptUnreconciled')}
            </Checkbox>
            <Button disabled={!file || progress !== undefined} onClick={() => run(true)}>
              {t('imports.check')}
            </Button>
            <Button
              type="primary"
              disabled={!importable || progress !== undefined}
              onClick={() => run(false)}
            >
              {t('imports.import')}
            </Button>
          </Space>
          {progress !== undefined && <Progress percent={Math.round(progress * 100)} status="active" />}
        </Space>
      )}

      {refusal && (
        <Alert
          type="error"
          showIcon
          message={refusal.title}
          description={
            <>
              {refusal.detail}
              {refusal.errors && (
                <ul>
                  {refusal.errors.map((e) => (
                    <li key={`${e.field}-${e.message}`}>
                      <Typography.Text code>{e.field}</Typography.Text> {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          }
        />
      )}

      {result?.batch && (
        <Alert
          type="success"
          showIcon
          message={t('imports.imported', {
            id: result.batch.id,
            added: result.batch.transfers,
            duplicates: result.batch.duplicates,
          })}
        />
      )}

      {result?.fileProblem?.header && presets.data ? (
        <MappingEditor
          problem={{ ...result.fileProblem, header: result.fileProblem.header }}
          fields={presets.data.fields}
          onSaved={() => run(true)}
        />
      ) : result?.fileProblem ? (
        <Alert
          type="error"
          showIcon
          message={result.fileProblem.kind}
          description={result.fileProblem.detail}
        />
      ) : null}

      {result?.dryRun && preview && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('imports.statementAccount')}>
              {result.statementAccounts.map((a) => `${a.institution} ${a.account} ${a.holder}`).join(', ') ||
                '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.rows')}>
              {t('imports.rowsSummary', {
                rows: preview.totals.transactions,
                fresh: result.newTransfers,
                duplicates: result.duplicates,
              })}
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.moneyIn')}>
              {preview.totals.creditCount} · {formatYuan(preview.totals.creditFen)}
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.moneyOut')}>
              {preview.totals.debitCount} · {formatYuan(preview.totals.debitFen)}
            </Descriptions.Item>
          </Descriptions>
          {result.sameFileBatchId !== null && (
            <Alert type="warning" showIcon message={t('imports.sameFile', { id: result.sameFileBatchId })} />
          )}
          {preview.reconciliation.accounts.map((a) => (
            <Alert
              key={a.account}
              type={a.status === 'broken' ? 'error' : a.status === 'reconciled' ? 'success' : 'info'}
              showIcon
              message={
                a.firstBreak
                  ? t('imports.reconBroken', {
                      account: a.account,
                      line: `${a.firstBreak.sheet}!${a.firstBreak.line}`,
                      found: formatYuan(a.firstBreak.found),
                      expected: formatYuan(a.firstBreak.expected),
                      breaks: a.breaks,
                    })
                  : t(a.status === 'reconciled' ? 'imports.reconOk' : 'imports.reconNone', {
                      account: a.account,
                      pairs: a.checkedPairs,
                    })
              }
            />
          ))}
          {preview.errorCount > 0 && (
            <Table<RowError>
              size="small"
              title={() => t('imports.rowErrors', { count: preview.errorCount })}
              rowKey={(e) => `${e.sheet}!${e.line}!${e.column ?? ''}`}
              dataSource={preview.errors}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: t('imports.line'), render: (_, e) => `${e.sheet}!${e.line}` },
                { title: t('imports.column'), dataIndex: 'column' },
                { title: t('imports.value'), dataIndex: 'value' },
                { title: t('imports.reason'), dataIndex: 'reason' },
              ]}
            />
          )}
          <Table<PreviewTransaction>
            size="small"
            title={() => t('imports.preview', { count: preview.preview.length })}
            rowKey={(r) => `${r.sheet}!${r.line}`}
            dataSource={preview.preview}
            pagination={false}
            columns={[
              { title: t('imports.line'), render: (_, r) => `${r.sheet}!${r.line}` },
              {
                title: t('imports.time'),
                dataIndex: 'time',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: t('imports.direction'),
                dataIndex: 'direction',
                render: (v: string) => (
                  <Tag color={v === 'credit' ? 'green' : 'orange'}>
                    {t(v === 'credit' ? 'imports.in' : 'imports.out')}
                  </Tag>
                ),
              },
              {
                title: t('imports.amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (v: number) => formatYuan(v),
              },
              {
                title: t('imports.balance'),
                dataIndex: 'balance',
                align: 'right',
                render: (v: number | undefined) => (v === undefined ? '' : formatYuan(v)),
              },
              {
                title: t('imports.counterparty'),
                render: (_, r) =>
                  [r.counterpartyAccount, r.counterpartyName].filter(Boolean).join(' ') || r.summary,
              },
            ]}
          />
        </Space>
      )}

      <Table<Batch>
        size="small"
        title={() => t('imports.batches')}
        rowKey="id"
        loading={batches.loading}
        dataSource={batches.data?.items ?? []}
        pagination={false}
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('imports.file'), dataIndex: 'fileName' },
          { title: t('imports.statementAccount'), render: (_, b) => `${b.institution} ${b.account}` },
          { title: t('imports.rows'), dataIndex: 'rows' },
          { title: t('imports.added'), dataIndex: 'transfers' },
          { title: t('imports.duplicates'), dataIndex: 'duplicates' },
          {
            title: t('imports.reconciliation'),
            render: (_, b) => (
              <Tag color={b.reconciliation === 'broken' ? 'red' : 'green'}>
                {b.reconciliation}
                {b.acceptedUnreconciled ? ` · ${t('imports.accepted')}` : ''}
              </Tag>
            ),
          },
          {
            title: t('imports.importedBy'),
            render: (_, b) => `${b.createdBy} · ${formatDateTime(b.createdAt, locale)}`,
          },
          {
            title: t('imports.state'),
            render: (_, b) =>
              b.state === 'active' ? (
                mayWrite ? (
                  <Button size="small" danger onClick={() => setWithdrawing(b)}>
                    {t('imports.withdraw')}
                  </Button>
                ) : (
                  <Tag color="blue">{t('imports.active')}</Tag>
                )
              ) : (
                <Tag title={b.withdrawnReason ?? ''}>
                  {t('imports.withdrawn', { by: b.withdrawnBy ?? '' })}
                </Tag>
              ),
          },
        ]}
      />

      <Modal
        open={withdrawing !== undefined}
        title={t('imports.withdrawTitle', { id: withdrawing?.id ?? '', file: withdrawing?.fileName ?? '' })}
        okText={t('imports.withdraw')}
        okButtonProps={{ danger: true, disabled: reason.trim().length < 2 }}
        onOk={withdraw}
        onCancel={() => setWithdrawing(undefined)}
      >
        <Input.TextArea
          aria-label={t('imports.withdrawReason')}
          placeholder={t('imports.withdrawReason')}
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Space>
  );
}
