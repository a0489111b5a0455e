/**
 * Institution gateway throughput and latency: requests per second through the outbox to the
 * simulator (a child process, 38 banks + 80 payment institutions) and time from the enqueue
 * commit to the applied feedback, with the dispatcher in the API process and with NATS JetStream
 * feeding 1 and 2 `levee gateway worker` processes; on SQLite and, when a server answers,
 * PostgreSQL; with fault profile `none` and `latency` (simulated institution latency).
 *
 *   npm run bench -- gateway [--requests 5000] [--batch 100] [--rate max,50] [--paced-seconds 20]
 *                            [--faults none,latency] [--databases sqlite,postgres]
 *                            [--modes in-process,jetstream-1,jetstream-2] [--warmup 300] [--no-direct]
 *                            [--scenario default] [--settle 3] [--timeline 500]
 *
 * Rows with offered "max" enqueue --requests at once: req/s = requests / (first enqueue → last
 * feedback), and the latency is mostly time spent queued. Paced rows offer a fixed rate for
 * --paced-seconds (rate × seconds requests; --requests does not cap them): latency below
 * saturation; under each paced row, the first --settle seconds and the rest are shown apart, with
 * the p99 of each second, so a slow start is seen and not hidden in the overall figure. --timeline
 * <ms> prints, per window of that length, the requests committed in it, their p50/p99, the API's CPU
 * and main-thread busy share and the simulator's CPU share. The --warmup requests go first, at the
 * row's rate (a burst for "max" rows), and are not counted. Latency: enqueue commit → feedback applied (the case
 * workflow hears of it). "sim p50/p99": the institution latency the simulator adds by itself, drawn
 * from the same profile for the same institutions. CPU ms/req: the API process (enqueue, callbacks,
 * in-process dispatch and the load generator), the workers together, the simulator. The "direct
 * client" row is the baseline without Levee: protocol client → simulator → a bare callback sink.
 * The load goes round-robin over the scenario's mule accounts (default: 26 accounts at 24
 * institutions, so each account collects hundreds of stop-payments — all Levee's own, so no answer
 * lists prior holds, which are other authorities'; `--scenario interception`: 261 accounts at 97
 * institutions).
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import {
  FeedbackClock,
  type LoadResult,
  latenciesBetween,
  pct,
  runLoad,
  simulatedLatency,
  targetsOf,
} from './_gateway-load.js';
import { directLoad, startBenchSim, startFeedbackSink } from './_sim-harness.js';
import { simKeysFile } from '../src/sim/keys.js';
import { buildInstitutions } from '../src/sim/institutions.js';
import {
  childPids,
  cpuMsOf,
  gatherOutboxStatistics,
  type Database,
  type Mode,
  natsAvailable,
  NATS_URL,
  PG_URL,
  postgresDatabase,
  sqliteDatabase,
  startRig,
} from './_gateway-rig.js';

const SEED = 1;

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function parseMode(text: string): Mode {
  if (text === 'in-process') return { kind: 'in-process' };
  const m = /^jetstream-(\d+)$/.exec(text);
  if (m) return { kind: 'jetstream', workers: Number(m[1]) };
  throw new Error(`unknown mode "${text}" (in-process, jetstream-<workers>)`);
}

const modeLabel = (m: Mode) => (m.kind === 'in-process' ? 'in-process' : `jetstream ×${m.workers}`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : '–');

export async function main(args: string[]): Promise<void> {
  const requests = Number(arg(args, 'requests', '5000'));
  const batch = Number(arg(args, 'batch', '100'));
  const warmup = Number(arg(args, 'warmup', '300'));
  const pacedSeconds = Number(arg(args, 'paced-seconds', '20'));
  const settleSeconds = Number(arg(args, 'settle', '3'));
  const timelineMs = Number(arg(args, 'timeline', '0'));
  const direct = !args.includes('--no-direct');
  const scenario = arg(args, 'scenario', 'default');
  const rates = arg(args, 'rate', 'max,50')
    .split(',')
    .map((r) => (r === 'max' ? undefined : Number(r)));
  const faultsList = arg(args, 'faults', 'none,latency').split(',');
  const wanted = arg(args, 'databases', 'sqlite,postgres').split(',');
  let modes = arg(args, 'modes', 'in-process,jetstream-1,jetstream-2').split(',').map(parseMode);
  if (modes.some((m) => m.kind === 'jetstream') && !(await natsAvailable())) {
    console.log(`(NATS JetStream not reachable at ${NATS_URL}: JetStream modes skipped)`);
    modes = modes.filter((m) => m.kind !== 'jetstream');
  }
  console.log(
    `Gateway: scenario ${scenario}, ${requests} requests per "max" row and rate × ${pacedSeconds} s per paced row (half holder queries, half stop-payments), ${batch} per enqueue transaction, ` +
      `after ${warmup} warm-up requests (at the row's rate); simulator in a child process; ${cpus().length} CPUs, load average ${loadavg()} at start`,
  );
  console.log(
    '| database | mode         | faults  | offered | done | req/s | p50 ms | p99 ms | max ms | sim p50/p99 ms | CPU ms/req API | workers | sim  |',
  );
  console.log(
    '| -------- | ------------ | ------- | ------- | ---- | ----- | ------ | ------ | ------ | -------------- | -------------- | ------- | ---- |',
  );
  if (direct) for (const faults of faultsList) await directRow(faults, Math.min(requests, 2000));
  for (const label of wanted) {
    for (const faults of faultsList) {
      for (const mode of modes) {
        for (const rate of rates) {
          let database: Database | undefined;
          if (label === 'sqlite') database = await sqliteDatabase();
          else if (label === 'postgres') {
            database = await postgresDatabase();
            if (!database) {
              console.log(`(PostgreSQL not reachable at ${PG_URL}: skipped)`);
              break;
            }
          } else throw new Error(`unknown database "${label}"`);
          try {
            // A paced row offers `rate` per second for pacedSeconds: latency below saturation.
            const n = rate ? Math.round(rate * pacedSeconds) : requests;
            await row(database, mode, faults, rate, {
              requests: n,
              batch,
              warmup,
              scenario,
              settleSeconds,
              timelineMs,
            });
          } catch (error) {
            console.log(
              `| ${database.label.padEnd(8)} | ${modeLabel(mode).padEnd(12)} | ${faults.padEnd(7)} | failed: ${(error as Error).message} |`,
            );
          } finally {
            await database.drop();
          }
        }
      }
    }
  }
  console.log(`load average at the end: ${loadavg()}`);
}

/** Baseline without Levee: the protocol client straight to the simulator, 64 in flight, callbacks to a bare verifying sink. */
async function directRow(faults: string, requests: number): Promise<void> {
  const keys = simKeysFile({ seed: SEED, institutions: buildInstitutions(38, 80), baseUrl: 'http://sim' });
  const sink = await startFeedbackSink(keys);
  const before = new Set(childPids());
  const sim = await startBenchSim({ mode: 'child', faults, seed: SEED, callbackUrl: sink.url });
  const simPid = childPids().find((pid) => !before.has(pid));
  try {
    const cpu0 = process.cpuUsage();
    const sim0 = cpuMsOf(simPid);
    const r = await directLoad({ sim, sink, count: requests, concurrency: 64 });
    const cpu = process.cpuUsage(cpu0);
    const sim1 = cpuMsOf(simPid);
    const simPer = sim0 !== undefined && sim1 !== undefined ? (sim1 - sim0) / requests : undefined;
    console.log(
      `| –        | direct client| ${faults.padEnd(7)} |     max | ${String(requests).padStart(4)} | ${f0(r.perSecond).padStart(5)} | ${f1(r.p50).padStart(6)} | ${f1(r.p99).padStart(6)} |      – |              – | ${f2((cpu.user + cpu.system) / 1000 / requests).padStart(14)} |       – | ${f2(simPer).padStart(4)} |`,
    );
  } finally {
    await sim.stop();
    await sink.close();
  }
}

