import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n-context.js';
import { buildUnitTree, useUnitScope } from './unit-scope.js';

/** Shown only to users whose subtree holds more than their own unit. */
export function UnitPicker() {
  const { locale, t } = useI18n();
  const { units, unitId, setUnitId } = useUnitScope();
  const tree = useMemo(() => buildUnitTree(units, locale), [units, locale]);
  if (units.length <= 1) return null;
  return (
    <TreeSelect
      aria-label={t('header.scope')}
      prefix={`${t('header.scope')}:`}
      style={{ minWidth: 240, maxWidth: 320 }}
      value={unitId}
      treeData={tree}
      treeDefaultExpandedKeys={tree.map((n) => n.key)}
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={t('header.scopePlaceholder')}
      popupMatchSelectWidth={false}
      onChange={(value: number) => setUnitId(value)}
    />
  );
}
