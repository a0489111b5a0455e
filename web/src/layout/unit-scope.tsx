import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import type { Items, Unit } from '../api/types.js';
import { useApiData } from '../api/use-api.js';
import { useMe } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';

/**
 * The units the user may look at (their own unit's subtree, from GET /api/units) and the one
 * currently chosen in the header's picker. Screens that take `unitId` read `unitId` from here.
 */
export interface UnitScope {
  units: readonly Unit[];
  unitId: number;
  setUnitId(id: number): void;
  unitName(id: number | null | undefined): string;
}

const UnitScopeContext = createContext<UnitScope | null>(null);

export function UnitScopeProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const { locale } = useI18n();
  const [unitId, setUnitId] = useState(me.unit.id);
  const { data } = useApiData((signal) => api.get<Items<Unit>>('/api/units', undefined, signal), [me.id]);

  const value = useMemo<UnitScope>(() => {
    const units = data?.items ?? [me.unit];
    const byId = new Map(units.map((u) => [u.id, u]));
    byId.set(me.unit.id, me.unit);
    return {
      units,
      unitId,
      setUnitId,
      unitName: (id) => {
        const unit = id === null || id === undefined ? undefined : byId.get(id);
        if (unit === undefined) return id === null || id === undefined ? '' : `#${id}`;
        return localUnitName(unit, locale);
      },
    };
  }, [data, me.unit, unitId, locale]);

  return <UnitScopeContext.Provider value={value}>{children}</UnitScopeContext.Provider>;
}

export function useUnitScope(): UnitScope {
  const value = useContext(UnitScopeContext);
  if (value === null) throw new Error('useUnitScope outside UnitScopeProvider');
  return value;
}

export function localUnitName(unit: Unit, locale: string): string {
  return locale === 'zh-CN' || unit.nameEn === '' ? unit.name : unit.nameEn;
}

export interface UnitTreeNode {
  value: number;
  title: string;
  key: number;
  unit: Unit;
  children: UnitTreeNode[];
}

/** Builds the forest from a flat list; a unit whose parent is not in the list becomes a root. */
export function buildUnitTree(units: readonly Unit[], locale: string): UnitTreeNode[] {
  const nodes = new Map<number, UnitTreeNode>();
  for (const unit of units) {
    nodes.set(unit.id, {
      value: unit.id,
      key: unit.id,
      title: localUnitName(unit, locale),
      unit,
      children: [],
    });
  }
  const roots: UnitTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentId === null ? undefined : nodes.get(node.unit.parentId);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}
