/** The 协同任务 tab of a case: its tasks to units, and the form that gives a new one. */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Form, Input, Modal, Select, Space, TreeSelect, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import type { CaseTask, TaskKind } from '../api/types.js';
import { useShowError } from '../api/use-api.js';
import { beijingIso } from '../cases/case-format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { buildUnitTree, type UnitTreeNode, useUnitScope } from '../layout/unit-scope.js';
import { DEADLINE_FORMAT, kindName } from './task-parts.js';
import { TaskTable } from './task-table.js';
import { announceTaskChange, tasksApi } from './tasks-api.js';

interface NewTaskForm {
  kind: CaseTask['kind'];
  assigneeUnitId: number;
  title?: string;
  instructions: string;
  dueAt?: Dayjs;
}

/** Units the chosen kind of task may go to stay selectable; the others are shown greyed out. */
function markFit(
  nodes: UnitTreeNode[],
  kind: TaskKind | undefined,
): (UnitTreeNode & { disabled: boolean })[] {
  return nodes.map((n) => ({
    ...n,
    disabled: kind === undefined || !(kind.unitKinds as readonly string[]).includes(n.unit.kind),
    children: markFit(n.children, kind),
  }));
}

function NewTaskButton({
  caseId,
  kinds,
  onCreated,
}: {
  caseId: number;
  kinds: readonly TaskKind[];
  onCreated(): void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const { units } = useUnitScope();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewTaskForm>();
  const kindCode = Form.useWatch('kind', form);
  const kind = kinds.find((k) => k.code === kindCode);
  const tree = useMemo(() => markFit(buildUnitTree(units, locale), kind), [units, locale, kind]);

  const submit = async () => {
    let values: NewTaskForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const created = await tasksApi.create(caseId, {
        kind: values.kind,
        assigneeUnitId: values.assigneeUnitId,
        instructions: values.instructions.trim(),
        ...(values.title?.trim() ? { title: values.title.trim() } : {}),
        ...(values.dueAt ? { dueAt: beijingIso(values.dueAt.format('YYYY-MM-DDTHH:mm:00')) } : {}),
      });
      announceTaskChange();
      void message.success(t('task.created', { unit: created.assigneeName }));
      setOpen(false);
      form.resetFields();
      onCreated();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t('task.new')}
      </Button>
      <Modal
        open={open}
        title={t('task.new')}
        okText={t('task.give')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={submit}
        onCancel={() => setOpen(false)}
        width={560}
      >
        <Form form={form} layout="vertical" aria-label={t('task.new')}>
          <Form.Item
            name="kind"
            label={t('task.kind')}
            rules={[{ required: true, message: t('task.kindRequired') }]}
          >
            <Select
              aria-label={t('task.kind')}
              options={kinds.map((k) => ({ value: k.code, label: kindName(kinds, k.code, locale) }))}
              onChange={() => form.setFieldValue('assigneeUnitId', undefined)}
            />
          </Form.Item>
          <Form.Item
            name="assigneeUnitId"
            label={t('task.assignee')}
            extra={
              kind
                ? t('task.assigneeHint', { kinds: kind.unitKinds.map((k) => t(`unitKind.${k}`)).join('、') })
                : undefined
            }
            rules={[{ required: true, message: t('task.assigneeRequired') }]}
          >
            <TreeSelect
              aria-label={t('task.assignee')}
              treeData={tree}
              treeDefaultExpandAll
              showSearch={{ treeNodeFilterProp: 'title' }}
              disabled={kind === undefined}
            />
          </Form.Item>
          <Form.Item
            name="dueAt"
            label={t('task.deadline')}
            extra={kind ? t('task.defaultDeadline', { hours: kind.defaultHours }) : undefined}
          >
            <DatePicker
              aria-label={t('task.deadline')}
              showTime={{ format: 'HH:mm' }}
              format={DEADLINE_FORMAT}
              style={{ width: '100%' }}
              disabledDate={(d) => d.valueOf() < Date.now() - 86_400_000}
            />
          </Form.Item>
          <Form.Item name="title" label={t('task.title')}>
            <Input maxLength={100} placeholder={kind ? kindName(kinds, kind.code, locale) : undefined} />
          </Form.Item>
          <Form.Item
            name="instructions"
            label={t('task.instructions')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('task.instructionsRequired') }]}
          >
            <Input.TextArea aria-label={t('task.instructions')} rows={4} maxLength={4000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function CaseTasksPanel({
  caseId,
  tasks,
  kinds,
  mayGive,
  onChanged,
}: {
  caseId: number;
  tasks: readonly CaseTask[] | undefined;
  kinds: readonly TaskKind[] | undefined;
  mayGive: boolean;
  onChanged(): void;
}) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 12 }}>
        <Typography.Text type="secondary">{t('task.caseHint')}</Typography.Text>
        {mayGive && kinds && <NewTaskButton caseId={caseId} kinds={kinds} onCreated={onChanged} />}
      </div>
      <TaskTable
        label={t('task.caseTable')}
        tasks={tasks}
        kinds={kinds}
        empty={t('task.none')}
        first={{ title: '#', dataIndex: 'id', width: 56 }}
        onChanged={onChanged}
      />
    </Space>
  );
}
