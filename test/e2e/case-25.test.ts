/**
 * The brief's case end to end against the simulated bank network: one victim loses 520,000 yuan to
 * a fake customer-service scam; the money is split and forwarded through four levels, 25 accounts
 * at the fourth. A duty officer enters the report; from then on no human acts. Levee pushes
 * stop-payments and detail queries, follows the answers level by level, and freezes every account
 * that still holds the victim's money — and its figures equal the tracing engine's on the
 * simulator's own ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { compileLedger, fastTrace } from '../../src/engines/tracing/index.js';
import { startGateway, type GatewayRuntime } from '../../src/gateway/runtime.js';
import { victimMoneyByAccount } from '../../src/services/case-analysis.service.js';
import { isoCst } from '../../src/sim/clock.js';
import { exportLedger } from '../../src/sim/export-ledger.js';
import { PRESET_SCENARIOS } from '../../src/sim/scenario.js';
import { type SimServer, startSimServer } from '../../src/sim/server.js';
import { eventually, sleep } from '../gateway/_gateway-harness.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

/** Sim minutes per wall second: laundering that takes an afternoon plays in a minute or two. */
const SPEED = 60;

describe('case-25: from report to frozen accounts with no human step', () => {
  let sim: SimServer | undefined;
  let t: TestApp;
  let gateway: GatewayRuntime;
  let duty: Session;
  let caseId: number;
  // Levee lives on the simulator's clock, as the whole world does in this test.
  const clock: Clock = { now: () => new Date(sim ? sim.clock.now() : Date.now()) };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    sim = await startSimServer({
      scenario: PRESET_SCENARIOS['case-25']!,
      speed: SPEED,
      faults: 'none',
      callbackUrl: `${url}/gateway/callbacks`,
    });
    await t.ctx.gateway.importKeys(sim.keys, 'test', { ratePerSecond: 1000 });
    gateway = await startGateway(t.ctx, { pollMs: 20, pollAfterMs: 2_000 });
    duty = await t.login('duty');
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.close();
    await t?.close();
  });

  const world = () => sim!.simulator.world;
  const levels = () => world().gangs[0]!.levels;
  const code = (account: number) => world().institutions[world().ledger.inst[account]!]!.code;
  const number = (account: number) => world().ledger.number[account]!;

  it('enters the report once the money has reached the fourth level', async () => {
    // Wait (in sim time) until every level-4 account has received money, and none has cashed out yet.
    const reached = await eventually(
      async () => {
        const l4 = levels()[3]!;
        return l4.every((a) => world().ledger.transfersOf(a, 0, Number.MAX_SAFE_INTEGER).length > 0)
          ? true
          : undefined;
      },
      3000,
      20,
    );
    expect(reached).toBe(true);
    const victim = world().victims[0]!;
    const payments = world()
      .ledger.transfersOf(victim.account, 0, Number.MAX_SAFE_INTEGER)
      .map((i) => world().ledger.transferView(i))
      .filter((v) => v.from === victim.account);
    expect(payments.reduce((s, p) => s + p.amount, 0)).toBe(52_000_000);
    const first17 = '42010219780512003';
    const response = await duty.request('POST', '/api/cases', {
      scamType: 'fake-customer-service',
      narrative: '冒充快递客服称包裹丢失需理赔，诱导受害人多次转账。',
      victim: {
        name: '赵女士',
        idNumber: first17 + residentIdCheckChar(first17),
        phone: '13871234567',
        address: '江岸区',
        unitId: 1,
      },
      payments: payments.map((p) => ({
        time: isoCst(p.time),
        amount: p.amount,
        channel: 'mobile-banking',
        institution: code(p.to),
        account: number(p.to),
        accountName: world().persons[world().ledger.holder[p.to]!]!.name,
      })),
    });
    expect(response.statusCode, response.body).toBe(201);
    caseId = response.json().case.id;
  });

  it('freezes every account still holding the victim’s money, level by level, with no human step', async () => {
    const done = await eventually(
      async () => {
        await t.ctx.disposal.idle();
        const pending = await t.ctx.store.db
          .selectFrom('gateway_request')
          .select('id')
          .where('case_id', '=', caseId)
          .where('state', 'in', ['queued', 'sent', 'acknowledged'])
          .execute();
        if (pending.length > 0) return undefined;
        const snaps = await t.ctx.disposal.snapshots(caseId);
        const open = snaps.filter(
          (s) => s.sink === null && s.state !== 'excluded' && s.located > 0 && s.frozen === 0,
        );
        return open.length === 0 && snaps.length > 25 ? snaps : undefined;
      },
      3000,
      50,
    );
    if (!done) {
      const events = await t.ctx.store.db
        .selectFrom('case_event')
        .select(['kind', 'summary'])
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute();
      const reqs = await t.ctx.store.db
        .selectFrom('gateway_request')
        .select(['type', 'state', 'institution_code', 'account', 'last_error'])
        .where('case_id', '=', caseId)
        .execute();
      console.log(
        JSON.stringify(
          {
            events: events.slice(0, 60),
            reqs: reqs.slice(0, 40),
            snaps: (await t.ctx.disposal.snapshots(caseId))
              .slice(0, 10)
              .map((x) => ({ ...x, pending: [...x.pending] })),
          },
          null,
          1,
        ),
      );
    }
    expect(done).toBeDefined();
    const accounts = await t.ctx.store.db
      .selectFrom('case_account')
      .selectAll()
      .where('case_id', '=', caseId)
      .execute();
    const l4 = new Set(levels()[3]!.map((a) => `${code(a)}/${number(a)}`));
    const frozenL4 = accounts.filter(
      (a) => l4.has(`${a.institution_code}/${a.account}`) && a.state === 'frozen',
    );
    expect(frozenL4.length).toBe(25);
    expect(Math.max(...accounts.map((a) => a.level))).toBeGreaterThanOrEqual(4);
    const humans = await t.ctx.store.db
      .selectFrom('gateway_request')
      .select('created_by')
      .where('case_id', '=', caseId)
      .distinct()
      .execute();
    expect(humans.map((h) => h.created_by)).toEqual(['automation']);
    // The next levels were pushed straight from the answers, each request saying so; the held
    // accounts got standing dynamic queries once the chase was over.
    const requests = await t.ctx.store.db
      .selectFrom('gateway_request')
      .select(['type', 'reason', 'account', 'state'])
      .where('case_id', '=', caseId)
      .execute();
    const pushed = requests.filter((r) => r.type === 'stop-payment' && r.reason.includes('即时推送'));
    expect(pushed.length).toBeGreaterThanOrEqual(25);
    const l4Numbers = new Set(levels()[3]!.map((a) => number(a)));
    expect(pushed.filter((r) => l4Numbers.has(r.account!)).length).toBeGreaterThanOrEqual(20);
    const watched = requests.filter((r) => r.type === 'subscription' && r.state === 'executed');
    expect(watched.length).toBeGreaterThan(0);
    const frozenNumbers = new Set(accounts.filter((a) => a.state === 'frozen').map((a) => a.account));
    for (const w of watched)
      expect(frozenNumbers.has(w.account!) || w.reason.includes('止付未冻结到资金')).toBe(true);
  });

  it('holds, in every frozen account, the victim’s money as the tracing engine finds it on the ground truth', async () => {
    // As before any report: fresh statements of every account the money reached, up to one moment.
    const refresh = await duty.request('POST', `/api/cases/${caseId}/refresh-statements`);
    expect(refresh.statusCode, refresh.body).toBe(202);
    const { upTo, requests } = refresh.json();
    expect(requests).toBeGreaterThan(25);
    const answered = await eventually(
      async () => {
        await t.ctx.disposal.idle();
        const open = await t.ctx.store.db
          .selectFrom('gateway_request')
          .select('id')
          .where('case_id', '=', caseId)
          .where('state', 'in', ['queued', 'sent', 'acknowledged'])
          .execute();
        return open.length === 0 ? true : undefined;
      },
      3000,
      50,
    );
    expect(answered).toBe(true);
    await sleep(50);
    // The statements cover [from, upTo); the ground truth up to the same moment.
    const truthDoc = exportLedger(world(), { upTo: Date.parse(upTo) - 1 });
    const truth = fastTrace(compileLedger(truthDoc), 'fifo');
    const victimTruth = truth.victims['V1']!;
    const snapshot = await t.ctx.analysis.snapshot(caseId);
    const mine = fastTrace(compileLedger(snapshot.ledger), 'fifo');
    const mineByAccount = victimMoneyByAccount(snapshot.ledger, mine);
    const frozen = await t.ctx.store.db
      .selectFrom('case_account')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('state', '=', 'frozen')
      .execute();
    expect(frozen.length).toBeGreaterThanOrEqual(25);
    let total = 0;
    for (const a of frozen) {
      const key = `${a.institution_code}/${a.account}`;
      const truthKey = `${a.institution_code}-${a.account}`;
      expect(mineByAccount.get(key) ?? 0, key).toBe(victimTruth.located[truthKey] ?? 0);
      // A freeze is in place wherever her money is.
      if ((mineByAccount.get(key) ?? 0) > 0) expect(Number(a.frozen_amount), key).toBeGreaterThan(0);
      total += mineByAccount.get(key) ?? 0;
    }
    // The fund analysis report says the same, account by account.
    const report = (await duty.request('GET', `/api/cases/${caseId}/report?rule=fifo&format=json`)).json();
    const reported = report.victims[0] as { located: { account: string; amount: number }[] };
    expect(reported.located.length).toBeGreaterThanOrEqual(25);
    for (const row of reported.located)
      expect(row.amount, row.account).toBe(victimTruth.located[row.account.replace('/', '-')] ?? 0);
    // Everything of hers that is still in an account (not cashed out) is in a frozen one.
    const locatedTruth = Object.values(victimTruth.located).reduce((s, v) => s + v, 0);
    expect(total).toBe(locatedTruth);
  });

  it('has the institutions hold all of her money that is still in an account, top-ups included', async () => {
    // The ground truth now, at the institutions: wherever FIFO locates her money, the holds Levee
    // asked for hold at least that much (a hold smaller than the money that reached the account
    // later would have been topped up).
    const now = sim!.clock.now();
    sim!.simulator.advanceTo(Math.max(now, world().now));
    const truth = fastTrace(compileLedger(exportLedger(world(), { upTo: world().now })), 'fifo');
    const ledger = world().ledger;
    const located = Object.entries(truth.victims['V1']!.located).filter(([, amount]) => amount > 0);
    expect(located.length).toBeGreaterThanOrEqual(20);
    for (const [id, amount] of located) {
      const account = [...levels().flat()].find((a) => `${code(a)}-${number(a)}` === id);
      expect(account, id).toBeDefined();
      const held = (ledger.balance[account!] as number) - ledger.available(account!, world().now);
      expect(held, id).toBeGreaterThanOrEqual(amount);
    }
  });
});
