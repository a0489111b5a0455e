/**
 * What surrounds the table: a preamble (bank letterhead, an account header block such as
 * "账号：6222…  户名：张三  开户行：…") before the header row, and footers (本页合计, 共 12 笔,
 * 打印时间, 以上数据仅供参考) after or between the data rows. Preamble values give the statement's
 * own account when the rows do not; footer totals, when present, are checked against the rows.
 */
import type { Cell } from './fields.js';
import { parseAmount } from './amount.js';
import { cellText, normalizeHeader, toHalfWidth } from './normalize.js';

export interface PreambleInfo {
  account?: string;
  accountName?: string;
  institution?: string;
  currency?: string;
}

const PREAMBLE_KEYS: [RegExp, keyof PreambleInfo][] = [
  [/^(账号|卡号|账户|帐号|查询账号|客户账号|账户账号|本方账号|accountnumber|accountno|account)$/, 'account'],
  [/^(户名|账户名称|客户名称|账户名|姓名|accountname|name)$/, 'accountName'],
  [/^(开户行|开户机构|开户网点|开户银行|机构名称|bank)$/, 'institution'],
  [/^(币种|币别|currency)$/, 'currency'],
];

function keyOf(text: string): keyof PreambleInfo | undefined {
  const norm = normalizeHeader(text);
  for (const [re, key] of PREAMBLE_KEYS) if (re.test(norm)) return key;
  return undefined;
}

/** Collect "key：value" cells and [key, value] cell pairs of one preamble row into `info`. */
export function readPreambleRow(cells: readonly Cell[], info: PreambleInfo): void {
  for (let i = 0; i < cells.length; i++) {
    const text = cellText(cells[i]);
    if (text === '') continue;
    // Several "key：value" pairs may share one cell: "账号：6222…  户名：张三".
    const pairs = toHalfWidth(text).split(/\s{2,}|[;|]/);
    let found = false;
    for (const pair of pairs) {
      const m = /^([^:]{1,12}):\s*(.+)$/.exec(pair.trim());
      if (!m) continue;
      const key = keyOf(m[1]!);
      if (key && info[key] === undefined) {
        info[key] = cleanValue(key, m[2]!);
        found = true;
      }
    }
    if (found) continue;
    const key = keyOf(text);
    const next = cellText(cells[i + 1]);
    if (key && next !== '' && info[key] === undefined && keyOf(next) === undefined) {
      info[key] = cleanValue(key, next);
      i++;
    }
  }
}

function cleanValue(key: keyof PreambleInfo, value: string): string {
  const v = value.trim();
  return key === 'account' ? v.replace(/[\s'[\]【】]/g, '') : v;
}

const FOOTER =
  /^(合计|总计|小计|本页合计|本页小计|累计|汇总|共\s*\d+\s*[笔条]|总笔数|笔数|交易笔数|total|subtotal|打印|制表|经办|复核|盖章|注[:：]|说明|备注[:：]|以上|本对账单|本明细|截止|查询时间|end\s*of)/i;

/** A row whose first filled cell reads like a total, a signature line or a note. */
export function isFooterRow(cells: readonly Cell[]): boolean {
  for (const cell of cells) {
    const text = cellText(cell);
    if (text === '') continue;
    const c = text.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) return false; // data rows start with a date or a number
    return FOOTER.test(toHalfWidth(text));
  }
  return false;
}

export interface FooterTotals {
  debit?: number;
  credit?: number;
  count?: number;
  line?: number;
}

const DEBIT_TOTAL =
  /(借方|支出|付出|转出|debit).{0,6}(合计|总额|总计|金额|发生额|total)|^(总支出|支出合计|借方合计)/i;
const CREDIT_TOTAL =
  /(贷方|收入|存入|转入|credit).{0,6}(合计|总额|总计|金额|发生额|total)|^(总收入|收入合计|贷方合计)/i;
const COUNT = /共\s*(\d+)\s*[笔条]|(?:总笔数|笔数|交易笔数)[:：]?\s*(\d+)?/;

/**
 * Totals a footer states ("借方合计：1,234.00", "共 12 笔"), as far as they can be read. The last
 * footer read wins: page subtotals are followed by the grand total. They are informative only.
 */
export function readFooterTotals(cells: readonly Cell[], totals: FooterTotals, line: number): void {
  for (let i = 0; i < cells.length; i++) {
    const text = toHalfWidth(cellText(cells[i]));
    if (text === '') continue;
    const count = COUNT.exec(text);
    if (count) {
      const n = count[1] ?? count[2] ?? cellText(cells[i + 1]);
      if (/^\d+$/.test(n)) {
        totals.count = Number(n);
        totals.line = line;
      }
    }
    for (const [re, key] of [
      [DEBIT_TOTAL, 'debit'],
      [CREDIT_TOTAL, 'credit'],
    ] as const) {
      if (!re.test(text)) continue;
      const inline = /[:]\s*(.+)$/.exec(text);
      const amount = parseAmount(inline ? inline[1] : cells[i + 1]);
      if (amount.kind === 'fen') {
        totals[key] = Math.abs(amount.fen);
        totals.line = line;
      }
    }
  }
}