async function row(
  database: Database,
  mode: Mode,
  faults: string,
  rate: number | undefined,
  sizes: {
    requests: number;
    batch: number;
    warmup: number;
    scenario: string;
    settleSeconds: number;
    timelineMs: number;
  },
): Promise<void> {
  const rig = await startRig({ database, mode, faults, seed: SEED, scenario: sizes.scenario });
  try {
    const clock = new FeedbackClock(rig);
    const targets = await targetsOf(rig);
    // The warm-up has the row's shape: a paced row warms up paced at its rate. A burst warm-up
    // left the paths of a steady load cold (requests sent alone, one feedback a callback): the
    // first ~2.5 s of a 2,000/s row then cost ~20 % more CPU a request, a queue built up and took
    // seconds to drain (p99 130–330 ms in the first 3 s, ~30 ms with a paced warm-up).
    if (sizes.warmup > 0)
      await runLoad(rig, clock, targets, { requests: sizes.warmup, batch: sizes.batch, rate });
    await gatherOutboxStatistics(rig.ctx);
    const r = await runLoad(rig, clock, targets, {
      requests: sizes.requests,
      batch: sizes.batch,
      rate,
      offset: sizes.warmup,
      sampleMs: sizes.timelineMs || undefined,
    });
    const sim = simulatedLatency(faults, SEED, r.institutions);
    const per = (ms: number | undefined) => (ms === undefined ? undefined : ms / Math.max(1, r.completed));
    console.log(
      `| ${database.label.padEnd(8)} | ${modeLabel(mode).padEnd(12)} | ${faults.padEnd(7)} | ${(rate ? String(rate) : 'max').padStart(7)} | ${String(r.completed).padStart(4)} | ${f0(r.perSecond).padStart(5)} | ${f1(pct(r.latencies, 50)).padStart(6)} | ${f1(pct(r.latencies, 99)).padStart(6)} | ${f1(pct(r.latencies, 100)).padStart(6)} | ${`${f0(pct(sim, 50))}/${f0(pct(sim, 99))}`.padStart(14)} | ${f2(per(r.apiCpuMs)).padStart(14)} | ${f2(per(r.workerCpuMs)).padStart(7)} | ${f2(per(r.simCpuMs)).padStart(4)} |`,
    );
    if (rate) console.log(`  (${pacedTimeline(r, sizes.settleSeconds)})`);
    if (sizes.timelineMs) printTimeline(r);
    const notes: string[] = [];
    if (r.lateBatches > 0)
      notes.push(`${r.lateBatches} enqueue transactions started late, worst by ${f0(r.worstLagMs)} ms`);
    if (r.completed < r.requests) notes.push(`only ${r.completed} of ${r.requests} answered`);
    if (r.callbacksFailed > 0) notes.push(`${r.callbacksFailed} callback deliveries failed and were resent`);
    if (notes.length > 0) console.log(`  (${notes.join('; ')}; results ${JSON.stringify(r.results)})`);
    // Whether the row was bound by the machine: every process's CPU (benchmark, simulator,
    // workers, NATS, PostgreSQL) counts here, the table's columns count only some.
    const cpuNotes: string[] = [];
    if (r.machineBusy !== undefined)
      cpuNotes.push(`machine ${f0(100 * r.machineBusy)} % busy over ${cpus().length} CPUs`);
    if (database.label === 'postgres')
      cpuNotes.push(`PostgreSQL ${f2(per(r.postgresCpuMs))} ms CPU a request`);
    if (cpuNotes.length > 0) console.log(`  (${cpuNotes.join('; ')})`);
    const x = r.exchanges;
    if (x.batches > 0 || x.callbackBatches > 0)
      console.log(
        `  (requests: ${x.single} sent alone, ${x.batchedItems} in ${x.batches} batches (${f1(x.batchedItems / Math.max(1, x.batches))} per batch); ${x.callbackBatches} batched callbacks)`,
      );
  } finally {
    await rig.close();
  }
}

