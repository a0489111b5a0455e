import { LockOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { type ErrorText, useErrorText } from '../api/use-api.js';
import { useSession } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';
import { LeveeLogo } from '../layout/brand-mark.js';
import { LanguageSwitch } from '../layout/language-switch.js';
import { BRAND, BRAND_DARK } from '../theme.js';

interface Credentials {
  username: string;
  password: string;
}

export function LoginScreen() {
  const { t } = useI18n();
  const { login } = useSession();
  const toText = useErrorText();
  const [error, setError] = useState<ErrorText | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async ({ username, password }: Credentials) => {
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (e) {
      setError(toText(e));
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', background: '#f2f4f8' }}>
      <section
        className="levee-login-brand"
        style={{
          flex: '1 1 55%',
          background: `linear-gradient(135deg, ${BRAND_DARK} 0%, ${BRAND} 100%)`,
          color: '#fff',
          padding: '56px 64px',
        }}
      >
        <div style={{ display: 'flex', alignItems: 'center', gap: 14 }}>
          <LeveeLogo size={44} />
          <div>
            <div style={{ fontSize: 24, fontWeight: 600 }}>{t('app.name')}</div>
            <div style={{ fontSize: 15, opacity: 0.85 }}>{t('app.title')}</div>
          </div>
        </div>
        <div>
          <p style={{ fontSize: 28, fontWeight: 600, margin: '0 0 28px', letterSpacing: 1 }}>
            {t('app.motto')}
          </p>
          <ul
            style={{ listStyle: 'none', padding: 0, margin: 0, fontSize: 15, lineHeight: 2.2, opacity: 0.92 }}
          >
            {(['login.pitch1', 'login.pitch2', 'login.pitch3'] as const).map((key) => (
              <li key={key}>
                <SafetyCertificateOutlined style={{ marginInlineEnd: 10 }} />
                {t(key)}
              </li>
            ))}
          </ul>
        </div>
        <div style={{ fontSize: 12, opacity: 0.6 }}>{t('app.footer')}</div>
      </section>
      <main
        style={{
          flex: '1 1 45%',
          display: 'flex',
          flexDirection: 'column',
          alignItems: 'center',
          justifyContent: 'center',
          padding: 32,
          position: 'relative',
        }}
      >
        <div style={{ position: 'absolute', top: 20, right: 24 }}>
          <LanguageSwitch type="default" />
        </div>
        <Card style={{ width: 380, boxShadow: '0 8px 24px rgba(15,42,92,0.08)' }}>
          <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 24 }}>
            {t('login.heading')}
          </Typography.Title>
          {error !== null && (
            <Alert
              type="error"
              showIcon
              title={error.title}
              description={error.detail}
              style={{ marginBottom: 20 }}
              role="alert"
            />
          )}
          <Form<Credentials> layout="vertical" requiredMark={false} onFinish={onFinish} size="large">
            <Form.Item
              label={t('login.username')}
              name="username"
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 20, marginBottom: 0, fontSize: 12 }}>
            {t('login.notice')}
          </Typography.Paragraph>
        </Card>
      </main>
    </div>
  );
}
