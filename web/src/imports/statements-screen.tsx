import { Card } from 'antd';
import { useParams } from 'react-router-dom';
import { useI18n } from '../i18n/i18n-context.js';
import { StatementsPanel } from './statements-panel.js';

/** /cases/:id/statements — the statements of one case on a page of their own. */
export function StatementsScreen() {
  const { t } = useI18n();
  const caseId = Number(useParams()['id']);
  return (
    <Card title={t('imports.heading', { id: caseId })}>
      <StatementsPanel caseId={caseId} />
    </Card>
  );
}
