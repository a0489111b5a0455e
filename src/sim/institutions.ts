/**
 * The simulated institutions: real names for the first banks and payment institutions, synthetic
 * ones beyond (the defaults, 38 banks and 80 payment institutions, match the Wuhan centre).
 */
export type InstitutionKind = 'bank' | 'payment';

export interface InstitutionInfo {
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly kind: InstitutionKind;
  /** Leading digits of its account numbers. */
  readonly prefix: string;
  readonly numberLength: number;
}

const BANKS: readonly [string, string, string][] = [
  ['ICBC', '中国工商银行', '622202'],
  ['CCB', '中国建设银行', '621700'],
  ['ABC', '中国农业银行', '622848'],
  ['BOC', '中国银行', '621661'],
  ['BOCOM', '交通银行', '622262'],
  ['PSBC', '中国邮政储蓄银行', '621799'],
  ['CMB', '招商银行', '621483'],
  ['CITIC', '中信银行', '621771'],
  ['CEB', '中国光大银行', '622666'],
  ['HXB', '华夏银行', '622630'],
  ['CMBC', '中国民生银行', '622622'],
  ['CGB', '广发银行', '621462'],
  ['PAB', '平安银行', '622298'],
  ['CIB', '兴业银行', '622909'],
  ['SPDB', '上海浦东发展银行', '622521'],
  ['CZB', '浙商银行', '621218'],
  ['CBHB', '渤海银行', '621268'],
  ['HFB', '恒丰银行', '623131'],
  ['BOB', '北京银行', '621468'],
  ['BOS', '上海银行', '622892'],
  ['HKB', '汉口银行', '621790'],
  ['HBB', '湖北银行', '621297'],
  ['WRCB', '武汉农村商业银行', '621258'],
  ['HBRCU', '湖北省农村信用社', '621033'],
  ['JSB', '江苏银行', '622173'],
  ['NBCB', '宁波银行', '622282'],
  ['NJCB', '南京银行', '622305'],
  ['HZB', '杭州银行', '621539'],
  ['BOCD', '成都银行', '622199'],
  ['CQCB', '重庆银行', '621258'],
  ['WEBANK', '深圳前海微众银行', '623169'],
  ['MYBANK', '浙江网商银行', '623052'],
  ['XWBANK', '四川新网银行', '623160'],
  ['BJRCB', '北京农村商业银行', '621067'],
  ['SRCB', '上海农村商业银行', '622478'],
  ['GRCB', '广州农村商业银行', '621016'],
  ['GZCB', '广州银行', '622467'],
  ['CSCB', '长沙银行', '621398'],
];

const PAYMENTS: readonly [string, string, string][] = [
  ['ALIPAY', '支付宝（中国）网络技术有限公司', '2088'],
  ['TENPAY', '财付通支付科技有限公司', '1900'],
  ['CHINAUMS', '银联商务支付股份有限公司', '8981'],
  ['JDPAY', '网银在线（北京）科技有限公司', '2201'],
  ['LAKALA', '拉卡拉支付股份有限公司', '8822'],
  ['YEEPAY', '易宝支付有限公司', '1001'],
  ['BAOFOO', '宝付网络科技（上海）有限公司', '1002'],
  ['HUIFU', '汇付天下有限公司', '6666'],
  ['LIANLIAN', '连连银通电子支付有限公司', '2019'],
  ['BILL99', '快钱支付清算信息有限公司', '1003'],
  ['DOUYINPAY', '合众易宝（抖音支付）', '3001'],
  ['MEITUANPAY', '钱袋宝（美团支付）', '3002'],
  ['PDDPAY', '付费通（多多钱包）', '3003'],
  ['SUNING', '南京苏宁易付宝网络科技有限公司', '3004'],
  ['UNIONPAYOL', '银联在线支付', '3005'],
  ['SANDPAY', '杉德支付网络服务发展有限公司', '3006'],
  ['ALLINPAY', '通联支付网络服务股份有限公司', '3007'],
  ['SUMPAY', '商盟商务服务有限公司', '3008'],
  ['HELIPAY', '合利宝支付', '3009'],
  ['XPAY', '讯联智付', '3010'],
];

function numbered(
  kind: InstitutionKind,
  count: number,
  named: readonly [string, string, string][],
): [string, string, string][] {
  const out: [string, string, string][] = named.slice(0, count).map((x) => [...x]);
  for (let i = out.length; i < count; i++) {
    const n = String(i + 1).padStart(3, '0');
    out.push(
      kind === 'bank'
        ? [`BANK${n}`, `模拟商业银行${n}`, `62${String(3000 + i).padStart(4, '0')}`]
        : [`PAY${n}`, `模拟支付机构${n}`, `4${String(100 + i).padStart(3, '0')}`],
    );
  }
  return out;
}

export function buildInstitutions(banks: number, payments: number): InstitutionInfo[] {
  if (!Number.isInteger(banks) || banks < 1 || banks > 999)
    throw new RangeError(`banks must be 1-999, got ${banks}`);
  if (!Number.isInteger(payments) || payments < 0 || payments > 999)
    throw new RangeError(`payments must be 0-999, got ${payments}`);
  const list: InstitutionInfo[] = [];
  for (const [code, name, prefix] of numbered('bank', banks, BANKS))
    list.push({ index: list.length, code, name, kind: 'bank', prefix, numberLength: 19 });
  for (const [code, name, prefix] of numbered('payment', payments, PAYMENTS))
    list.push({ index: list.length, code, name, kind: 'payment', prefix, numberLength: 16 });
  return list;
}
