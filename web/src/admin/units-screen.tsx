import { Card, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import type { Unit } from '../api/types.js';
import { useI18n } from '../i18n/i18n-context.js';
import { buildUnitTree, type UnitTreeNode, useUnitScope } from '../layout/unit-scope.js';

interface Row {
  key: number;
  unit: Unit;
  title: string;
  children?: Row[];
}

function toRows(nodes: readonly UnitTreeNode[]): Row[] {
  return nodes.map((n) => ({
    key: n.key,
    unit: n.unit,
    title: n.title,
    ...(n.children.length > 0 ? { children: toRows(n.children) } : {}),
  }));
}

const KIND_COLOURS: Record<Unit['kind'], string> = {
  city: 'geekblue',
  district: 'blue',
  station: 'cyan',
  community: 'green',
  bank: 'gold',
  payment: 'purple',
};

/** The user's unit subtree as an expandable table (the same list the header's picker uses). */
export function UnitsScreen() {
  const { t, locale } = useI18n();
  const { units } = useUnitScope();
  const rows = useMemo(() => toRows(buildUnitTree(units, locale)), [units, locale]);
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('units.heading')}
      </Typography.Title>
      <Table<Row>
        size="middle"
        dataSource={rows}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        columns={[
          { title: t('units.name'), dataIndex: 'title' },
          { title: t('units.code'), key: 'code', render: (_, r) => <code>{r.unit.code}</code> },
          {
            title: t('units.kind'),
            key: 'kind',
            render: (_, r) => <Tag color={KIND_COLOURS[r.unit.kind]}>{t(`unitKind.${r.unit.kind}`)}</Tag>,
          },
          { title: t('units.depth'), key: 'depth', render: (_, r) => r.unit.depth },
        ]}
      />
    </Card>
  );
}
