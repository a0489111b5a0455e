/**
 * The scam types a report is filed under, following the categories public-security bulletins use.
 * Codes are stable (stored with cases); names are for display.
 */
export interface ScamType {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
}

export const SCAM_TYPES: readonly ScamType[] = [
  {
    code: 'fake-customer-service',
    name: '冒充电商物流客服',
    nameEn: 'Fake e-commerce or logistics customer service',
  },
  { code: 'investment', name: '虚假投资理财', nameEn: 'Fake investment' },
  { code: 'impersonating-police', name: '冒充公检法', nameEn: 'Impersonating police, prosecutors or courts' },
  { code: 'order-brushing', name: '刷单返利', nameEn: 'Part-time order brushing with rebates' },
  { code: 'romance', name: '网络婚恋交友', nameEn: 'Online romance' },
  { code: 'loan', name: '虚假网络贷款', nameEn: 'Fake online loan' },
  { code: 'credit-repair', name: '虚假征信', nameEn: 'Fake credit-record repair' },
  { code: 'fake-shopping', name: '网络游戏产品虚假交易', nameEn: 'Fake game or goods trading' },
  {
    code: 'impersonating-acquaintance',
    name: '冒充领导熟人',
    nameEn: 'Impersonating a superior or acquaintance',
  },
  { code: 'other', name: '其他', nameEn: 'Other' },
];

export const SCAM_TYPE_CODES = SCAM_TYPES.map((t) => t.code);

export const PAYMENT_CHANNELS = [
  'bank-transfer',
  'mobile-banking',
  'alipay',
  'wechat',
  'atm',
  'counter',
  'other',
] as const;
export const ARTEFACT_KINDS = ['phone', 'url', 'app', 'sms', 'qr'] as const;
