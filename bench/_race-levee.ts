/**
 * One live run of a race scenario: Levee (fresh SQLite, the real API and callback route, the
 * gateway started as `levee serve` starts it) on the simulator's clock, the simulator in this
 * process at the scenario's speed. Each victim's report goes through POST /api/cases as soon as
 * the sim clock passes the victim's alert time; from then on only the automatic disposal acts.
 * The run ends when Levee has nothing under way and nothing of the victims' can move any more
 * (held or gone), or at a cap.
 *
 * Wall-clock timing of the first stop-payment: the simulator's `accept` is wrapped to note when
 * each request reaches the institution (performance.now()), compared with when the intake
 * response came back. Levee's own timestamps are sim time here, so they are not used for this.
 *
 * `manualMinutesPerLevel` turns the same run into the manual reference: a DisposalGate holds
 * every action on a level-L account until L × that many sim minutes after the case's intake (an
 * analyst's work on each level before its requests go out), and wakes the case when that comes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/api/app.js';
import type { Clock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { createContext } from '../src/context.js';
import { startGateway } from '../src/gateway/runtime.js';
import { DEFAULT_POLICY } from '../src/engines/disposal/policy.js';
import { DEMO_PASSWORD } from '../src/services/demo-seed.js';
import { type SimServer, startSimServer } from '../src/sim/server.js';
import { victimReport } from '../src/sim/victim-report.js';
import { lossReport, measure, type RaceOutcome, victimMoneySettled } from './_race-measure.js';
import type { RaceScenario, VictimAlert } from './_race-scenarios.js';

const MINUTE = 60_000;
const PENDING = ['queued', 'sent', 'acknowledged'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LiveRunOptions {
  readonly faults: string;
  readonly capMinutes: number;
  readonly manualMinutesPerLevel?: number;
}

export interface LiveRunResult {
  readonly outcome: RaceOutcome;
  readonly cases: number;
  readonly requests: number;
  readonly requestsByType: Record<string, number>;
  /** Per case with a stop-payment of its own: wall ms from the intake response to its arrival. */
  readonly firstStopMs: number[];
  /** The scenario's first stop-payment: wall ms from the first intake response. */
  readonly scenarioFirstStopMs: number;
  /** Cases whose accounts were already being held through a linked case (no stop-payment of their own). */
  readonly casesWithoutOwnStop: number;
  /** POST /api/cases durations, wall ms. */
  readonly intakeMs: number[];
  readonly endedAt: number;
  readonly wallSeconds: number;
  /** CPU seconds of this process (Levee and the simulator share it) from the gateway's start to the end of the race. */
  readonly cpuSeconds: number;
}

