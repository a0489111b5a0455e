import { en } from './en.js';
import { type Dictionary, type MessageKey, zhCN } from './zh-cn.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

const DICTIONARIES: Record<Locale, Dictionary> = { 'zh-CN': zhCN, en };

export type Params = Record<string, string | number>;

/** Looks a key up and fills `{name}` placeholders; an unknown placeholder is left as written. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = DICTIONARIES[locale][key];
  if (params === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** For keys built at run time (error codes, module keys from the server): undefined when unknown. */
export function lookup(key: string): MessageKey | undefined {
  return Object.hasOwn(zhCN, key) ? (key as MessageKey) : undefined;
}

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}
