import { GlobalOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useI18n } from '../i18n/i18n-context.js';

/** One button naming the other language in that language ("English" / "中文"). */
export function LanguageSwitch({ type = 'text' }: { type?: 'text' | 'default' }) {
  const { locale, setLocale, t } = useI18n();
  const target = locale === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <Tooltip title={t('lang.switchHint')}>
      <Button type={type} icon={<GlobalOutlined />} lang={target} onClick={() => setLocale(target)}>
        {t('lang.switchTo')}
      </Button>
    </Tooltip>
  );
}
