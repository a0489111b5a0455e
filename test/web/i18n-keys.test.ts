/**
 * The console's two dictionaries must say the same things: same keys, no empty text, and the
 * same `{placeholders}` in both languages (a missing one would print a raw `{name}` to the user).
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.js';
import { translate } from '../../web/src/i18n/translate.js';
import { zhCN } from '../../web/src/i18n/zh-cn.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const CJK = /[\u3400-\u9fff]/;

describe('console dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('have no empty text and the same placeholders per key', () => {
    for (const [key, zh] of Object.entries(zhCN)) {
      const english = (en as Record<string, string>)[key] ?? '';
      expect(zh.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(zh));
    }
  });

  it('keep Chinese out of the English dictionary (except the name of the language to switch to)', () => {
    const leaks = Object.entries(en).filter(([key, text]) => key !== 'lang.switchTo' && CJK.test(text));
    expect(leaks).toEqual([]);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('zh-CN', 'common.total', { count: 12 })).toBe('共 12 条');
    expect(translate('en', 'common.total', { count: 12 })).toBe('12 in total');
    expect(translate('en', 'coming.title', {})).toBe('{module} · coming soon');
  });
});
