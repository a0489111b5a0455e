import {
  FileExcelOutlined,
  FilePdfOutlined,
  FileTextOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
} from '@ant-design/icons';
import { App, Button, Empty, Modal, Space, Spin } from 'antd';
import { useState } from 'react';
import type { CaseSummary, FundReport, TraceRule } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { ReasonModal } from '../components/reason-modal.js';
import { caseApi } from './case-api.js';
import { ReportView } from './report-view.js';

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
  const [open, setOpen] = useState(false);
  const paused = summary.automation === 'paused';
  const target = paused ? 'running' : 'paused';

  const submit = async (reason: string) => {
    const next = await caseApi.setAutomation(summary.id, target, reason);
    void message.success(paused ? t('automation.resumed') : t('automation.pausedDone'));
    onChanged(next);
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
      <ReasonModal
        open={open}
        title={paused ? t('automation.resumeTitle') : t('automation.pauseTitle')}
        explain={paused ? t('automation.resumeExplain') : t('automation.pauseExplain')}
        label={t('automation.reason')}
        okText={paused ? t('automation.resume') : t('automation.pause')}
        requiredText={t('automation.reasonRequired')}
        tooShortText={(min) => t('automation.reasonTooShort', { min })}
        onSubmit={submit}
        onClose={() => setOpen(false)}
      />
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
