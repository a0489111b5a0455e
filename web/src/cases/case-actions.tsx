import {
  FileExcelOutlined,
  FilePdfOutlined,
  FileTextOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
} from '@ant-design/icons';
import { App, Button, Empty, Form, Input, Modal, Space, Spin } from 'antd';
import { useState } from 'react';
import type { CaseSummary, FundReport, TraceRule } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { caseApi } from './case-api.js';
import { ReportView } from './report-view.js';

const REASON_MIN = 2;

/** Pause or resume the automatic disposal; the server records the reason on the timeline. */
export function AutomationControl({
  summary,
  mayWrite,
  onChanged,
}: {
  summary: CaseSummary;
  mayWrite: boolean;
  onChanged(next: CaseSummary): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const paused = summary.automation === 'paused';
  const target = paused ? 'running' : 'paused';

  const submit = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return;
    }
    setBusy(true);
    try {
      const next = await caseApi.setAutomation(summary.id, target, reason.trim());
      void message.success(paused ? t('automation.resumed') : t('automation.pausedDone'));
      setOpen(false);
      form.resetFields();
      onChanged(next);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  if (!mayWrite) return null;
  return (
    <>
      <Button
        icon={paused ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
        onClick={() => setOpen(true)}
        type={paused ? 'primary' : 'default'}
      >
        {paused ? t('automation.resume') : t('automation.pause')}
      </Button>
      <Modal
        open={open}
        title={paused ? t('automation.resumeTitle') : t('automation.pauseTitle')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        okText={paused ? t('automation.resume') : t('automation.pause')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <p>{paused ? t('automation.resumeExplain') : t('automation.pauseExplain')}</p>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            label={t('automation.reason')}
            name="reason"
            rules={[
              { required: true, whitespace: true, message: t('automation.reasonRequired') },
              { min: REASON_MIN, message: t('automation.reasonTooShort', { min: REASON_MIN }) },
            ]}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The fund analysis report: read in place, PDF and XLSX as downloads, under the chosen rule. */
export function ReportButtons({ caseId, rule }: { caseId: number; rule: TraceRule }) {
  const { t } = useI18n();
  const showError = useShowError();
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<FundReport | null | undefined>(undefined);

  const view = async () => {
    setOpen(true);
    setReport(undefined);
    try {
      setReport(await caseApi.report(caseId, rule));
    } catch (error) {
      setReport(null);
      showError(error);
    }
  };

  const downloads = (
    <>
      <Button icon={<FilePdfOutlined />} href={caseApi.reportUrl(caseId, rule, 'pdf')} download>
        {t('report.pdf')}
      </Button>
      <Button icon={<FileExcelOutlined />} href={caseApi.reportUrl(caseId, rule, 'xlsx')} download>
        {t('report.xlsx')}
      </Button>
    </>
  );

  return (
    <Space wrap>
      <Button icon={<FileTextOutlined />} onClick={view}>
        {t('report.view')}
      </Button>
      {downloads}
      <Modal
        open={open}
        title={t('report.title', { rule: t(`rule.${rule}`) })}
        onCancel={() => setOpen(false)}
        footer={report ? <Space>{downloads}</Space> : null}
        width={1040}
        destroyOnHidden
      >
        {report === undefined && (
          <div style={{ padding: 40, textAlign: 'center' }}>
            <Spin />
          </div>
        )}
        {report === null && <Empty description={t('report.unavailable')} />}
        {report !== undefined && report !== null && (
          <section
            aria-label={t('report.json')}
            style={{ maxHeight: '70vh', overflowY: 'auto', paddingInlineEnd: 4 }}
          >
            <ReportView report={report} />
          </section>
        )}
      </Modal>
    </Space>
  );
}
