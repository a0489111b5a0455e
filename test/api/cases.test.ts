/** Case intake: every check names its field and saves nothing; warnings are kept; duplicates merge; shared accounts link. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const CASE_TABLES = [
  'fraud_case',
  'case_victim',
  'case_payment',
  'case_artefact',
  'case_warning',
  'case_report',
  'case_event',
  'case_link',
  'audit_log',
] as const;

const validId = (first17: string) => first17 + residentIdCheckChar(first17);

function report(overrides: Record<string, unknown> = {}, unitId = 1) {
  return {
    scamType: 'fake-customer-service',
    narrative: '自称快递客服，称包裹丢失需理赔，诱导下载会议软件共享屏幕后转账。',
    victim: {
      name: '赵女士',
      idNumber: '11010519491231002X',
      phone: '13871234567',
      address: '江岸区大智路1号',
      unitId,
    },
    payments: [
      {
        time: '2026-11-20T14:05:00+08:00',
        amount: 180_000_00,
        channel: 'mobile-banking',
        institution: 'ICBC',
        account: '6222021234567890128',
        accountName: '王某',
      },
      {
        time: '2026-11-20T14:20:00+08:00',
        amount: 120_000_00,
        channel: 'mobile-banking',
        institution: 'CCB',
        account: '6217002870012345678',
        accountName: '李某',
      },
    ],
    artefacts: [
      { kind: 'phone', value: '+63 917 123 4567' },
      { kind: 'url', value: 'https://kuaidi-lipei.example-claims.top/refund' },
      { kind: 'sms', value: '【快递】您的包裹丢失，请联系客服理赔' },
    ],
    ...overrides,
  };
}

describe.each(DATABASES)('case intake on %s', (database) => {
  let t: TestApp;
  let duty: Session;
  let unitId: number;
  const counts = async () => {
    // Earlier valid reports start the automatic disposal, which writes timeline rows of its own.
    await t.ctx.disposal.idle();
    const out: Record<string, number> = {};
    for (const table of CASE_TABLES)
      out[table] = Number(
        (
          await t.ctx.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return out;
  };

  beforeAll(async () => {
    t = await createTestApp({ database });
    duty = await t.login('duty');
    unitId = await t.unitId('WH-JA-DZ-01');
  });
  afterAll(async () => t?.close());

  it('saves a valid report with its payments, artefacts, total loss and a case number', async () => {
    const response = await duty.request('POST', '/api/cases', report({}, unitId));
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body.duplicate).toBe(false);
    expect(body.case.caseNo).toMatch(/^WH-\d{8}-\d{6}$/);
    expect(body.case.lossTotal).toBe(300_000_00);
    const detail = (await duty.request('GET', `/api/cases/${body.case.id}`)).json();
    expect(detail.payments.map((p: { account: string }) => p.account)).toEqual([
      '6222021234567890128',
      '6217002870012345678',
    ]);
    expect(detail.victims[0].idNumber).toBe('110105********002X');
    expect(detail.artefacts.find((a: { kind: string }) => a.kind === 'phone')).toMatchObject({
      normalized: '+639171234567',
      flags: ['foreign'],
    });
    expect(detail.artefacts.find((a: { kind: string }) => a.kind === 'url').normalized).toBe(
      'kuaidi-lipei.example-claims.top',
    );
    const timeline = (await duty.request('GET', `/api/cases/${body.case.id}/timeline`)).json();
    expect(timeline.items[0]).toMatchObject({ kind: 'case.created', actor: 'duty' });
  });

  const invalid: [string, (r: ReturnType<typeof report>) => unknown, string, RegExp][] = [
    [
      'ID check digit',
      (r) => ({ ...r, victim: { ...r.victim, idNumber: '110105194912310021' } }),
      'victim.idNumber',
      /wrong check character/,
    ],
    [
      'ID birth date',
      (r) => ({ ...r, victim: { ...r.victim, idNumber: '110105194902300028' } }),
      'victim.idNumber',
      /birth date that does not exist/,
    ],
    [
      'victim phone',
      (r) => ({ ...r, victim: { ...r.victim, phone: '1234' } }),
      'victim.phone',
      /not a valid phone number/,
    ],
    [
      'unknown institution',
      (r) => ({ ...r, payments: [{ ...r.payments[0]!, institution: 'NOBANK' }] }),
      'payments[0].institution',
      /not a known institution/,
    ],
    [
      'payment in the future',
      (r) => ({ ...r, payments: [{ ...r.payments[0]!, time: '2099-01-01T00:00:00+08:00' }] }),
      'payments[0].time',
      /in the future/,
    ],
    [
      'time without offset',
      (r) => ({ ...r, payments: [{ ...r.payments[0]!, time: '2026-11-20 14:05' }] }),
      'payments[0].time',
      /ISO 8601/,
    ],
    [
      'zero amount',
      (r) => ({ ...r, payments: [{ ...r.payments[0]!, amount: 0 }] }),
      'payments[0].amount',
      /above 0/,
    ],
    [
      'negative amount',
      (r) => ({ ...r, payments: [r.payments[0]!, { ...r.payments[1]!, amount: -5 }] }),
      'payments[1].amount',
      /above 0/,
    ],
    [
      'letters in an account',
      (r) => ({ ...r, payments: [{ ...r.payments[0]!, account: '6222ABC' }] }),
      'payments[0].account',
      /only hold digits/,
    ],
    ['unknown scam type', (r) => ({ ...r, scamType: 'alien-abduction' }), 'scamType', /not a scam type/],
    [
      'URL without a domain',
      (r) => ({ ...r, artefacts: [{ kind: 'url', value: 'http://' }] }),
      'artefacts[0].value',
      /no valid domain/,
    ],
  ];
  for (const [name, mutate, field, message] of invalid) {
    it(`refuses ${name}, names ${field}, saves nothing`, async () => {
      const before = await counts();
      const response = await duty.request(
        'POST',
        '/api/cases',
        mutate(report({ narrative: `错误：${name}` }, unitId)),
      );
      expect(response.statusCode, response.body).toBe(400);
      const problem = response.json();
      expect(problem.code).toBe('LEVEE_VALIDATION');
      expect(problem.field).toBe(field);
      expect(problem.errors[0].message).toMatch(message);
      expect(await counts()).toEqual(before);
    });
  }

  it('lists every invalid field at once', async () => {
    const r = report({}, unitId);
    const response = await duty.request('POST', '/api/cases', {
      ...r,
      victim: { ...r.victim, phone: 'x' },
      payments: [{ ...r.payments[0]!, institution: 'NOPE', amount: 0 }],
    });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'victim.phone',
      'payments[0].amount',
      'payments[0].institution',
    ]);
  });

  it('saves with warnings shown and recorded: Luhn failure, virtual-operator number', async () => {
    const r = report({}, unitId);
    const response = await duty.request('POST', '/api/cases', {
      ...r,
      victim: { ...r.victim, idNumber: validId('42010219850312001'), phone: '17012345678' },
      payments: [{ ...r.payments[0]!, account: '6222021234567890123', amount: 5_000_00 }],
    });
    expect(response.statusCode, response.body).toBe(201);
    const codes = response.json().warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(['virtual-operator', 'luhn']);
    const detail = (await duty.request('GET', `/api/cases/${response.json().case.id}`)).json();
    expect(detail.warnings.map((w: { field: string }) => w.field)).toEqual([
      'victim.phone',
      'payments[0].account',
    ]);
  });

  it('recognises a duplicate report, links it and adds only the new payment', async () => {
    const r = report({}, unitId);
    const victim = { ...r.victim, idNumber: validId('42010219900101001') };
    const first = (await duty.request('POST', '/api/cases', { ...r, victim })).json();
    const again = await duty.request('POST', '/api/cases', {
      ...r,
      victim,
      payments: [
        ...r.payments,
        {
          time: '2026-11-20T15:00:00+08:00',
          amount: 50_000_00,
          channel: 'alipay',
          institution: 'ALIPAY',
          account: '20881234567890',
          accountName: '张某',
        },
      ],
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      duplicate: true,
      knownPayments: 2,
      newPayments: 1,
      case: { id: first.case.id, lossTotal: 350_000_00 },
    });
    const detail = (await duty.request('GET', `/api/cases/${first.case.id}`)).json();
    expect(detail.payments).toHaveLength(3);
    expect(detail.reports.map((x: { duplicate: boolean }) => x.duplicate)).toEqual([false, true]);
    const exact = (await duty.request('POST', '/api/cases', { ...r, victim })).json();
    expect(exact).toMatchObject({ duplicate: true, knownPayments: 2, newPayments: 0 });
  });

  it('links cases whose victims paid into the same account', async () => {
    const r = report({}, unitId);
    const a = (
      await duty.request('POST', '/api/cases', {
        ...r,
        victim: { ...r.victim, idNumber: validId('42010219920202001') },
        payments: [{ ...r.payments[0]!, account: '6222020000111122223', amount: 9_000_00 }],
      })
    ).json();
    const b = (
      await duty.request('POST', '/api/cases', {
        ...r,
        victim: { ...r.victim, name: '钱先生', idNumber: validId('42010219930303001') },
        payments: [{ ...r.payments[0]!, account: '6222020000111122223', amount: 7_000_00 }],
      })
    ).json();
    expect(a.case, JSON.stringify(a)).toBeDefined();
    expect(b.linkedCases).toContain(a.case.id);
    const detail = (await duty.request('GET', `/api/cases/${a.case.id}`)).json();
    expect(detail.links.map((l: { caseId: number }) => l.caseId)).toContain(b.case.id);
  });

  it('pauses and resumes automation with a reason on the timeline', async () => {
    const created = (
      await duty.request(
        'POST',
        '/api/cases',
        report({ victim: { ...report().victim, idNumber: validId('42010219940404001'), unitId } }),
      )
    ).json();
    const paused = await duty.request('POST', `/api/cases/${created.case.id}/automation`, {
      state: 'paused',
      reason: '待核实收款方是否为正规商户',
    });
    expect(paused.json().automation).toBe('paused');
    const events = (await duty.request('GET', `/api/cases/${created.case.id}/timeline`))
      .json()
      .items.map((e: { kind: string }) => e.kind);
    expect(events).toContain('automation.paused');
  });

  it('lists cases of the unit subtree with filters', async () => {
    const all = (await duty.request('GET', '/api/cases')).json().items;
    expect(all.length).toBeGreaterThan(3);
    const searched = (await duty.request('GET', `/api/cases?q=${encodeURIComponent('钱先生')}`)).json().items;
    expect(searched).toHaveLength(1);
    const station = await t.login('community.dazhi');
    const mine = (await station.request('GET', '/api/cases')).json().items;
    expect(mine.length).toBe(all.length); // every report above lives in 大智社区
  });
});
