/**
 * The load of `npm run bench -- gateway`: enqueue requests the way a case workflow does (a batch
 * per transaction with `enqueueMany`, kick after commit) and time each from its commit to the moment its feedback
 * has been applied in the API process (`gateway.onFeedback`, which runs after the feedback
 * transaction committed). Optionally paced: batches are started at `rate` requests per second
 * instead of as fast as the database takes them.
 */
import type { RequestDraft } from '../src/gateway/gateway.service.js';
import { resolveFaultProfile, FaultPlan } from '../src/sim/faults.js';
import { buildInstitutions } from '../src/sim/institutions.js';
import { cpuMsByCommand, cpuMsOf, cpuMsSince, machineTicks, type Rig } from './_gateway-rig.js';

export interface Target {
  institution: string;
  number: string;
  name: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Enqueue commit → feedback applied, ms, sorted. */
  readonly latencies: Float64Array;
  /** The same latencies by when their request was committed: [ms since the load started, latency ms], in commit order. */
  readonly timeline: readonly (readonly [number, number])[];
  /** Enqueue transactions that started later than their pace said (the load caught up), and the worst lag, ms. */
  readonly lateBatches: number;
  readonly worstLagMs: number;
  /** Every `sampleMs` while the load ran: ms since it started, the API's CPU ms, its main thread's busy ms, the simulator's CPU ms (cumulative). */
  readonly samples: readonly Sample[];
  readonly results: Readonly<Record<string, number>>;
  readonly apiCpuMs: number;
  readonly workerCpuMs: number | undefined;
  readonly simCpuMs: number | undefined;
  /** CPU of the PostgreSQL server's processes while the load ran (also counted on SQLite: ~0). */
  readonly postgresCpuMs: number;
  /** Share of all the machine's CPUs busy while the load ran (0–1), undefined without /proc. */
  readonly machineBusy: number | undefined;
  /** Requests per institution, to draw the simulated latency of the same mix. */
  readonly institutions: readonly string[];
  /** Callback deliveries the simulator saw fail (non-2xx or no answer) and will resend. */
  readonly callbacksFailed: number;
  /** Request exchanges the simulator served (single, batches, items in batches) and callback batches sent. */
  readonly exchanges: { single: number; batches: number; batchedItems: number; callbackBatches: number };
}

export interface Sample {
  readonly t: number;
  readonly apiCpuMs: number;
  readonly apiLoopBusyMs: number;
  readonly simCpuMs: number | undefined;
}

