/**
 * The 30-day public notice of a proportional return (Art. 8(3) of the 2016 return rules): who
 * gets what from which frozen account, open to objections. Names are masked; amounts are yuan
 * printed from whole fen.
 */
import type { ProportionalBase } from '../restitution/index.js';
import { BASE_LABEL, maskName, RETURN_RULES_TITLE } from './labels.js';
import { yuan } from './yuan.js';

export interface NoticeInput {
  caseNos: string[];
  account: string;
  accountLabel: string;
  frozen: number;
  /** the part shared in proportion */
  pool: number;
  base: ProportionalBase;
  shares: { name: string; amount: number; weight: number }[];
  days: number;
}

export function publicNoticeText(n: NoticeInput): string {
  const cases = n.caseNos.length > 0 ? n.caseNos.join('、') : '本';
  const weightWord = n.base === 'loss' ? '损失' : '流入金额';
  const lines = [
    `关于${cases}案冻结资金按比例返还的公告`,
    '',
    `经查，${n.accountLabel}内冻结涉案资金人民币${yuan(n.frozen)}元，其中人民币${yuan(n.pool)}元无法按存入时间区分来源。` +
      `依据${RETURN_RULES_TITLE}第八条第（三）项，拟${BASE_LABEL[n.base].zh}返还如下：`,
    ...n.shares.map(
      (s) => `  受害人${maskName(s.name)}：人民币${yuan(s.amount)}元（${weightWord}${yuan(s.weight)}元）`,
    ),
    `自本公告发布之日起${n.days}日内，对上述返还方案有异议的，可向办案单位书面提出并提供证据。` +
      '公告期满无异议的，按上述方案返还；其余冻结资金继续冻结，新查明的受害人另行启动返还程序。',
  ];
  return lines.join('\n');
}
