/**
 * Presets are data: for each Levee field, the header words that mean it, in order of
 * preference. `auto` is the union of every named layout plus common synonyms; a named layout
 * accepts only its own words, which settles ambiguous files. The named layouts are modelled on
 * the shapes Chinese banks, payment companies and the police detail-query feedback commonly use;
 * they are not copies of any institution's official format. Header text is compared after
 * normalizeHeader (half-width, lower case, no spaces, no "(元)"-style units).
 */
import type { Field } from './fields.js';
import { normalizeHeader } from './normalize.js';

export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly columns: Partial<Record<Field, readonly string[]>>;
  /** Extra words of a direction flag column, on top of the defaults below. */
  readonly debitWords?: readonly string[];
  readonly creditWords?: readonly string[];
}

/** Direction flag words, compared after normalizeHeader ("借(支出)" → "借"). */
export const DEBIT_WORDS = [
  '借',
  '借方',
  '支出',
  '支',
  '付',
  '付款',
  '付出',
  '出',
  '转出',
  '出账',
  '出款',
  '取出',
  'd',
  'dr',
  'debit',
  'out',
  '-',
];
export const CREDIT_WORDS = [
  '贷',
  '贷方',
  '收入',
  '收',
  '收款',
  '入',
  '转入',
  '入账',
  '进账',
  '进',
  '存入',
  'c',
  'cr',
  'credit',
  'in',
  '+',
];
/** Flag values of rows that move no money (payment-company bills): skipped with a note. */
export const NEUTRAL_WORDS = ['不计收支', '其他', '/'];
/** Status values of rows that did not happen. */
export const VOID_STATUS = /失败|关闭|已撤销|未支付|等待付款|已取消|failed|cancel/i;

const SYNONYMS: Partial<Record<Field, readonly string[]>> = {
  date: [
    '交易日期',
    '记账日期',
    '入账日期',
    '发生日期',
    '日期',
    'date',
    'transactiondate',
    'postingdate',
    'valuedate',
  ],
  time: [
    '交易时间',
    '交易日期时间',
    '交易发生时间',
    '记账时间',
    '入账时间',
    '发生时间',
    '交易创建时间',
    '创建时间',
    '付款时间',
    '时间',
    'time',
    'transactiontime',
    'datetime',
  ],
  amount: ['交易金额', '金额', '发生额', '交易额', '收支金额', 'amount', 'transactionamount'],
  direction: [
    '借贷标志',
    '借贷方向',
    '借贷',
    '收/付',
    '收付',
    '收付标志',
    '收/支',
    '收支',
    '收支类型',
    '资金流向',
    '出入账标志',
    '方向',
    '交易方向',
    'dr/cr',
    'direction',
    'debit/credit',
  ],
  debit: [
    '借方发生额',
    '借方金额',
    '借方',
    '支出金额',
    '支出',
    '付款金额',
    '转出金额',
    '出账金额',
    'debit',
    'withdrawal',
    'withdrawals',
    'paidout',
    'moneyout',
  ],
  credit: [
    '贷方发生额',
    '贷方金额',
    '贷方',
    '收入金额',
    '收入',
    '存入金额',
    '转入金额',
    '入账金额',
    'credit',
    'deposit',
    'deposits',
    'paidin',
    'moneyin',
  ],
  balance: [
    '余额',
    '账户余额',
    '交易后余额',
    '本次余额',
    '联机余额',
    '交易余额',
    '可用余额',
    'balance',
    'runningbalance',
  ],
  counterpartyAccount: [
    '对方账号',
    '对方卡号',
    '对方帐号',
    '对方账户',
    '对手账号',
    '交易对手账号',
    '交易对手账卡号',
    '对方账卡号',
    '收/付方账号',
    '对方账户账号',
    'counterpartyaccount',
    'payeeaccount',
  ],
  counterpartyName: [
    '对方户名',
    '对方名称',
    '对方姓名',
    '对方账户名称',
    '对手户名',
    '交易对手名称',
    '交易对方',
    '对方账户名',
    'counterpartyname',
    'counterparty',
    'payee',
  ],
  counterpartyInstitution: [
    '对方开户行',
    '对方行名',
    '对方银行',
    '对方开户机构',
    '对方机构',
    '对手开户银行',
    '交易对手开户行',
    '对方开户银行',
    '对方金融机构名称',
    'counterpartybank',
    'counterpartyinstitution',
  ],
  channel: ['交易渠道', '渠道', '渠道名称', '交易方式', '支付方式', 'channel'],
  summary: [
    '摘要',
    '交易摘要',
    '摘要说明',
    '用途',
    '附言',
    '备注',
    '交易用途',
    '商品说明',
    'description',
    'memo',
    'narrative',
  ],
  serial: [
    '交易流水号',
    '流水号',
    '交易序号',
    '交易参考号',
    '业务流水号',
    '凭证号',
    '交易订单号',
    '订单号',
    'serial',
    'reference',
    'transactionid',
  ],
  account: ['本方账号', '交易卡号', '查询账号', '本方卡号', '账号', '卡号', 'account', 'accountnumber'],
  accountName: ['本方户名', '交易户名', '户名', 'accountname'],
  currency: ['币种', '币别', '交易币种', 'currency'],
  status: ['交易状态', '状态', 'status'],
};

