import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';

const REASON_MIN = 2;

/**
 * A confirmation that asks why (pausing the automation, excluding an account): the server puts
 * the reason on the timeline and in the audit log. `onSubmit` does the work; a failure stays in
 * the dialog with the error shown.
 */
export function ReasonModal({
  open,
  title,
  explain,
  label,
  okText,
  danger = false,
  requiredText,
  tooShortText,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  explain: string;
  label: string;
  okText: string;
  danger?: boolean;
  requiredText: string;
  /** `{min}` is filled with the least number of characters */
  tooShortText: (min: number) => string;
  onSubmit(reason: string): Promise<void>;
  onClose(): void;
}) {
  const { t } = useI18n();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();

  const submit = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return;
    }
    setBusy(true);
    try {
      await onSubmit(reason.trim());
      form.resetFields();
      onClose();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={submit}
      okText={okText}
      okButtonProps={{ danger }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <p>{explain}</p>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          label={label}
          name="reason"
          rules={[
            { required: true, whitespace: true, message: requiredText },
            { min: REASON_MIN, message: tooShortText(REASON_MIN) },
          ]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
