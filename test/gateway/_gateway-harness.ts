/** Levee (API + gateway dispatcher) wired to a simulated bank network over real HTTP. */
import type { Insertable } from 'kysely';
import { Dispatcher, type DispatcherOptions } from '../../src/gateway/dispatcher.js';
import { newRequestRow } from '../../src/repositories/gateway.repository.js';
import { PRESET_SCENARIOS } from '../../src/sim/scenario.js';
import { type SimServer, startSimServer } from '../../src/sim/server.js';
import type { GatewayRequestTable } from '../../src/storage/schema.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

export interface GatewayHarness {
  t: TestApp;
  sim: SimServer;
  dispatcher: Dispatcher;
  url: string;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startGatewayHarness(
  options: {
    database?: 'sqlite' | 'postgres';
    faults?: string;
    dispatcher?: DispatcherOptions;
    banks?: number;
    payments?: number;
  } = {},
): Promise<GatewayHarness> {
  const t = await createTestApp({ database: options.database ?? 'sqlite' });
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const sim = await startSimServer({
    scenario: PRESET_SCENARIOS['default']!,
    banks: options.banks ?? 6,
    payments: options.payments ?? 3,
    faults: options.faults ?? 'none',
    callbackUrl: `${url}/gateway/callbacks`,
  });
  await t.ctx.gateway.importKeys(sim.keys, 'test');
  const dispatcher = new Dispatcher(
    t.ctx.store.db,
    t.ctx.store.capabilities,
    t.ctx.gateway,
    t.ctx.clock,
    t.ctx.logger,
    {
      pollMs: 50,
      pollAfterMs: 1_000,
      backoffBaseMs: 50,
      backoffCapMs: 500,
      ...options.dispatcher,
    },
  );
  dispatcher.start();
  return {
    t,
    sim,
    dispatcher,
    url,
    close: async () => {
      await dispatcher.stop();
      await sim.close();
      await t.close();
    },
  };
}

/** A mule account of the simulated world (institution, number, holder name). */
export function simAccount(sim: SimServer, level: number, index: number) {
  const world = sim.simulator.world;
  const account = world.gangs[0]!.levels[level]![index]!;
  const ledger = world.ledger;
  return {
    institution: world.institutions[ledger.inst[account]!]!.code,
    number: ledger.number[account]!,
    name: world.persons[ledger.holder[account]!]!.name,
  };
}

/** Wait until `check` holds, polling; the caller's test fails by its own assertion if it never does. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  tries = 600,
  everyMs = 50,
): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  return undefined;
}

/**
 * A whole gateway_request row for a test to insert directly: a holder query to ICBC, queued and
 * due at `at`, never sent; `changes` set whatever else the test needs.
 */
export function gatewayRequestRow(
  requestId: string,
  at: string,
  changes: Partial<Insertable<GatewayRequestTable>> = {},
): Insertable<GatewayRequestTable> {
  return {
    ...newRequestRow(
      {
        request_id: requestId,
        case_id: null,
        institution_code: 'ICBC',
        type: 'holder-query',
        account: '6222000011112222',
        amount: null,
        body: '{}',
        reason: 'test',
        created_by: 'test',
        renews_request_id: null,
      },
      at,
    ),
    ...changes,
  };
}
