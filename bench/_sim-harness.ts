/**
 * Benchmark helpers around the simulator (for `npm run bench -- gateway` and friends):
 * start it in this process or as a child process (`levee sim`, so it does not share the event
 * loop with what is measured), get the keys file Levee needs, read its counters, and drive the
 * protocol directly with the client (a baseline without the gateway).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { request } from 'undici';
import { registerCallbackRoute } from '../src/institution-protocol/callback-route.js';
import { CallbackVerifier } from '../src/institution-protocol/callback-verifier.js';
import { InstitutionClient } from '../src/institution-protocol/client.js';
import { type KeysFile, leveeSideOf } from '../src/institution-protocol/keys-file.js';
import type { Feedback, InstitutionRequest } from '../src/institution-protocol/schemas.js';
import { buildInstitutions } from '../src/sim/institutions.js';
import { simKeysFile } from '../src/sim/keys.js';
import { PRESET_SCENARIOS } from '../src/sim/scenario.js';
import { startSimServer } from '../src/sim/server.js';

export interface BenchSim {
  url: string;
  keys: KeysFile;
  status(): Promise<{
    stats: { executions: number; duplicateExecutions: number };
    callbacks: Record<string, number>;
  }>;
  truth(): Promise<{ gangs: { levels: { institution: string; number: string; name: string }[][] }[] }>;
  stop(): Promise<void>;
}

export interface BenchSimOptions {
  /** 'child' (default) runs `levee sim` from dist/ in its own process. */
  mode?: 'child' | 'in-process';
  faults?: string;
  banks?: number;
  payments?: number;
  seed?: number;
  callbackUrl?: string;
  scenario?: string;
}

export async function startBenchSim(options: BenchSimOptions = {}): Promise<BenchSim> {
  const banks = options.banks ?? 38;
  const payments = options.payments ?? 80;
  const seed = options.seed ?? 1;
  const scenarioName = options.scenario ?? 'default';
  const getJson = async <T>(url: string): Promise<T> => (await (await request(url)).body.json()) as T;
  if (options.mode === 'in-process') {
    const scenario = { ...PRESET_SCENARIOS[scenarioName]!, seed };
    const sim = await startSimServer({
      scenario,
      banks,
      payments,
      faults: options.faults ?? 'none',
      callbackUrl: options.callbackUrl,
    });
    return {
      url: sim.url,
      keys: sim.keys,
      status: () => getJson(`${sim.url}/sim/status`),
      truth: () => getJson(`${sim.url}/sim/truth`),
      stop: () => sim.close(),
    };
  }
  const bin = fileURLToPath(new URL('../../bin/levee.js', import.meta.url));
  const args = [
    'sim',
    '--port',
    '0',
    '--log-level',
    'warn',
    '--banks',
    String(banks),
    '--payments',
    String(payments),
  ];
  args.push('--seed', String(seed), '--faults', options.faults ?? 'none', '--scenario', scenarioName);
  if (options.callbackUrl) args.push('--callback-url', options.callbackUrl);
  // LEVEE_BENCH_SIM_NODE_ARGS: extra node flags for the simulator, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = (process.env.LEVEE_BENCH_SIM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, bin, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  // LEVEE_BENCH_SIM_LOG: a file that gets the simulator's stdout (e.g. what --trace-gc prints).
  const logPath = process.env.LEVEE_BENCH_SIM_LOG;
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (logPath) appendFileSync(logPath, chunk);
      text += chunk.toString('utf8');
      // The first line that is a URL: node flags such as --trace-gc print to stdout as well.
      const line = text.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`levee sim exited with ${code}`)));
  });
  const keys = simKeysFile({ seed, institutions: buildInstitutions(banks, payments), baseUrl: url });
  return {
    url,
    keys,
    status: () => getJson(`${url}/sim/status`),
    truth: () => getJson(`${url}/sim/truth`),
    stop: async () => {
      process.off('exit', killChild);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A callback receiver on a free port that records when each request's feedback arrived. */
export async function startFeedbackSink(keys: KeysFile): Promise<{
  url: string;
  arrivals: Map<string, number>;
  feedback: Map<string, Feedback>;
  close(): Promise<void>;
}> {
  const app = Fastify({ logger: false });
  const arrivals = new Map<string, number>();
  const feedback = new Map<string, Feedback>();
  await registerCallbackRoute(app, {
    path: '/callbacks',
    verifier: new CallbackVerifier({ keyring: leveeSideOf(keys).keyring }),
    onFeedback: (f) => {
      if (!arrivals.has(f.requestId)) arrivals.set(f.requestId, performance.now());
      feedback.set(f.feedbackId, f);
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/callbacks`, arrivals, feedback, close: () => app.close() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * Baseline: send `count` holder queries straight through the client (no gateway) with
 * `concurrency` in flight, and time each from send to verified callback.
 */
export async function directLoad(options: {
  sim: BenchSim;
  sink: Awaited<ReturnType<typeof startFeedbackSink>>;
  count: number;
  concurrency: number;
}): Promise<{ perSecond: number; p50: number; p99: number; seconds: number }> {
  const { signer, endpoints } = leveeSideOf(options.sim.keys);
  const client = new InstitutionClient({ signer, endpoints, connections: options.concurrency });
  const truth = await options.sim.truth();
  const accounts = truth.gangs.flatMap((g) => g.levels.flat());
  const sentAt = new Map<string, number>();
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const i = next++;
      const target = accounts[i % accounts.length]!;
      const req: InstitutionRequest = {
        type: 'holder-query',
        requestId: `BENCH-${run}-${i}`,
        caseNumber: 'BENCH',
        authority: { code: '420100', name: 'bench' },
        document: { number: 'BENCH' },
        issuedAt: new Date().toISOString(),
        account: { number: target.number },
      };
      sentAt.set(req.requestId, performance.now());
      for (;;) {
        const out = await client.send(target.institution, req);
        if (out.kind === 'accepted') break;
        if (out.kind === 'refused') throw new Error(JSON.stringify(out.problem));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  while (options.sink.arrivals.size < options.count) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  const latencies = [...sentAt]
    .map(([id, t]) => (options.sink.arrivals.get(id) ?? Number.NaN) - t)
    .sort((a, b) => a - b);
  await client.close();
  return {
    perSecond: options.count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds,
  };
}
