import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  CreditCardOutlined,
  DashboardOutlined,
  FileTextOutlined,
  FundOutlined,
  IdcardOutlined,
  NotificationOutlined,
  SettingOutlined,
  StopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Permission } from './auth/permissions.js';
import type { MessageKey } from './i18n/zh-cn.js';

/** A business module of the platform. Those not built yet render the "coming soon" page. */
export interface ModuleSpec {
  key: 'cases' | 'funds' | 'warnings' | 'blocking' | 'screening' | 'bulletins';
  path: string;
  label: MessageKey;
  summary: MessageKey;
  features: readonly MessageKey[];
  icon: ReactNode;
  /** Built: the module has its own screens instead of the "coming soon" page. */
  ready?: true;
  /** The menu shows a built module only to users with this permission (the server checks it anyway). */
  permission?: Permission;
}

export const BUSINESS_MODULES: readonly ModuleSpec[] = [
  {
    key: 'cases',
    path: '/cases',
    label: 'nav.cases',
    summary: 'module.cases.summary',
    features: ['module.cases.f1', 'module.cases.f2', 'module.cases.f3'],
    icon: <FileTextOutlined />,
    ready: true,
    permission: 'cases.read',
  },
  {
    key: 'funds',
    path: '/funds',
    label: 'nav.funds',
    summary: 'module.funds.summary',
    features: ['module.funds.f1', 'module.funds.f2', 'module.funds.f3', 'module.funds.f4'],
    icon: <FundOutlined />,
    ready: true,
    permission: 'gateway.read',
  },
  {
    key: 'warnings',
    path: '/warnings',
    label: 'nav.warnings',
    summary: 'module.warnings.summary',
    features: ['module.warnings.f1', 'module.warnings.f2', 'module.warnings.f3'],
    icon: <AlertOutlined />,
  },
  {
    key: 'blocking',
    path: '/blocking',
    label: 'nav.blocking',
    summary: 'module.blocking.summary',
    features: ['module.blocking.f1', 'module.blocking.f2', 'module.blocking.f3'],
    icon: <StopOutlined />,
  },
  {
    key: 'screening',
    path: '/screening',
    label: 'nav.screening',
    summary: 'module.screening.summary',
    features: ['module.screening.f1', 'module.screening.f2', 'module.screening.f3'],
    icon: <CreditCardOutlined />,
  },
  {
    key: 'bulletins',
    path: '/bulletins',
    label: 'nav.bulletins',
    summary: 'module.bulletins.summary',
    features: ['module.bulletins.f1', 'module.bulletins.f2', 'module.bulletins.f3'],
    icon: <NotificationOutlined />,
  },
];

/** Server module keys that are spelled differently from the console's route keys. */
const MODULE_ALIASES: Record<string, ModuleSpec['key']> = {
  tracing: 'funds',
  fund: 'funds',
  fundTracing: 'funds',
  fund_tracing: 'funds',
  warning: 'warnings',
  bulletin: 'bulletins',
  case: 'cases',
};

export function findModule(key: string): ModuleSpec | undefined {
  const canonical = MODULE_ALIASES[key] ?? key;
  return BUSINESS_MODULES.find((m) => m.key === canonical);
}

export interface AdminPage {
  path: string;
  label: MessageKey;
  permission: Permission;
  icon: ReactNode;
}

export const ADMIN_PAGES: readonly AdminPage[] = [
  { path: '/admin/units', label: 'nav.units', permission: 'units.read', icon: <ApartmentOutlined /> },
  { path: '/admin/users', label: 'nav.users', permission: 'users.read', icon: <TeamOutlined /> },
  { path: '/admin/audit', label: 'nav.audit', permission: 'audit.read', icon: <AuditOutlined /> },
  { path: '/admin/endpoints', label: 'nav.endpoints', permission: 'gateway.admin', icon: <ApiOutlined /> },
];

export const PERSONS_PAGE = { path: '/persons', label: 'nav.persons', icon: <IdcardOutlined /> } as const;
export const DASHBOARD_ICON = <DashboardOutlined />;
export const ADMIN_ICON = <SettingOutlined />;
