/**
 * The live demo (`levee serve --demo --sim`), sped up: the simulated victims report through the
 * intake with exactly the payments the simulator's ledger holds, and Levee's stop-payments for
 * them are executed by the simulated banks without anyone touching the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoWorld, DEMO_SCENARIO, startDemoWorld } from '../../src/cli/demo-world.js';
import type { Clock } from '../../src/core/clock.js';
import { startGateway } from '../../src/gateway/runtime.js';
import { victimPayments } from '../../src/sim/victim-report.js';
import { eventually } from '../gateway/_gateway-harness.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

const START = Date.parse('2026-11-26T09:00:00+08:00');

describe('the live demo world', () => {
  let t: TestApp;
  let demo: DemoWorld | undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  // Levee reads the simulator's time, as it does at speed 1 from the wall clock.
  const clock: Clock = { now: () => new Date(demo ? demo.sim.clock.now() : START) };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    demo = await startDemoWorld(t.ctx, { callbackUrl: `${url}/gateway/callbacks`, speed: 120, start: START });
    gateway = await startGateway(t.ctx);
  });
  afterAll(async () => {
    await demo?.stop();
    await gateway?.stop();
    await t?.close();
  });

  it('lets every victim report, a minute after the last payment, with the payments the banks hold', async () => {
    expect(demo!.reportAt).toHaveLength(DEMO_SCENARIO.victims!.length);
    const caseIds = await demo!.reported;
    expect(new Set(caseIds).size).toBe(caseIds.length);
    const world = demo!.sim.simulator.world;
    for (const [index, caseId] of caseIds.entries()) {
      const detail = await t.ctx.store.db
        .selectFrom('case_payment')
        .select(['amount', 'institution_code', 'account', 'paid_at'])
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute();
      const truth = victimPayments(world, index);
      expect(
        detail.map((p) => [Number(p.amount), p.institution_code, p.account, Date.parse(p.paid_at)]),
      ).toEqual(truth.map((p) => [p.amount, p.institution, p.account, p.at]));
      expect(truth.reduce((sum, p) => sum + p.amount, 0)).toBe(DEMO_SCENARIO.victims![index]!.amount);
    }
  });

  it('chases the money with nobody at the console: stop-payments are executed at the simulated banks', async () => {
    const [first] = await demo!.reported;
    const executed = await eventually(async () => {
      const row = await t.ctx.store.db
        .selectFrom('gateway_request')
        .select(['request_id', 'institution_code'])
        .where('case_id', '=', first!)
        .where('type', '=', 'stop-payment')
        .where('state', '=', 'executed')
        .executeTakeFirst();
      return row ?? undefined;
    });
    expect(executed, 'an executed stop-payment').toBeDefined();
    expect(demo!.sim.simulator.executionCount(executed!.institution_code, executed!.request_id)).toBe(1);
  });
});
