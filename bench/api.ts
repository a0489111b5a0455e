/**
 * API base cost: requests per second and latency percentiles for an authenticated read
 * (GET /api/dashboard: session lookup, scope check, six aggregate queries) on SQLite and, when a
 * server answers, PostgreSQL. The server runs in its own process (`levee serve`), the load from
 * this one, over loopback, bounded in count.
 *
 *   npm run bench -- api [--requests 20000] [--concurrency 32] [--route /api/units]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';

const BIN = fileURLToPath(new URL('../../bin/levee.js', import.meta.url));
const PG_URL = process.env['LEVEE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

async function startServer(
  databaseUrl: string | undefined,
): Promise<{ url: string; proc: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'levee-bench-'));
  const env = {
    ...process.env,
    LEVEE_DATA_DIR: dir,
    LEVEE_PORT: '0',
    LEVEE_LOG_LEVEL: 'warn',
    LEVEE_DEMO: 'true',
    ...(databaseUrl ? { LEVEE_DATABASE_URL: databaseUrl } : {}),
  };
  const proc = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, proc, dir };
}

async function run(
  label: string,
  databaseUrl: string | undefined,
  requests: number,
  concurrency: number,
  route: string,
) {
  const { url, proc, dir } = await startServer(databaseUrl);
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  try {
    const login = await pool.request({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'analyst', password: 'levee-demo' }),
    });
    const setCookie = String(login.headers['set-cookie']);
    await login.body.dump();
    const cookie = setCookie.split(';')[0]!;
    const once = async () => {
      const started = process.hrtime.bigint();
      const response = await pool.request({ method: 'GET', path: route, headers: { cookie } });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`${route} answered ${response.statusCode}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < Math.min(500, requests); i++) await once(); // warm-up
    const latencies = new Float64Array(requests);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const i = next++;
          latencies[i] = await once();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort();
    const pct = (p: number) => latencies[Math.min(requests - 1, Math.floor(requests * p))]!.toFixed(2);
    console.log(
      `| ${label.padEnd(10)} | ${route.padEnd(14)} | ${String(requests).padStart(8)} | ${String(concurrency).padStart(3)} | ${(requests / seconds).toFixed(0).padStart(7)} | ${pct(0.5).padStart(6)} | ${pct(0.99).padStart(6)} |`,
    );
  } finally {
    await pool.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
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
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function main(args: string[]): Promise<void> {
  const requests = Number(arg(args, 'requests', '20000'));
  const concurrency = Number(arg(args, 'concurrency', '32'));
  const routes = arg(args, 'route', '/api/dashboard,/api/auth/me').split(',');
  console.log(
    `API base cost: ${requests} authenticated GETs per row, ${concurrency} connections, server in its own process`,
  );
  console.log('| database   | route          | requests | con |   req/s | p50 ms | p99 ms |');
  console.log('| ---------- | -------------- | -------- | --- | ------- | ------ | ------ |');
  for (const route of routes) await run('sqlite', undefined, requests, concurrency, route);
  const pgDb = await postgresDatabase();
  if (!pgDb) {
    console.log(`(PostgreSQL not reachable at ${PG_URL}: skipped)`);
    return;
  }
  try {
    for (const route of routes) await run('postgres', pgDb.url, requests, concurrency, route);
  } finally {
    await pgDb.drop();
  }
}
