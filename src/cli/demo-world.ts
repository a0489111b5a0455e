/**
 * The live demo (`levee serve --demo --sim`): a simulated bank network in this process, its keys
 * loaded into the gateway, and its victims reporting to the police a minute after their last
 * payment — through the same intake as a duty officer's form. From then on Levee works alone:
 * stop-payments, detail queries, the next level, freezes, all visible in the console as they
 * happen, in real time.
 */
import type { LeveeContext } from '../context.js';
import { findUnitByCode } from '../repositories/unit.repository.js';
import { findUserByUsername } from '../repositories/user.repository.js';
import type { Actor } from '../services/access-policy.js';
import { isRole } from '../services/access-policy.js';
import type { Scenario } from '../sim/scenario.js';
import { type SimServer, startSimServer } from '../sim/server.js';
import { lastPaymentTimes, victimReport } from '../sim/victim-report.js';

/** Two victims of one four-level gang; the first report comes about three minutes after start. */
export const DEMO_SCENARIO: Scenario = {
  format: 'levee.sim-scenario/1',
  about: 'the live demo: two victims of one four-level gang, in real time',
  seed: 11,
  gangs: [
    {
      id: 'G1',
      levels: [
        { accounts: 2, delayMinutes: { min: 2, max: 5 } },
        { accounts: 4, delayMinutes: { min: 3, max: 8 } },
        { accounts: 8, delayMinutes: { min: 5, max: 15 } },
        { accounts: 12, delayMinutes: { min: 20, max: 60 } },
      ],
      commingling: 0.2,
    },
  ],
  victims: [
    { id: 'V1', gang: 'G1', amount: 18_000_000, payments: 2, spacingMinutes: { min: 1, max: 2 } },
    { id: 'V2', gang: 'G1', amount: 6_500_000, payments: 1, startMinutes: 8 },
  ],
};

/**
 * The demo's world for a run starting at `start`: the same story (gang shape, victims, amounts) with
 * a seed of its own, so every start of `npm start` on the same database meets new people and new
 * mule accounts. With one fixed seed, a restart re-filed the same victims against the same account
 * numbers, and the new cases were linked to the last run's, whose simulated banks no longer exist.
 */
export function demoScenario(start: number): Scenario {
  return { ...DEMO_SCENARIO, seed: DEMO_SCENARIO.seed + (Math.floor(start / 60_000) % 1_000_000) };
}

const REPORT_DELAY_MS = 60_000;
const VICTIM_UNIT = 'WH-JA-DZ-01';
const REPORTER = 'duty';

export interface DemoWorld {
  readonly sim: SimServer;
  /** sim ms at which each victim reports */
  readonly reportAt: readonly number[];
  /** resolves when every victim has reported (case ids in order) */
  readonly reported: Promise<number[]>;
  stop(): Promise<void>;
}

/**
 * Starts the simulator, hands its keys to the gateway and schedules the victims' reports.
 * `callbackUrl` is Levee's `/gateway/callbacks`. Levee's clock must read the sim's time (at
 * speed 1, the wall clock does).
 */
export async function startDemoWorld(
  ctx: LeveeContext,
  options: { callbackUrl: string; speed?: number; start?: number; scenario?: Scenario },
): Promise<DemoWorld> {
  const start = options.start ?? Date.now();
  const scenario = options.scenario ?? demoScenario(start);
  const sim = await startSimServer({
    scenario,
    start,
    speed: options.speed ?? 1,
    faults: 'latency',
    callbackUrl: options.callbackUrl,
  });
  await ctx.gateway.importKeys(sim.keys, 'demo');
  const reporter = await demoActor(ctx);
  const unit = await findUnitByCode(ctx.store.db, VICTIM_UNIT);
  if (!unit) throw new Error(`the demo city has no unit ${VICTIM_UNIT}`);
  const reportAt = lastPaymentTimes(scenario, start)
    .filter(Number.isFinite)
    .map((t) => t + REPORT_DELAY_MS);
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const reported = Promise.all(
    reportAt.map(
      (at, index) =>
        new Promise<number>((resolve, reject) => {
          const timer = setTimeout(async () => {
            timers.delete(timer);
            if (stopped) return;
            try {
              const report = victimReport(sim.simulator.world, index, {
                unitId: unit.id,
                scamType: 'fake-customer-service',
                narrative:
                  '自称电商客服，称订单异常需退款，诱导受害人下载会议软件共享屏幕后转账。（演示警情）',
                address: '江岸区大智路',
              });
              const result = await ctx.cases.intake(reporter, report);
              ctx.logger.info(
                { caseId: result.caseId, victim: report.victim.name },
                'demo: a victim reported',
              );
              resolve(result.caseId);
            } catch (error) {
              ctx.logger.error({ err: error }, 'demo: a victim’s report failed');
              reject(error);
            }
          }, sim.clock.wallDelayUntil(at));
          timers.add(timer);
        }),
    ),
  );
  // A stopped demo leaves the promise pending; nobody should crash on it.
  reported.catch(() => {});

  return {
    sim,
    reportAt,
    reported,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await sim.close();
    },
  };
}

/** The demo's duty officer, acting as the reports come in. */
async function demoActor(ctx: LeveeContext): Promise<Actor> {
  const user = await findUserByUsername(ctx.store.db, REPORTER);
  if (!user || !isRole(user.role)) throw new Error(`the demo city has no user ${REPORTER}`);
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    unitId: user.unit_id,
    unitPath: user.unit_path,
    ip: '127.0.0.1',
    sessionId: 'demo',
  };
}