export const PRESETS: readonly Preset[] = [
  {
    name: 'cn-bank-flag',
    description:
      'One amount column and a 借贷标志 flag (交易时间, 交易金额, 借贷标志, 对方账号, 余额, 摘要, 交易流水号)',
    columns: {
      time: ['交易时间'],
      amount: ['交易金额'],
      direction: ['借贷标志'],
      balance: ['余额', '账户余额'],
      counterpartyAccount: ['对方账号'],
      counterpartyName: ['对方户名'],
      counterpartyInstitution: ['对方开户行'],
      channel: ['交易渠道'],
      summary: ['摘要'],
      serial: ['交易流水号'],
      currency: ['币种'],
    },
  },
  {
    name: 'cn-bank-split',
    description:
      'Date and time in two columns, separate 借方发生额/贷方发生额 columns (交易日期, 交易时间, 余额)',
    columns: {
      date: ['交易日期', '记账日期'],
      time: ['交易时间'],
      debit: ['借方发生额', '借方金额'],
      credit: ['贷方发生额', '贷方金额'],
      balance: ['余额', '账户余额'],
      counterpartyAccount: ['对方账号', '对方帐号'],
      counterpartyName: ['对方户名'],
      counterpartyInstitution: ['对方行名', '对方开户行'],
      summary: ['摘要'],
      serial: ['流水号', '交易流水号'],
      channel: ['交易渠道'],
    },
  },
  {
    name: 'cn-bank-shoufu',
    description:
      'A 收/付 flag and one 金额 column (记账日期, 收/付, 金额, 账户余额, 对方卡号, 对方名称, 用途)',
    columns: {
      time: ['记账日期', '交易时间'],
      direction: ['收/付', '收付'],
      amount: ['金额', '交易金额'],
      balance: ['账户余额', '余额'],
      counterpartyAccount: ['对方卡号', '对方账号'],
      counterpartyName: ['对方名称', '对方户名'],
      counterpartyInstitution: ['对方机构', '对方开户行'],
      summary: ['用途', '摘要'],
      serial: ['交易序号', '流水号'],
      channel: ['交易方式'],
    },
  },
  {
    name: 'cn-payment',
    description: 'Payment-company bill: 收/支 flag, 金额(元), 交易对方, no running balance, 交易状态',
    columns: {
      time: ['交易时间', '交易创建时间', '付款时间'],
      direction: ['收/支', '收支'],
      amount: ['金额', '交易金额'],
      counterpartyName: ['交易对方', '对方名称'],
      counterpartyAccount: ['对方账号'],
      channel: ['支付方式', '交易方式'],
      summary: ['商品说明', '商品', '备注'],
      serial: ['交易订单号', '交易单号', '订单号'],
      status: ['交易状态', '当前状态'],
    },
  },
  {
    name: 'cn-query-feedback',
    description: 'Detail-query feedback (明细查询反馈): 交易卡号 per row, 收付标志, 交易对手账卡号, 交易余额',
    columns: {
      account: ['交易卡号', '交易账号'],
      accountName: ['交易户名'],
      time: ['交易时间'],
      amount: ['交易金额'],
      direction: ['收付标志'],
      balance: ['交易余额'],
      counterpartyAccount: ['交易对手账卡号', '对手账号'],
      counterpartyName: ['对手户名', '交易对手名称'],
      counterpartyInstitution: ['对手开户银行', '对手开户行'],
      summary: ['摘要说明', '摘要'],
      serial: ['交易流水号'],
      channel: ['交易网点名称', '交易渠道'],
      currency: ['币种', '交易币种'],
    },
  },
  {
    name: 'en-bank',
    description: 'English headers: Date, Time, Description, Debit, Credit, Balance, Counterparty, Reference',
    columns: {
      date: ['Date', 'Transaction Date', 'Posting Date'],
      time: ['Time'],
      debit: ['Debit', 'Withdrawal', 'Money Out', 'Paid Out'],
      credit: ['Credit', 'Deposit', 'Money In', 'Paid In'],
      amount: ['Amount'],
      balance: ['Balance'],
      counterpartyAccount: ['Counterparty Account', 'Payee Account'],
      counterpartyName: ['Counterparty', 'Counterparty Name', 'Payee'],
      counterpartyInstitution: ['Counterparty Bank'],
      summary: ['Description', 'Memo', 'Narrative'],
      serial: ['Reference', 'Transaction ID'],
      channel: ['Channel'],
      currency: ['Currency'],
    },
  },
];

function union(): Preset {
  const columns: Partial<Record<Field, string[]>> = {};
  const add = (field: Field, words: readonly string[]) => {
    const list = columns[field] ?? [];
    columns[field] = list;
    for (const word of words) if (!list.includes(word)) list.push(word);
  };
  for (const [field, words] of Object.entries(SYNONYMS)) add(field as Field, words);
  for (const preset of PRESETS)
    for (const [field, words] of Object.entries(preset.columns)) add(field as Field, words);
  return {
    name: 'auto',
    description: 'Every known header word of every field (the default)',
    columns,
  };
}

export const AUTO_PRESET: Preset = union();

export function findPreset(name: string): Preset | undefined {
  if (name === 'auto') return AUTO_PRESET;
  return PRESETS.find((p) => p.name === name);
}

export function presetNames(): string[] {
  return ['auto', ...PRESETS.map((p) => p.name)];
}

/** normalised header word → field, earliest-listed field word first (lower rank wins). */
export interface HeaderIndex {
  readonly byWord: ReadonlyMap<string, { field: Field; rank: number }[]>;
}

export function indexPreset(preset: Preset): HeaderIndex {
  const byWord = new Map<string, { field: Field; rank: number }[]>();
  for (const [field, words] of Object.entries(preset.columns)) {
    words.forEach((word, rank) => {
      const key = normalizeHeader(word);
      const list = byWord.get(key) ?? [];
      list.push({ field: field as Field, rank });
      byWord.set(key, list);
    });
  }
  return { byWord };
}
