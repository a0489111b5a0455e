import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onPasswordChangeRequired, onUnauthenticated, setCsrfToken } from '../api/client.js';
import type { Me } from '../api/types.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; me: Me };

export interface Session {
  state: SessionState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is logged in. Asks /api/auth/me once at start; any later 401 drops back to anonymous. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const accept = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setState({ status: 'authenticated', me });
  }, []);

  const drop = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'anonymous' });
  }, []);

  useEffect(() => {
    onUnauthenticated(drop);
    onPasswordChangeRequired(() => {
      api.get<Me>('/api/auth/me').then(accept, () => drop());
    });
    const controller = new AbortController();
    api
      .get<Me>('/api/auth/me', undefined, controller.signal)
      .then(accept)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 is the normal "not logged in"; anything else also lands on the login page, which
        // reports the problem when the user tries to log in.
        if (!(error instanceof ApiError) || error.status !== 401)
          console.warn('Levee: /api/auth/me failed', error);
        drop();
      });
    return () => {
      controller.abort();
      onUnauthenticated(null);
      onPasswordChangeRequired(null);
    };
  }, [accept, drop]);

  const login = useCallback(
    async (username: string, password: string) => {
      accept(await api.post<Me>('/api/auth/login', { username, password }));
    },
    [accept],
  );

  const logout = useCallback(async () => {
    try {
      await api.post<void>('/api/auth/logout');
    } finally {
      drop();
    }
  }, [drop]);

  const changePassword = useCallback(
    async (currentPassword: string, newPassword: string) => {
      await api.post<void>('/api/auth/password', { currentPassword, newPassword });
      accept(await api.get<Me>('/api/auth/me'));
    },
    [accept],
  );

  const value = useMemo<Session>(
    () => ({ state, login, logout, changePassword }),
    [state, login, logout, changePassword],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in user; only for screens rendered inside the authenticated layout. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useMe without a session');
  return state.me;
}
