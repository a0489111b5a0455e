/**
 * The gateway spread over processes: the API publishes work to NATS JetStream, `levee gateway
 * worker` processes send it. A worker killed with SIGKILL in the middle of dispatching, then
 * restarted, leaves every request executed exactly once at the institutions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayRuntime } from '../../src/gateway/runtime.js';
import { PRESET_SCENARIOS } from '../../src/sim/scenario.js';
import { type SimServer, startSimServer } from '../../src/sim/server.js';
import { DATABASES } from '../helpers/databases.js';
import { deleteStream, hasNats, NATS_URL } from '../helpers/nats.js';
import { createTestApp, type TestApp } from '../helpers/server.js';
import { eventually, simAccount, sleep } from './_gateway-harness.js';

const database = DATABASES.includes('postgres') ? 'postgres' : 'sqlite';

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/levee.js', 'gateway', 'worker'], {
    env: { ...process.env, LEVEE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it ran`)));
  });
}

const stopChild = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });

describe.skipIf(!hasNats)(`gateway over processes with NATS JetStream (${database})`, () => {
  let t: TestApp;
  let sim: SimServer;
  let runtime: GatewayRuntime;
  let env: Record<string, string>;
  const stream = `LEVEE_TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ database, env: { LEVEE_NATS_URL: NATS_URL, LEVEE_NATS_STREAM: stream } });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    sim = await startSimServer({
      scenario: PRESET_SCENARIOS['default']!,
      banks: 6,
      payments: 3,
      faults: 'latency',
      callbackUrl: `${url}/gateway/callbacks`,
    });
    await t.ctx.gateway.importKeys(sim.keys, 'test');
    runtime = await startGateway(t.ctx);
    env = {
      LEVEE_DATABASE_URL: t.ctx.config.databaseUrl,
      LEVEE_NATS_URL: NATS_URL,
      LEVEE_NATS_STREAM: stream,
    };
  });
  afterAll(async () => {
    for (const w of workers) await stopChild(w);
    await runtime?.stop();
    await sim?.close();
    await t?.close();
    await deleteStream(stream);
  });

  async function enqueue(n: number, tag: string) {
    const rows: { id: number; requestId: string; institution: string }[] = [];
    await t.ctx.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++) {
        const mule = simAccount(sim, i % 3, i % 2);
        const r = await t.ctx.gateway.enqueue(trx, {
          caseId: null,
          institution: mule.institution,
          draft:
            i % 2
              ? { type: 'holder-query', account: { number: mule.number } }
              : { type: 'stop-payment', account: { number: mule.number, name: mule.name }, amount: 1_00 },
          reason: tag,
          createdBy: 'test',
        });
        rows.push({ ...r, institution: mule.institution });
      }
    });
    t.ctx.gateway.kick(rows.map((r) => r.id));
    return rows;
  }

  const states = async (ids: number[]) =>
    t.ctx.store.db
      .selectFrom('gateway_request')
      .select(['id', 'state', 'dispatched_by'])
      .where('id', 'in', ids)
      .execute();

  it('does not dispatch in the API process; two workers share the work', async () => {
    expect(runtime.dispatcher).toBeUndefined();
    workers.push(await startWorker(env), await startWorker(env));
    const rows = await enqueue(80, 'jetstream');
    const done = await eventually(async () => {
      const s = await states(rows.map((r) => r.id));
      return s.every((r) => r.state === 'executed') ? s : undefined;
    }, 1200);
    expect(done?.length).toBe(80);
    expect(new Set(done!.map((r) => r.dispatched_by)).size).toBe(2);
    for (const r of rows) expect(sim.simulator.executionCount(r.institution, r.requestId)).toBe(1);
    for (const w of workers.splice(0)) await stopChild(w);
  });

  it('executes every request exactly once when a worker is killed with SIGKILL mid-dispatch and restarted', async () => {
    const first = await startWorker(env);
    // Requests keep coming in small commits while the worker runs, and it is killed as soon as
    // some are answered: others are then still on their way. (One commit of 150 travels as a few
    // messages, and one worker could finish all of it between two looks at the table.)
    const rows: Awaited<ReturnType<typeof enqueue>> = [];
    let stop = false;
    const fed = (async () => {
      while (!stop && rows.length < 140) {
        rows.push(...(await enqueue(10, 'sigkill')));
        await sleep(20);
      }
    })();
    const midway = await eventually(
      async () => {
        if (rows.length === 0) return undefined;
        const s = await states(rows.map((r) => r.id));
        const acked = s.filter((r) => r.state !== 'queued' && r.state !== 'sent').length;
        return acked > 0 ? acked : undefined;
      },
      2000,
      5,
    );
    expect(midway).toBeDefined();
    stop = true;
    await fed;
    await stopChild(first, 'SIGKILL');
    const atKill = await states(rows.map((r) => r.id));
    expect(atKill.some((r) => r.state === 'executed' || r.state === 'acknowledged')).toBe(true);
    // And more arrive while no worker runs: they wait, in JetStream and the outbox, for the next one.
    const later = await enqueue(150 - rows.length, 'sigkill');
    await sleep(300);
    expect((await states(later.map((r) => r.id))).every((r) => r.state === 'queued')).toBe(true);
    rows.push(...later);
    const ids = rows.map((r) => r.id);

    workers.push(await startWorker(env));
    const done = await eventually(async () => {
      const s = await states(ids);
      return s.every((r) => r.state === 'executed') ? s : undefined;
    }, 1200);
    expect(done?.length).toBe(150);
    for (const r of rows) expect(sim.simulator.executionCount(r.institution, r.requestId)).toBe(1);
    expect(sim.simulator.stats().duplicateExecutions).toBe(0);
  });
});
