import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { theme } from '../theme.js';
import { DEFAULT_LOCALE, isLocale, type Locale, type Params, translate } from './translate.js';
import type { MessageKey } from './zh-cn.js';

const STORAGE_KEY = 'levee.locale';

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Params): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage can be disabled (private mode, policy): fall back to the default.
  }
  return DEFAULT_LOCALE;
}

/** Holds the interface language, keeps `<html lang>` and Ant Design's own texts in step with it. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered, still switched.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${translate(locale, 'app.name')} · ${translate(locale, 'app.title')}`;
  }, [locale]);

  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, setLocale],
  );

  return (
    <I18nContext.Provider value={value}>
      {/* No space inside two-character Chinese buttons: "登录" must stay "登录" for people and tests. */}
      <ConfigProvider
        locale={locale === 'zh-CN' ? zhCNLocale : enUS}
        theme={theme}
        button={{ autoInsertSpace: false }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}
