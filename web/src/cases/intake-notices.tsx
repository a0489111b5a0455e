import { Alert, Space } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n/i18n-context.js';

/** The warnings kept with a report and the cases it is linked to — after intake and on the case page. */
export function IntakeNotices({
  warnings,
  links,
}: {
  warnings: readonly { field: string; code: string; message: string }[];
  links: readonly { caseId: number; label: string }[];
}) {
  const { t } = useI18n();
  return (
    <>
      {warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('intake.warningsTitle', { count: warnings.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {warnings.map((w) => (
                <li key={`${w.field}-${w.code}`}>
                  <code>{w.field}</code> — {w.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {links.length > 0 && (
        <Alert
          type="info"
          showIcon
          title={t('intake.linkedTitle')}
          description={
            <Space wrap>
              {links.map((l) => (
                <Link key={l.caseId} to={`/cases/${l.caseId}`}>
                  {l.label}
                </Link>
              ))}
            </Space>
          }
        />
      )}
    </>
  );
}