/** A paced row over time: the first seconds and the rest apart, then the p99 of each second. */
function pacedTimeline(r: LoadResult, settleSeconds: number): string {
  const head = latenciesBetween(r.timeline, 0, settleSeconds * 1000);
  const rest = latenciesBetween(r.timeline, settleSeconds * 1000);
  const end = r.timeline.reduce((m, [t]) => Math.max(m, t), 0);
  const perSecond: string[] = [];
  for (let s = 0; s * 1000 <= end; s++)
    perSecond.push(f0(pct(latenciesBetween(r.timeline, s * 1000, (s + 1) * 1000), 99)));
  return (
    `first ${settleSeconds} s: ${head.length} requests, p50 ${f1(pct(head, 50))} p99 ${f1(pct(head, 99))} ms; ` +
    `after: ${rest.length} requests, p50 ${f1(pct(rest, 50))} p99 ${f1(pct(rest, 99))} max ${f1(pct(rest, 100))} ms; ` +
    `p99 by second: ${perSecond.join(' ')}`
  );
}

/** Per window: requests committed in it, their p50/p99, API CPU and main-thread busy %, simulator CPU %. */
function printTimeline(r: LoadResult): void {
  console.log('  window s | requests | p50 ms | p99 ms | API CPU % | API loop % | sim CPU %');
  let previous = { t: 0, apiCpuMs: 0, apiLoopBusyMs: 0, simCpuMs: 0 as number | undefined };
  for (const s of r.samples) {
    const lat = latenciesBetween(r.timeline, previous.t, s.t);
    const span = s.t - previous.t;
    const sim =
      s.simCpuMs !== undefined && previous.simCpuMs !== undefined
        ? f0((100 * (s.simCpuMs - previous.simCpuMs)) / span)
        : '–';
    console.log(
      `  ${(previous.t / 1000).toFixed(1).padStart(8)} | ${String(lat.length).padStart(8)} | ${f1(pct(lat, 50)).padStart(6)} | ${f1(pct(lat, 99)).padStart(6)} | ${f0((100 * (s.apiCpuMs - previous.apiCpuMs)) / span).padStart(9)} | ${f0((100 * (s.apiLoopBusyMs - previous.apiLoopBusyMs)) / span).padStart(10)} | ${sim.padStart(9)}`,
    );
    previous = s;
  }
}
