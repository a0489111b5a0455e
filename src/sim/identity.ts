/** Synthetic people: names, resident ID numbers with a valid GB 11643 check digit, phones, branches. */
import type { Rng } from './rng.js';

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉建国建华志强海波晓东文静婷婷丹丹浩然子涵宇轩欣怡梓萱俊杰雨桐';
const REGIONS = [
  '420102',
  '420103',
  '420104',
  '420105',
  '420106',
  '420111',
  '420115',
  '420117',
  '110105',
  '440106',
  '350203',
  '530102',
];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PHONE_PREFIXES = [
  '138',
  '139',
  '136',
  '150',
  '151',
  '158',
  '187',
  '188',
  '135',
  '186',
  '133',
  '177',
  '170',
  '171',
  '165',
];
const DISTRICTS = ['江岸', '江汉', '硚口', '汉阳', '武昌', '青山', '洪山', '东西湖', '光谷', '沌口'];

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

export interface Person {
  name: string;
  idNumber: string;
  phone: string;
}

export function makePerson(rng: Rng): Person {
  const surname = SURNAMES[rng.int(0, SURNAMES.length - 1)] as string;
  const givenLength = rng.chance(0.6) ? 2 : 1;
  let given = '';
  for (let i = 0; i < givenLength; i++) given += GIVEN[rng.int(0, GIVEN.length - 1)];
  const year = rng.int(1960, 2004);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  const first17 = `${rng.pick(REGIONS)}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(rng.int(0, 999)).padStart(3, '0')}`;
  const phone = `${rng.pick(PHONE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  return { name: surname + given, idNumber: first17 + idCheckDigit(first17), phone };
}

export function makeBranch(rng: Rng, institutionName: string): string {
  const short = institutionName.replace(/(股份)?有限公司|（.*?）/g, '');
  return `${short}武汉${rng.pick(DISTRICTS)}支行`;
}

/** Luhn check digit, so simulated card numbers look like real ones. */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
