import { App as AntApp, Skeleton, Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuditScreen } from './admin/audit-screen.js';
import { PersonsScreen } from './admin/persons-screen.js';
import { UnitsScreen } from './admin/units-screen.js';
import { UsersScreen } from './admin/users-screen.js';
import { SessionProvider, useSession } from './auth/session-context.js';
import { I18nProvider, useI18n } from './i18n/i18n-context.js';
import { AppLayout } from './layout/app-layout.js';
import { BUSINESS_MODULES } from './modules.js';
import { ChangePasswordScreen } from './screens/change-password-screen.js';
import { ComingSoonScreen } from './screens/coming-soon-screen.js';
import { DashboardScreen } from './screens/dashboard-screen.js';
import { LoginScreen } from './screens/login-screen.js';
import { NotFoundScreen } from './screens/not-found-screen.js';

// The case screens are large (forms, tables, the graph's wrapper): their own chunks, loaded on first visit.
const CaseListScreen = lazy(() =>
  import('./cases/case-list-screen.js').then((m) => ({ default: m.CaseListScreen })),
);
const IntakeScreen = lazy(() =>
  import('./cases/intake-screen.js').then((m) => ({ default: m.IntakeScreen })),
);
const CaseScreen = lazy(() => import('./cases/case-screen.js').then((m) => ({ default: m.CaseScreen })));
const FundsScreen = lazy(() => import('./funds/funds-screen.js').then((m) => ({ default: m.FundsScreen })));
const EndpointsScreen = lazy(() =>
  import('./funds/endpoints-screen.js').then((m) => ({ default: m.EndpointsScreen })),
);
const TaskInboxScreen = lazy(() =>
  import('./tasks/task-inbox-screen.js').then((m) => ({ default: m.TaskInboxScreen })),
);
const StatementsScreen = lazy(() =>
  import('./imports/statements-screen.js').then((m) => ({ default: m.StatementsScreen })),
);

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Skeleton active paragraph={{ rows: 8 }} />}>{children}</Suspense>;
}

/** Login, forced password change, or the console — decided by the session alone. */
function Gate() {
  const { state } = useSession();
  const { t } = useI18n();
  if (state.status === 'loading') {
    return (
      <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}>
        <Spin size="large" description={t('common.loading')} />
      </div>
    );
  }
  if (state.status === 'anonymous') return <LoginScreen />;
  if (state.me.mustChangePassword) return <ChangePasswordScreen />;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<DashboardScreen />} />
        {BUSINESS_MODULES.filter((m) => !m.ready).map((m) => (
          <Route key={m.key} path={m.path} element={<ComingSoonScreen module={m} />} />
        ))}
        <Route
          path="/cases"
          element={
            <Lazy>
              <CaseListScreen />
            </Lazy>
          }
        />
        <Route
          path="/tasks"
          element={
            <Lazy>
              <TaskInboxScreen />
            </Lazy>
          }
        />
        <Route
          path="/cases/new"
          element={
            <Lazy>
              <IntakeScreen />
            </Lazy>
          }
        />
        <Route
          path="/cases/:id"
          element={
            <Lazy>
              <CaseScreen />
            </Lazy>
          }
        />
        <Route
          path="/cases/:id/statements"
          element={
            <Lazy>
              <StatementsScreen />
            </Lazy>
          }
        />
        <Route
          path="/funds"
          element={
            <Lazy>
              <FundsScreen />
            </Lazy>
          }
        />
        <Route
          path="/admin/endpoints"
          element={
            <Lazy>
              <EndpointsScreen />
            </Lazy>
          }
        />
        <Route path="/persons" element={<PersonsScreen />} />
        <Route path="/admin/units" element={<UnitsScreen />} />
        <Route path="/admin/users" element={<UsersScreen />} />
        <Route path="/admin/audit" element={<AuditScreen />} />
        <Route path="*" element={<NotFoundScreen />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <I18nProvider>
      <AntApp>
        <BrowserRouter>
          <SessionProvider>
            <Gate />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </I18nProvider>
  );
}
