/**
 * The demo city: a Wuhan-like anti-fraud centre with its four levels of units, a few banks and
 * payment institutions, one user per role and some people with synthetic (but well-formed)
 * personal data. Loaded only into an empty database.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { residentIdCheckChar } from '../engines/identity/resident-id.js';
import { insertPerson } from '../repositories/person.repository.js';
import { insertUnit, listSubtree } from '../repositories/unit.repository.js';
import type { Database, UnitKind, UnitRow } from '../storage/schema.js';
import type { Role } from './access-policy.js';
import type { AuditService } from './audit.service.js';
import type { DirectoryService } from './directory.service.js';

export const DEMO_PASSWORD = 'levee-demo';

interface UnitSeed {
  code: string;
  kind: UnitKind;
  name: string;
  nameEn: string;
  children?: UnitSeed[];
}

const CITY: UnitSeed = {
  code: 'WH',
  kind: 'city',
  name: '武汉市公安局反电信网络诈骗中心',
  nameEn: 'Wuhan Anti-Telecom-Fraud Centre',
  children: [
    {
      code: 'WH-JA',
      kind: 'district',
      name: '江岸分局',
      nameEn: "Jiang'an Branch",
      children: [
        {
          code: 'WH-JA-DZ',
          kind: 'station',
          name: '大智派出所',
          nameEn: 'Dazhi Station',
          children: [
            { code: 'WH-JA-DZ-01', kind: 'community', name: '大智社区', nameEn: 'Dazhi Community' },
            { code: 'WH-JA-DZ-02', kind: 'community', name: '一元社区', nameEn: 'Yiyuan Community' },
          ],
        },
        {
          code: 'WH-JA-SW',
          kind: 'station',
          name: '四唯派出所',
          nameEn: 'Siwei Station',
          children: [{ code: 'WH-JA-SW-01', kind: 'community', name: '四唯社区', nameEn: 'Siwei Community' }],
        },
      ],
    },
    {
      code: 'WH-JH',
      kind: 'district',
      name: '江汉分局',
      nameEn: 'Jianghan Branch',
      children: [
        {
          code: 'WH-JH-MZ',
          kind: 'station',
          name: '民族街派出所',
          nameEn: 'Minzu Street Station',
          children: [{ code: 'WH-JH-MZ-01', kind: 'community', name: '民族社区', nameEn: 'Minzu Community' }],
        },
      ],
    },
    {
      code: 'WH-WC',
      kind: 'district',
      name: '武昌分局',
      nameEn: 'Wuchang Branch',
      children: [
        {
          code: 'WH-WC-ZN',
          kind: 'station',
          name: '中南路派出所',
          nameEn: 'Zhongnan Road Station',
          children: [
            { code: 'WH-WC-ZN-01', kind: 'community', name: '中南社区', nameEn: 'Zhongnan Community' },
          ],
        },
      ],
    },
    { code: 'ICBC', kind: 'bank', name: '中国工商银行', nameEn: 'Industrial and Commercial Bank of China' },
    { code: 'CCB', kind: 'bank', name: '中国建设银行', nameEn: 'China Construction Bank' },
    { code: 'ABC', kind: 'bank', name: '中国农业银行', nameEn: 'Agricultural Bank of China' },
    { code: 'BOC', kind: 'bank', name: '中国银行', nameEn: 'Bank of China' },
    { code: 'CMB', kind: 'bank', name: '招商银行', nameEn: 'China Merchants Bank' },
    { code: 'ALIPAY', kind: 'payment', name: '支付宝', nameEn: 'Alipay' },
    { code: 'TENPAY', kind: 'payment', name: '财付通', nameEn: 'Tenpay' },
  ],
};

export const DEMO_USERS: readonly { username: string; displayName: string; role: Role; unit: string }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', unit: 'WH' },
  { username: 'analyst', displayName: '李研判', role: 'analyst', unit: 'WH' },
  { username: 'duty', displayName: '王值班', role: 'duty_officer', unit: 'WH' },
  { username: 'district.jiangan', displayName: '张分局', role: 'district_officer', unit: 'WH-JA' },
  { username: 'station.dazhi', displayName: '刘民警', role: 'station_officer', unit: 'WH-JA-DZ' },
  { username: 'community.dazhi', displayName: '陈网格员', role: 'community_worker', unit: 'WH-JA-DZ-01' },
  { username: 'liaison.icbc', displayName: '工行联络员', role: 'institution_liaison', unit: 'ICBC' },
];

function demoIdNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('unit').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export async function seedDemoCity(
  db: Kysely<Database>,
  directory: DirectoryService,
  audit: AuditService,
  clock: Clock,
): Promise<void> {
  const now = clock.now().toISOString();
  const byCode = new Map<string, UnitRow>();
  await db.transaction().execute(async (trx) => {
    const walk = async (seed: UnitSeed, parent: UnitRow | undefined) => {
      const unit = await insertUnit(
        trx,
        {
          parent_id: parent?.id ?? null,
          kind: seed.kind,
          code: seed.code,
          name: seed.name,
          name_en: seed.nameEn,
          created_at: now,
        },
        parent,
      );
      byCode.set(seed.code, unit);
      for (const child of seed.children ?? []) await walk(child, unit);
    };
    await walk(CITY, undefined);
    await audit.record(trx, {
      userId: null,
      username: 'levee-demo',
      unitId: byCode.get('WH')!.id,
      action: 'demo.seed',
      targetType: 'unit',
      targetId: 'WH',
      ip: 'local',
    });
  });
  for (const user of DEMO_USERS) {
    await directory.createUser(
      undefined,
      {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        unitId: byCode.get(user.unit)!.id,
        password: DEMO_PASSWORD,
      },
      { demo: true },
    );
  }
  const people = [
    {
      unit: 'WH-JA-DZ-01',
      name: '赵女士',
      region: '420102',
      birth: '19850312',
      phone: '13871234567',
      card: '6222021234567890123',
      category: 'victim',
    },
    {
      unit: 'WH-JA-DZ-02',
      name: '钱先生',
      region: '420102',
      birth: '19620801',
      phone: '13907181234',
      card: '6217002870012345678',
      category: 'at_risk',
    },
    {
      unit: 'WH-JA-SW-01',
      name: '孙女士',
      region: '420102',
      birth: '19990520',
      phone: '15527001234',
      card: '6228481234567890123',
      category: 'victim',
    },
    {
      unit: 'WH-JH-MZ-01',
      name: '李先生',
      region: '420103',
      birth: '19781111',
      phone: '18607141234',
      card: '6214830212345678',
      category: 'victim',
    },
    {
      unit: 'WH-WC-ZN-01',
      name: '周女士',
      region: '420106',
      birth: '20010203',
      phone: '17092001234',
      card: '6225880212345678',
      category: 'at_risk',
    },
  ] as const;
  await db.transaction().execute(async (trx) => {
    let seq = 1;
    for (const p of people) {
      await insertPerson(trx, {
        unit_id: byCode.get(p.unit)!.id,
        name: p.name,
        id_number: demoIdNumber(p.region, p.birth, seq++),
        phone: p.phone,
        bank_card: p.card,
        category: p.category,
        created_by: null,
        created_at: now,
      });
    }
  });
}

export async function demoUnits(db: Kysely<Database>): Promise<UnitRow[]> {
  return listSubtree(db, '/');
}
