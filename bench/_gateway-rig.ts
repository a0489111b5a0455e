/**
 * The rig of `npm run bench -- gateway`: one Levee (context, database, the real callback route of
 * buildApp listening on loopback), the simulator in a child process, the gateway started the way
 * `levee serve` starts it, and for the JetStream mode `levee gateway worker` child processes.
 * Everything is created fresh per run and torn down after it (temp SQLite, PostgreSQL database,
 * JetStream stream).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { connect } from 'nats';
import pg from 'pg';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { createContext, type LeveeContext } from '../src/context.js';
import { type GatewayRuntime, startGateway } from '../src/gateway/runtime.js';
import { type BenchSim, startBenchSim } from './_sim-harness.js';

const BIN = fileURLToPath(new URL('../../bin/levee.js', import.meta.url));
export const PG_URL = process.env['LEVEE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env['LEVEE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

export type Mode = { kind: 'in-process' } | { kind: 'jetstream'; workers: number };

export interface Rig {
  readonly ctx: LeveeContext;
  readonly sim: BenchSim;
  readonly workers: readonly ChildProcess[];
  /** Pids whose CPU time is reported separately: the workers and the simulator. */
  readonly simPid: number | undefined;
  close(): Promise<void>;
}

export interface Database {
  readonly label: 'sqlite' | 'postgres';
  readonly url: string;
  drop(): Promise<void>;
}

export async function sqliteDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'levee-bench-gw-'));
  return {
    label: 'sqlite',
    url: `sqlite:${join(dir, 'levee.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh PostgreSQL database, or undefined when no server answers. */
export async function postgresDatabase(): Promise<Database | undefined> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `levee_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    label: 'postgres',
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Planner statistics for the outbox, as autovacuum would have gathered them after a warm-up (it is
 * off on this machine's and CI's server; every production one runs it). Without them PostgreSQL
 * takes the outbox's statements for ones that match a few rows and leases by a bitmap scan that
 * visits every dead index entry the earlier requests left (7 ms to lease 20 after 5,000
 * requests). Nothing to do on SQLite.
 */
export async function gatherOutboxStatistics(ctx: LeveeContext): Promise<void> {
  if (ctx.store.capabilities.dialect === 'postgres')
    await sql`analyze gateway_request, gateway_feedback`.execute(ctx.store.db);
}

export async function natsAvailable(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000, reconnect: false });
    await nc.jetstreamManager();
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    await (await nc.jetstreamManager()).streams.delete(stream);
  } catch {
    // never created, or already gone
  } finally {
    await nc.close();
  }
}

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'gateway', 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`gateway worker exited with ${code} before it ran`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRig(options: {
  database: Database;
  mode: Mode;
  faults: string;
  seed: number;
  /** The simulator's preset scenario (default: 'default'); the load addresses its mule accounts. */
  scenario?: string;
}): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'levee-bench-data-'));
  const stream = `LEVEE_BENCH_${randomBytes(4).toString('hex').toUpperCase()}`;
  const env: Record<string, string> = {
    LEVEE_DATABASE_URL: options.database.url,
    LEVEE_DATA_DIR: dataDir,
    LEVEE_LOG_LEVEL: 'warn',
    LEVEE_DEMO: 'false',
    ...(options.mode.kind === 'jetstream' ? { LEVEE_NATS_URL: NATS_URL, LEVEE_NATS_STREAM: stream } : {}),
  };
  // As `levee serve` opens it (the WAL checkpointed on a worker thread on SQLite).
  const ctx = await createContext(loadConfig(env), { prepare: true, walCheckpointer: true });
  const app = await buildApp(ctx);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const before = new Set(childPids());
  const sim = await startBenchSim({
    mode: 'child',
    faults: options.faults,
    seed: options.seed,
    scenario: options.scenario,
    callbackUrl: `${url}/gateway/callbacks`,
  });
  const simPid = childPids().find((pid) => !before.has(pid));
  await ctx.gateway.importKeys(sim.keys, 'bench', { ratePerSecond: 100_000 });
  let runtime: GatewayRuntime | undefined;
  const workers: ChildProcess[] = [];
  try {
    runtime = await startGateway(ctx);
    if (options.mode.kind === 'jetstream')
      for (let i = 0; i < options.mode.workers; i++) workers.push(await startWorkerProcess(env));
  } catch (error) {
    await runtime?.stop();
    await sim.stop();
    await app.close();
    await ctx.close();
    throw error;
  }
  return {
    ctx,
    sim,
    workers,
    simPid,
    close: async () => {
      for (const w of workers) await stopChild(w);
      await runtime?.stop();
      await sim.stop();
      await app.close();
      await ctx.close();
      if (options.mode.kind === 'jetstream') await deleteStream(stream);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ----- CPU time of other processes (Linux /proc; undefined elsewhere) ----------------------------

const TICKS_PER_SECOND = 100;

interface ProcessStat {
  readonly pid: number;
  readonly command: string;
  readonly parent: number;
  /** User + system CPU so far, ms. */
  readonly cpuMs: number;
}

/** One process's /proc/<pid>/stat, or undefined once it is gone (or without /proc). */
function statOf(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 0, the parent 1, utime 11, stime 12.
    return {
      pid,
      command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      parent: Number(fields[1]),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/** Every process's stat (empty without /proc). */
function allStats(): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const stat = /^\d+$/.test(entry) ? statOf(Number(entry)) : undefined;
    return stat ? [stat] : [];
  });
}

/** User + system CPU of a process so far, ms. */
export function cpuMsOf(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statOf(pid)?.cpuMs;
}

/**
 * CPU ms so far of every process with this command name (the PostgreSQL server's backends are
 * all `postgres`), by pid. Empty where /proc is missing.
 */
export function cpuMsByCommand(command: string): Map<number, number> {
  return new Map(allStats().flatMap((s) => (s.command === command ? [[s.pid, s.cpuMs] as const] : [])));
}

/** CPU the processes of `before`'s command spent since: new pids count whole, ended ones are lost. */
export function cpuMsSince(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** The machine's busy and total CPU time so far, in clock ticks of all CPUs (/proc/stat). */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - ticks[3]! - ticks[4]!, total };
  } catch {
    return undefined;
  }
}

/** Pids whose parent is this process. */
export function childPids(): number[] {
  return allStats()
    .filter((s) => s.parent === process.pid)
    .map((s) => s.pid);
}