export async function runLive(
  race: RaceScenario,
  start: number,
  alerts: readonly VictimAlert[],
  options: LiveRunOptions,
): Promise<LiveRunResult> {
  const wallStart = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'levee-race-'));
  let sim: SimServer | undefined;
  const clock: Clock = { now: () => new Date(sim ? sim.clock.now() : start) };
  const config = loadConfig({
    LEVEE_DATABASE_URL: `sqlite:${join(dir, 'levee.db')}`,
    LEVEE_DATA_DIR: dir,
    LEVEE_LOG_LEVEL: 'silent',
    LEVEE_DEMO: 'true',
  });
  const ctx = await createContext(config, { prepare: true, clock });
  const app = await buildApp(ctx);
  await app.ready();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const timers = new Set<NodeJS.Timeout>();
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    sim = await startSimServer({
      scenario: race.scenario,
      start,
      speed: race.speed,
      faults: options.faults,
      callbackUrl: `${url}/gateway/callbacks`,
    });
    const live = sim;
    const world = live.simulator.world;
    await ctx.gateway.importKeys(live.keys, 'bench', { ratePerSecond: 1000 });

    // When each request reaches its institution, in wall ms.
    const arrivals = new Map<string, number>();
    const accept = live.simulator.accept.bind(live.simulator);
    live.simulator.accept = (institution, request, key, at) => {
      if (!arrivals.has(request.requestId)) arrivals.set(request.requestId, performance.now());
      return accept(institution, request, key, at);
    };

    // Where Levee's own time goes (LEVEE_RACE_DEBUG): full examinations of a case and feedback handling.
    const spent = { runs: 0, runMs: 0, feedback: 0, feedbackMs: 0 };
    if (process.env['LEVEE_RACE_DEBUG']) {
      const run = ctx.disposal.run.bind(ctx.disposal);
      ctx.disposal.run = async (caseId) => {
        const t0 = performance.now();
        try {
          return await run(caseId);
        } finally {
          spent.runs++;
          spent.runMs += performance.now() - t0;
        }
      };
      const onFeedback = ctx.disposal.onFeedback.bind(ctx.disposal);
      ctx.disposal.onFeedback = async (event) => {
        const t0 = performance.now();
        try {
          return await onFeedback(event);
        } finally {
          spent.feedback++;
          spent.feedbackMs += performance.now() - t0;
        }
      };
    }
    if (process.env['LEVEE_RACE_NO_DYNAMIC'])
      ctx.disposal.setPolicy({ ...DEFAULT_POLICY, dynamicQueryHours: undefined });
    const cpuStart = process.cpuUsage();

    const intakeAt = new Map<number, number>();
    if (options.manualMinutesPerLevel !== undefined) {
      const perLevel = options.manualMinutesPerLevel * MINUTE;
      const woken = new Set<string>();
      ctx.disposal.setGate({
        notBefore: (caseId, _action, account) => {
          // The first run of a case starts inside its POST, before the response: intake is now.
          const since = intakeAt.get(caseId) ?? live.clock.now();
          if (!intakeAt.has(caseId)) intakeAt.set(caseId, since);
          const due = since + (account?.level ?? 1) * perLevel;
          const wake = `${caseId}:${due}`;
          if (due > live.clock.now() && !woken.has(wake)) {
            woken.add(wake);
            const t = setTimeout(() => {
              timers.delete(t);
              ctx.disposal.schedule(caseId);
            }, live.clock.wallDelayUntil(due) + 5);
            timers.add(t);
          }
          return due;
        },
      });
    }
    // The dispatcher's timers read Levee's clock, the sim clock: scale the overdue-poll interval so it
    // stays the production 30 wall seconds (at ×120 the default would poll after 0.25 s and hold
    // each dispatcher round on those polls).
    gateway = await startGateway(ctx, { pollAfterMs: 30_000 * race.speed });

    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'duty', password: DEMO_PASSWORD },
    });
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
    const cookie = `levee_session=${login.cookies.find((c) => c.name === 'levee_session')!.value}`;
    const csrf = (login.json() as { csrfToken: string }).csrfToken;

    const caseOfVictim = new Map<string, { caseId: number; respondedAt: number }>();
    const intakeMs: number[] = [];
    const report = async (alert: VictimAlert) => {
      const sentAt = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: victimReport(world, alert.index, {
          unitId: 1,
          scamType: 'fake-customer-service',
          narrative: '冒充客服诱导受害人转账（模拟警情）。',
          address: '江岸区',
        }),
      });
      const respondedAt = performance.now();
      if (response.statusCode !== 201)
        throw new Error(`intake of ${alert.victim}: ${response.statusCode} ${response.body}`);
      const caseId = (response.json() as { case: { id: number } }).case.id;
      if (!intakeAt.has(caseId)) intakeAt.set(caseId, live.clock.now());
      caseOfVictim.set(alert.victim, { caseId, respondedAt });
      intakeMs.push(respondedAt - sentAt);
    };

    // Reports come in as the sim clock passes each alert time.
    for (const alert of alerts) {
      const wait = live.clock.wallDelayUntil(alert.alertAt);
      if (wait > 0) await sleep(wait);
      await report(alert);
    }

    const caseIds = [...caseOfVictim.values()].map((c) => c.caseId);
    const last = alerts.at(-1)?.alertAt ?? start;
    let endedAt = live.clock.now();
    for (;;) {
      await sleep(1000);
      const now = live.clock.now();
      live.simulator.advanceTo(Math.max(now, world.now));
      endedAt = now;
      if (now > last + options.capMinutes * MINUTE) break;
      const busy = await ctx.store.db
        .selectFrom('gateway_request')
        .select('id')
        .where('case_id', 'in', caseIds)
        .where('state', 'in', [...PENDING])
        .limit(1)
        .execute();
      if (busy.length > 0) continue;
      const idle = await Promise.race([ctx.disposal.idle().then(() => true), sleep(200).then(() => false)]);
      if (idle && victimMoneySettled(world, now)) break;
    }
    const raceCpuUsage = process.cpuUsage(cpuStart);
    const raceCpu = (raceCpuUsage.user + raceCpuUsage.system) / 1e6;
    const outcome = measure(world, alerts, endedAt);

    const rows = await ctx.store.db
      .selectFrom('gateway_request')
      .select(['id', 'case_id', 'type', 'request_id'])
      .where('case_id', 'in', caseIds)
      .orderBy('id')
      .execute();
    if (process.env['LEVEE_RACE_DEBUG']) {
      const first = Math.min(...intakeAt.values());
      const rel = (iso: string | null) => (iso ? ((Date.parse(iso) - first) / 1000).toFixed(1) : '-');
      const reqs = await ctx.store.db
        .selectFrom('gateway_request')
        .innerJoin('case_account', (j) =>
          j
            .onRef('case_account.case_id', '=', 'gateway_request.case_id')
            .onRef('case_account.account', '=', 'gateway_request.account'),
        )
        .select([
          'type',
          'gateway_request.state as state',
          'level',
          'created_at',
          'sent_at',
          'acked_at',
          'executed_at',
          'held_amount',
        ])
        .orderBy('gateway_request.id')
        .limit(80)
        .execute();
      console.error(
        `Levee+sim CPU ${raceCpu.toFixed(1)} s; ${spent.runs} case examinations ${spent.runMs.toFixed(0)} ms wall;` +
          ` ${spent.feedback} answers handled ${spent.feedbackMs.toFixed(0)} ms wall`,
      );
      for (const line of lossReport(world, alerts, endedAt)) console.error(line);
      for (const r of reqs)
        console.error(
          `L${r.level} ${r.type.padEnd(18)} ${r.state.padEnd(9)} created ${rel(r.created_at)} sent ${rel(r.sent_at)} acked ${rel(r.acked_at)} exec ${rel(r.executed_at)} held ${r.held_amount}`,
        );
    }
    const requestsByType: Record<string, number> = {};
    for (const r of rows) requestsByType[r.type] = (requestsByType[r.type] ?? 0) + 1;
    const firstStopMs: number[] = [];
    let casesWithoutOwnStop = 0;
    let scenarioFirstStop = Number.POSITIVE_INFINITY;
    for (const { caseId, respondedAt } of caseOfVictim.values()) {
      const stop = rows.find((r) => r.case_id === caseId && r.type === 'stop-payment');
      const arrived = stop ? arrivals.get(stop.request_id) : undefined;
      if (!stop) casesWithoutOwnStop++;
      else firstStopMs.push(arrived === undefined ? Number.POSITIVE_INFINITY : arrived - respondedAt);
      if (arrived !== undefined) scenarioFirstStop = Math.min(scenarioFirstStop, arrived);
    }
    const firstIntake = Math.min(...[...caseOfVictim.values()].map((c) => c.respondedAt));
    return {
      outcome,
      cases: caseIds.length,
      requests: rows.length,
      requestsByType,
      firstStopMs,
      scenarioFirstStopMs: scenarioFirstStop - firstIntake,
      casesWithoutOwnStop,
      intakeMs,
      endedAt,
      wallSeconds: (performance.now() - wallStart) / 1000,
      cpuSeconds: raceCpu,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    ctx.disposal.setGate(undefined);
    await gateway?.stop();
    await sim?.close();
    await app.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
