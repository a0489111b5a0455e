import { CheckCircleOutlined, ToolOutlined } from '@ant-design/icons';
import { Button, Card, Result, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n/i18n-context.js';
import type { ModuleSpec } from '../modules.js';

/** A module that is planned but not built yet: says what it will do rather than showing nothing. */
export function ComingSoonScreen({ module }: { module: ModuleSpec }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Card>
      <Result
        icon={<ToolOutlined style={{ color: '#1d4fb8' }} />}
        title={<h1 style={{ fontSize: 24, margin: 0 }}>{t('coming.title', { module: t(module.label) })}</h1>}
        subTitle={<span style={{ fontSize: 15 }}>{t(module.summary)}</span>}
        extra={
          <Button type="primary" onClick={() => navigate('/')}>
            {t('coming.back')}
          </Button>
        }
      >
        <div style={{ maxWidth: 640, margin: '0 auto' }}>
          <Typography.Title level={5}>{t('coming.planned')}</Typography.Title>
          <ul style={{ listStyle: 'none', padding: 0, margin: 0, lineHeight: 2.1 }}>
            {module.features.map((key) => (
              <li key={key}>
                <CheckCircleOutlined style={{ color: '#52c41a', marginInlineEnd: 8 }} />
                {t(key)}
              </li>
            ))}
          </ul>
        </div>
      </Result>
    </Card>
  );
}
