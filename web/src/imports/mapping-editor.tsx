import { Alert, Button, Input, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import { type FileProblem, statementApi } from './statement-api.js';

/**
 * The mapping screen: the header row the server found closest to a statement header, one field
 * per column. Saved under the header's fingerprint, so the next file in this layout maps itself.
 */
export function MappingEditor({
  problem,
  fields,
  onSaved,
}: {
  problem: FileProblem & { header: NonNullable<FileProblem['header']> };
  fields: { name: string; label: string }[];
  onSaved(): void;
}) {
  const { t } = useI18n();
  const showError = useShowError();
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [source, setSource] = useState('');
  const [saving, setSaving] = useState(false);
  const chosen = new Set(Object.values(choice));
  const hasTime = chosen.has('time') || chosen.has('date');
  const hasAmount = chosen.has('amount') || (chosen.has('debit') && chosen.has('credit'));

  const save = async () => {
    const columns: Record<string, string> = {};
    for (const [col, field] of Object.entries(choice))
      if (field) columns[field] = problem.header.cells[Number(col)] ?? '';
    setSaving(true);
    try {
      await statementApi.saveMapping(problem.header.fingerprint, columns, source);
      onSaved();
    } catch (error) {
      showError(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert
        type="warning"
        showIcon
        message={t('imports.mappingNeeded', { line: problem.header.line })}
        description={problem.detail}
      />
      <Table
        size="small"
        pagination={false}
        rowKey="index"
        dataSource={problem.header.cells.map((text, index) => ({ index, text }))}
        columns={[
          { title: t('imports.column'), dataIndex: 'text', render: (v: string) => v || '—' },
          {
            title: t('imports.field'),
            key: 'field',
            render: (_: unknown, row: { index: number }) => (
              <Select
                allowClear
                style={{ minWidth: 240 }}
                aria-label={`${t('imports.field')} ${row.index + 1}`}
                value={choice[row.index]}
                placeholder={t('imports.unused')}
                onChange={(v: string | undefined) => setChoice((c) => ({ ...c, [row.index]: v ?? '' }))}
                options={fields.map((f) => ({ value: f.name, label: `${f.name} · ${f.label}` }))}
              />
            ),
          },
        ]}
      />
      <Input
        placeholder={t('imports.mappingSource')}
        value={source}
        maxLength={200}
        onChange={(e) => setSource(e.target.value)}
      />
      <Button type="primary" disabled={!hasTime || !hasAmount} loading={saving} onClick={save}>
        {t('imports.saveMapping')}
      </Button>
    </Space>
  );
}
