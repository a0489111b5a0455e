import { KeyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { type ErrorText, useErrorText } from '../api/use-api.js';
import { useSession } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';
import { LanguageSwitch } from '../layout/language-switch.js';

const MIN_LENGTH = 10;

interface Fields {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Shown instead of everything else while `me.mustChangePassword` is set. */
export function ChangePasswordScreen() {
  const { t } = useI18n();
  const { changePassword, logout, state } = useSession();
  const username = state.status === 'authenticated' ? state.me.username : '';
  const { message } = App.useApp();
  const toText = useErrorText();
  const [form] = Form.useForm<Fields>();
  const [error, setError] = useState<ErrorText | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async ({ currentPassword, newPassword }: Fields) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(currentPassword, newPassword);
      void message.success(t('password.changed'));
    } catch (e) {
      setBusy(false);
      const text = toText(e);
      setError(text);
      if (e instanceof ApiError && (e.field === 'newPassword' || e.field === 'currentPassword')) {
        form.setFields([{ name: e.field, errors: [text.title] }]);
      }
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: '#f2f4f8',
        position: 'relative',
      }}
    >
      <div style={{ position: 'absolute', top: 20, right: 24, display: 'flex', gap: 8 }}>
        <LanguageSwitch type="default" />
        <Button onClick={() => void logout()}>{t('header.logout')}</Button>
      </div>
      <Card style={{ width: 440 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          <KeyOutlined style={{ marginInlineEnd: 8 }} />
          {t('password.heading')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('password.intro')}</Typography.Paragraph>
        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={error.title}
            description={error.detail}
            style={{ marginBottom: 16 }}
            role="alert"
          />
        )}
        <Form<Fields> form={form} layout="vertical" requiredMark={false} onFinish={onFinish}>
          {/* Lets password managers file the new password under the right account. */}
          <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
          <Form.Item
            label={t('password.current')}
            name="currentPassword"
            rules={[{ required: true, message: t('password.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            label={t('password.new')}
            name="newPassword"
            rules={[
              { required: true, message: t('password.required') },
              { min: MIN_LENGTH, message: t('password.tooShort', { min: MIN_LENGTH }) },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label={t('password.confirm')}
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('password.required') },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) =>
                  value === undefined || value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
