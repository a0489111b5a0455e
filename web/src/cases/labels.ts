import type { MessageKey } from '../i18n/zh-cn.js';
import { lookup } from '../i18n/translate.js';
import type { Institution, ScamType } from '../api/types.js';

/** Dictionary key for a code from the server, or undefined for codes the console does not know yet. */
export function codeKey(prefix: string, code: string): MessageKey | undefined {
  return lookup(`${prefix}.${code}`);
}

/** A label for a server code: the dictionary's, else the code itself (never a blank). */
export function codeLabel(t: (key: MessageKey) => string, prefix: string, code: string): string {
  const key = codeKey(prefix, code);
  return key === undefined ? code : t(key);
}

export function scamTypeName(types: readonly ScamType[] | undefined, code: string, locale: string): string {
  const type = types?.find((s) => s.code === code);
  if (type === undefined) return code;
  return locale === 'zh-CN' || type.nameEn === '' ? type.name : type.nameEn;
}

export function institutionName(
  list: readonly Institution[] | undefined,
  code: string,
  locale: string,
): string {
  const found = list?.find((i) => i.code === code);
  if (found === undefined) return code;
  return locale === 'zh-CN' || found.nameEn === '' ? found.name : found.nameEn;
}

/** Colours by account state; the legend, the graph and the tags all read them from here. */
export const STATE_COLOURS: Record<string, { fill: string; stroke: string; tag: string }> = {
  new: { fill: '#f5f5f5', stroke: '#8c8c8c', tag: 'default' },
  queried: { fill: '#e6f0ff', stroke: '#1d4fb8', tag: 'blue' },
  'stop-paid': { fill: '#fff3e0', stroke: '#d46b08', tag: 'orange' },
  frozen: { fill: '#e0f7f7', stroke: '#08979c', tag: 'cyan' },
  released: { fill: '#eef9e6', stroke: '#389e0d', tag: 'green' },
  'cashed-out': { fill: '#fff0f0', stroke: '#cf1322', tag: 'red' },
  excluded: { fill: '#fafafa', stroke: '#bfbfbf', tag: 'default' },
  'trail-ended': { fill: '#f4ecff', stroke: '#722ed1', tag: 'purple' },
};

export const ACCOUNT_STATES = Object.keys(STATE_COLOURS);

export const REQUEST_STATE_TAGS: Record<string, string> = {
  queued: 'default',
  sent: 'processing',
  acknowledged: 'blue',
  executed: 'success',
  failed: 'error',
  expired: 'warning',
  dead: 'error',
};