type SimCounters = {
  callbacks: Record<string, number>;
  exchanges?: { single: number; batches: number; batchedItems: number };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records feedback arrivals of one rig; `begin` starts a fresh window. */
export class FeedbackClock {
  private done = new Map<string, number>();
  private results: Record<string, number> = {};

  constructor(rig: Rig) {
    rig.ctx.gateway.onFeedback(async ({ feedback }) => {
      if (this.done.has(feedback.requestId)) return;
      this.done.set(feedback.requestId, performance.now());
      this.results[feedback.result] = (this.results[feedback.result] ?? 0) + 1;
    });
  }

  begin(): { done: Map<string, number>; results: Record<string, number> } {
    this.done = new Map();
    this.results = {};
    return { done: this.done, results: this.results };
  }
}

export async function targetsOf(rig: Rig): Promise<Target[]> {
  const truth = await rig.sim.truth();
  return truth.gangs.flatMap((g) => g.levels.flat());
}

/** Half holder queries, half stop-payments of 1 yuan, over the mule accounts round-robin. */
function draftOf(target: Target, i: number): RequestDraft {
  return i % 2
    ? { type: 'holder-query', account: { number: target.number } }
    : { type: 'stop-payment', account: { number: target.number, name: target.name }, amount: 1_00 };
}

export async function runLoad(
  rig: Rig,
  clock: FeedbackClock,
  targets: readonly Target[],
  options: {
    requests: number;
    batch: number;
    rate?: number | undefined;
    stallMs?: number;
    offset?: number;
    sampleMs?: number;
  },
): Promise<LoadResult> {
  const { ctx } = rig;
  const { done, results } = clock.begin();
  const status0 = (await rig.sim.status()) as SimCounters;
  const callbacks0 = status0.callbacks;
  const committed = new Map<string, number>();
  const institutions: string[] = [];
  const offset = options.offset ?? 0;
  const cpu0 = process.cpuUsage();
  const pids = rig.workers.map((w) => w.pid);
  const workerCpu0 = pids.map(cpuMsOf);
  const simCpu0 = cpuMsOf(rig.simPid);
  const postgres0 = cpuMsByCommand('postgres');
  const machine0 = machineTicks();
  const started = performance.now();
  const samples: Sample[] = [];
  const elu0 = performance.eventLoopUtilization();
  const sample = () => {
    const cpu = process.cpuUsage(cpu0);
    const simCpu = cpuMsOf(rig.simPid);
    samples.push({
      t: performance.now() - started,
      apiCpuMs: (cpu.user + cpu.system) / 1000,
      apiLoopBusyMs: performance.eventLoopUtilization(elu0).active,
      simCpuMs: simCpu !== undefined && simCpu0 !== undefined ? simCpu - simCpu0 : undefined,
    });
  };
  const sampler = options.sampleMs ? setInterval(sample, options.sampleMs) : undefined;
  let lateBatches = 0;
  let worstLagMs = 0;
  for (let from = 0; from < options.requests; from += options.batch) {
    if (options.rate) {
      const wait = started + (from / options.rate) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -5) {
        lateBatches++;
        worstLagMs = Math.max(worstLagMs, -wait);
      }
    }
    const to = Math.min(options.requests, from + options.batch);
    // SQLite beside JetStream workers: the transaction waits for the write lock as it begins
    // (storage/database.ts), so reading before writing no longer fails with SQLITE_BUSY_SNAPSHOT.
    const rows = await ctx.store.db.transaction().execute(async (trx) => {
      // The whole batch in one call, as a workflow writing many requests at once does
      // (DisposalService's runs): one lookup of the addressed institutions, one multi-row insert.
      const inputs = [];
      for (let i = from; i < to; i++) {
        const target = targets[(offset + i) % targets.length]!;
        institutions.push(target.institution);
        inputs.push({
          caseId: null,
          institution: target.institution,
          draft: draftOf(target, offset + i),
          reason: 'gateway benchmark',
          createdBy: 'bench',
        });
      }
      return ctx.gateway.enqueueMany(trx, inputs);
    });
    const at = performance.now();
    for (const row of rows) committed.set(row.requestId, at);
    ctx.gateway.kick(rows.map((r) => r.id));
  }
  // Wait for every feedback; give up when nothing arrives for stallMs.
  let seen = done.size;
  let lastProgress = performance.now();
  while (done.size < options.requests) {
    await sleep(10);
    if (done.size !== seen) {
      seen = done.size;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > (options.stallMs ?? 60_000)) break;
  }
  if (sampler) clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const status1 = (await rig.sim.status()) as SimCounters;
  const callbacks1 = status1.callbacks;
  const x0 = status0.exchanges ?? { single: 0, batches: 0, batchedItems: 0 };
  const x1 = status1.exchanges ?? { single: 0, batches: 0, batchedItems: 0 };
  const workerCpu = pids.map(cpuMsOf);
  const simCpu = cpuMsOf(rig.simPid);
  const postgresCpuMs = cpuMsSince(postgres0, cpuMsByCommand('postgres'));
  const machine1 = machineTicks();
  let last = started;
  const latencies: number[] = [];
  const timeline: [number, number][] = [];
  for (const [requestId, t] of committed) {
    const end = done.get(requestId);
    if (end === undefined) continue;
    latencies.push(end - t);
    timeline.push([t - started, end - t]);
    if (end > last) last = end;
  }
  const seconds = (last - started) / 1000;
  const sum = (xs: (number | undefined)[]) =>
    xs.some((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  const w1 = sum(workerCpu);
  const w0 = sum(workerCpu0);
  return {
    requests: options.requests,
    completed: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latencies: Float64Array.from(latencies).sort(),
    timeline,
    lateBatches,
    worstLagMs,
    samples,
    results: { ...results },
    apiCpuMs: (cpu.user + cpu.system) / 1000,
    workerCpuMs: pids.length === 0 ? 0 : w1 !== undefined && w0 !== undefined ? w1 - w0 : undefined,
    simCpuMs: simCpu !== undefined && simCpu0 !== undefined ? simCpu - simCpu0 : undefined,
    postgresCpuMs,
    machineBusy:
      machine0 && machine1 && machine1.total > machine0.total
        ? (machine1.busy - machine0.busy) / (machine1.total - machine0.total)
        : undefined,
    institutions,
    callbacksFailed: (callbacks1['failedAttempts'] ?? 0) - (callbacks0['failedAttempts'] ?? 0),
    exchanges: {
      single: x1.single - x0.single,
      batches: x1.batches - x0.batches,
      batchedItems: x1.batchedItems - x0.batchedItems,
      callbackBatches: (callbacks1['batches'] ?? 0) - (callbacks0['batches'] ?? 0),
    },
  };
}

/**
 * What the simulator adds by itself: execution delays drawn from the same fault profile and seed
 * for the same institution mix (the same distribution, not the very same draws), ms, sorted.
 */
export function simulatedLatency(
  faults: string,
  seed: number,
  institutions: readonly string[],
): Float64Array {
  const all = buildInstitutions(38, 80);
  const plan = new FaultPlan(resolveFaultProfile(faults), seed, all);
  const byCode = new Map(all.map((i) => [i.code, i]));
  return Float64Array.from(institutions.map((code) => plan.executionDelayMs(byCode.get(code)!))).sort();
}

/** Latencies of the requests committed in [fromMs, toMs) after the load started, sorted. */
export function latenciesBetween(
  timeline: LoadResult['timeline'],
  fromMs: number,
  toMs = Number.POSITIVE_INFINITY,
): Float64Array {
  const out: number[] = [];
  for (const [t, latency] of timeline) if (t >= fromMs && t < toMs) out.push(latency);
  return Float64Array.from(out).sort();
}

export function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
