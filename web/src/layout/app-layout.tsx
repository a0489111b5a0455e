import { CarryOutOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Badge, Button, Layout, Menu, type MenuProps, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useApiData } from '../api/use-api.js';
import { can } from '../auth/permissions.js';
import { useMe, useSession } from '../auth/session-context.js';
import { useI18n } from '../i18n/i18n-context.js';
import { ADMIN_ICON, ADMIN_PAGES, BUSINESS_MODULES, DASHBOARD_ICON, PERSONS_PAGE } from '../modules.js';
import { onTaskChange, tasksApi } from '../tasks/tasks-api.js';
import { BRAND_DARK } from '../theme.js';
import { LanguageSwitch } from './language-switch.js';
import { UnitPicker } from './unit-picker.js';
import { localUnitName, UnitScopeProvider } from './unit-scope.js';
import { BrandMark } from './brand-mark.js';

const { Sider, Header, Content, Footer } = Layout;

/** Tasks waiting on the user's units: red when some are overdue. Re-read on every page change. */
function TasksLabel() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    const stop = onTaskChange(() => setChanges((n) => n + 1));
    // Tasks given by other people arrive without a page change: count again every minute.
    const timer = setInterval(() => setChanges((n) => n + 1), 60_000);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, []);
  const counts = useApiData((signal) => tasksApi.counts(signal), [pathname, changes]);
  const active = counts.data ? counts.data.open + counts.data.accepted : 0;
  return (
    <Space size={8}>
      <span>{t('nav.tasks')}</span>
      {active > 0 && (
        <Badge
          count={active}
          size="small"
          color={counts.data && counts.data.overdue > 0 ? '#cf1322' : '#1677ff'}
          title={t('task.badge', { active, overdue: counts.data?.overdue ?? 0 })}
        />
      )}
    </Space>
  );
}

function useMenuItems(): MenuProps['items'] {
  const me = useMe();
  const { t } = useI18n();
  const items: NonNullable<MenuProps['items']> = [
    { key: '/', icon: DASHBOARD_ICON, label: t('nav.dashboard') },
    ...BUSINESS_MODULES.filter((m) => m.permission === undefined || can(me, m.permission)).map((m) => ({
      key: m.path,
      icon: m.icon,
      label: t(m.label),
    })),
  ];
  if (can(me, 'tasks.read')) items.push({ key: '/tasks', icon: <CarryOutOutlined />, label: <TasksLabel /> });
  if (can(me, 'persons.read'))
    items.push({ key: PERSONS_PAGE.path, icon: PERSONS_PAGE.icon, label: t(PERSONS_PAGE.label) });
  const admin = ADMIN_PAGES.filter((p) => can(me, p.permission));
  if (admin.length > 0) {
    items.push({
      key: 'admin',
      icon: ADMIN_ICON,
      label: t('nav.admin'),
      children: admin.map((p) => ({ key: p.path, icon: p.icon, label: t(p.label) })),
    });
  }
  return items;
}

function selectedKey(pathname: string): string {
  if (pathname === '/' || pathname === '') return '/';
  const parts = pathname.split('/').filter(Boolean);
  return parts[0] === 'admin' && parts[1] !== undefined ? `/admin/${parts[1]}` : `/${parts[0] ?? ''}`;
}

function UserBlock() {
  const me = useMe();
  const { t, locale } = useI18n();
  return (
    <Space size={10} align="center">
      <Avatar size={32} icon={<UserOutlined />} style={{ background: BRAND_DARK }} />
      <div style={{ lineHeight: 1.25 }}>
        <div>
          <Typography.Text strong>{me.displayName}</Typography.Text>{' '}
          <Tag color="blue" style={{ marginInlineStart: 4 }}>
            {t(`role.${me.role}`)}
          </Tag>
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} aria-label={t('header.unit')}>
          {localUnitName(me.unit, locale)}
        </Typography.Text>
      </div>
    </Space>
  );
}

function Shell() {
  const { t } = useI18n();
  const { logout } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const items = useMenuItems();
  const [collapsed, setCollapsed] = useState(false);
  const selected = selectedKey(location.pathname);

  const onLogout = async () => {
    try {
      await logout();
    } finally {
      void message.success(t('header.loggedOut'));
      navigate('/', { replace: true });
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={216} theme="dark">
        <BrandMark collapsed={collapsed} />
        <nav aria-label={t('nav.main')}>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[selected]}
            defaultOpenKeys={selected.startsWith('/admin') ? ['admin'] : []}
            items={items}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
      </Sider>
      <Layout>
        <Header
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 16,
            borderBottom: '1px solid #e5e8ef',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <UnitPicker />
          <Space size={12} style={{ marginInlineStart: 'auto' }}>
            <UserBlock />
            <LanguageSwitch />
            <Button icon={<LogoutOutlined />} onClick={onLogout}>
              {t('header.logout')}
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: 24 }}>
          <Outlet />
        </Content>
        <Footer style={{ textAlign: 'center', color: '#8a94a6', fontSize: 12, padding: '12px 24px 20px' }}>
          {t('app.footer')}
        </Footer>
      </Layout>
    </Layout>
  );
}

/** The authenticated frame: side navigation, header with user, scope, language and logout. */
export function AppLayout() {
  return (
    <UnitScopeProvider>
      <Shell />
    </UnitScopeProvider>
  );
}
