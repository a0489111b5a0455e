/** Words the report prints: Chinese first, English beside. Shared by the model's notice and the renderers. */
import type { ReturnBasis } from '../restitution/index.js';
import type { PartyRole, TraceRule } from '../tracing/index.js';

export const RULE_LABEL: Record<TraceRule, { zh: string; en: string }> = {
  fifo: { zh: '先进先出', en: 'FIFO (Clayton’s case)' },
  lifo: { zh: '后进先出', en: 'LIFO' },
  libr: { zh: '最低中间余额', en: 'Lowest intermediate balance (LIBR)' },
  prorata: { zh: '按比例分摊', en: 'Pro rata (rolling charge)' },
};

export const BASIS_LABEL: Record<ReturnBasis, { zh: string; en: string }> = {
  'art8-1': { zh: '第八条第（一）项：单笔存入，直接返还', en: 'Art. 8(1): one deposit, returned directly' },
  'art8-2': {
    zh: '第八条第（二）项：多笔存入可按时间区分，直接返还',
    en: 'Art. 8(2): deposits told apart by time, returned directly',
  },
  'art8-3': {
    zh: '第八条第（三）项：无法区分，按比例返还（公告三十日）',
    en: 'Art. 8(3): not traceable, proportional after a 30-day notice',
  },
};

export const ROLE_LABEL: Record<PartyRole, { zh: string; en: string }> = {
  victim: { zh: '受害人', en: 'victim' },
  own: { zh: '持卡人自有', en: 'own' },
  'third-party': { zh: '第三方', en: 'third party' },
  unknown: { zh: '来源不明', en: 'unknown' },
};

export const BASE_LABEL = {
  loss: { zh: '按受害人损失比例', en: 'in proportion to losses' },
  traced: { zh: '按流入该账户的受害资金比例', en: 'in proportion to the money traced into the account' },
} as const;

export const RETURN_RULES_TITLE = '《电信网络新型违法犯罪案件冻结资金返还若干规定》（2016年）';

/** A name as a public notice shows it: the first character, the rest masked. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length === 0) return '*';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
