/** Pieces both task screens use: status and deadline tags, and the buttons that move a task. */
import { App, Button, DatePicker, Form, Input, Modal, Space, Tag, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { CaseTask, TaskAction, TaskDeadline, TaskKind, TaskStatus } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { beijingIso, formatCaseTime } from '../cases/case-format.js';
import { announceTaskChange, tasksApi } from './tasks-api.js';

const STATUS_COLOUR: Record<TaskStatus, string> = {
  open: 'blue',
  accepted: 'geekblue',
  done: 'success',
  declined: 'warning',
  cancelled: 'default',
};
const DEADLINE_COLOUR: Record<TaskDeadline, string> = {
  on_time: 'default',
  due_soon: 'orange',
  overdue: 'red',
  done_on_time: 'green',
  done_late: 'volcano',
  closed: 'default',
};
export const DEADLINE_FORMAT = 'YYYY-MM-DD HH:mm';

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLOUR[status]}>{t(`task.status.${status}`)}</Tag>;
}

/** The deadline, with how far off (or how late) it is while the task is open. */
export function TaskDeadlineTag({ task }: { task: CaseTask }) {
  const { t, locale } = useI18n();
  const when = formatCaseTime(task.dueAt, locale);
  const hours = Math.round(Math.abs(Date.parse(task.dueAt) - Date.now()) / 3_600_000);
  const note =
    task.deadline === 'overdue'
      ? t('task.lateBy', { hours })
      : task.deadline === 'due_soon' || task.deadline === 'on_time'
        ? t('task.dueIn', { hours })
        : t(`task.deadline.${task.deadline}`);
  return (
    <Tooltip title={t(`task.deadline.${task.deadline}`)}>
      <Tag color={DEADLINE_COLOUR[task.deadline]} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {when} · {note}
      </Tag>
    </Tooltip>
  );
}

export function kindName(kinds: readonly TaskKind[] | undefined, code: string, locale: string): string {
  const kind = kinds?.find((k) => k.code === code);
  if (kind === undefined) return code;
  return locale === 'zh-CN' ? kind.name : kind.nameEn;
}

const ORDER: TaskAction[] = ['accept', 'complete', 'decline', 'reschedule', 'cancel'];
const NEEDS_TEXT: Record<TaskAction, boolean> = {
  accept: false,
  complete: true,
  decline: true,
  cancel: true,
  reschedule: true,
};

/** One button per action the server says the caller may take; the ones that need words ask for them. */
export function TaskActions({ task, onChanged }: { task: CaseTask; onChanged(next: CaseTask): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [pending, setPending] = useState<TaskAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ text: string; dueAt?: Dayjs }>();

  const run = async (action: TaskAction, body?: { text: string; dueAt?: string }) => {
    setBusy(true);
    try {
      const next = await tasksApi.act(task.id, action, body);
      announceTaskChange();
      void message.success(t(`task.done.${action}`));
      setPending(null);
      form.resetFields();
      onChanged(next);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  const submit = async () => {
    let values: { text: string; dueAt?: Dayjs };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    if (pending === null) return;
    await run(pending, {
      text: values.text.trim(),
      ...(values.dueAt ? { dueAt: beijingIso(values.dueAt.format('YYYY-MM-DDTHH:mm:00')) } : {}),
    });
  };

  const actions = ORDER.filter((a) => task.actions.includes(a));
  if (actions.length === 0) return null;
  return (
    <>
      <Space size={4} wrap>
        {actions.map((action) => (
          <Button
            key={action}
            size="small"
            type={action === 'accept' || action === 'complete' ? 'primary' : 'default'}
            danger={action === 'cancel'}
            loading={busy && pending === null && action === 'accept'}
            onClick={() => (NEEDS_TEXT[action] ? setPending(action) : void run(action))}
          >
            {t(`task.action.${action}`)}
          </Button>
        ))}
      </Space>
      <Modal
        open={pending !== null}
        title={pending === null ? '' : `${t(`task.action.${pending}`)} · ${task.title}`}
        okText={pending === null ? '' : t(`task.action.${pending}`)}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={submit}
        onCancel={() => setPending(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {pending === 'reschedule' && (
            <Form.Item
              name="dueAt"
              label={t('task.newDeadline')}
              rules={[{ required: true, message: t('task.deadlineRequired') }]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format={DEADLINE_FORMAT}
                style={{ width: '100%' }}
                disabledDate={(d) => d.valueOf() < Date.now() - 86_400_000}
              />
            </Form.Item>
          )}
          <Form.Item
            name="text"
            label={pending === 'complete' ? t('task.outcome') : t('task.reason')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('task.textRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={4000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The task's title, with its kind beneath when the title says something else. */
export function TaskTitle({ task, kinds }: { task: CaseTask; kinds: readonly TaskKind[] | undefined }) {
  const { locale } = useI18n();
  const kind = kindName(kinds, task.kind, locale);
  return (
    <div>
      <Typography.Text strong>{task.title}</Typography.Text>
      {kind !== task.title && <div style={{ fontSize: 12, color: '#8a94a6' }}>{kind}</div>}
    </div>
  );
}
