import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimServer, startSimServer } from '../../src/sim/server.js';
import { PRESET_SCENARIOS } from '../../src/sim/scenario.js';
import { sleep } from './_harness.js';

// A minimal outbox dispatcher in a child process (the built client from dist/, as the gateway
// will use it): it sends every outbox row not yet marked acknowledged, resending the same bytes
// with the same idempotency key until accepted, and marks each row after its acknowledgement.
// Killed with SIGKILL at any moment and restarted, it must leave every request executed once.
const DISPATCHER = `
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const root = process.env.LEVEE_ROOT;
const { InstitutionClient, leveeSideOf, backoffDelayMs } = await import(root + '/dist/src/institution-protocol/index.js');
const { signer, endpoints } = leveeSideOf(JSON.parse(readFileSync(process.env.KEYS, 'utf8')));
const client = new InstitutionClient({ signer, endpoints, timeoutMs: 300 });
const rows = readFileSync(process.env.OUTBOX, 'utf8').trim().split('\\n').map((l) => JSON.parse(l));
const done = new Set(existsSync(process.env.ACKED) ? readFileSync(process.env.ACKED, 'utf8').split('\\n') : []);
const pending = rows.filter((r) => !done.has(r.key));
async function worker() {
  for (let row = pending.shift(); row; row = pending.shift()) {
    for (let attempt = 0; ; attempt++) {
      const out = await client.sendRaw(row.institution, row.type, row.body, row.key);
      if (out.kind === 'accepted') break;
      if (out.kind === 'refused') { console.error('refused', JSON.stringify(out.problem)); process.exit(3); }
      await new Promise((r) => setTimeout(r, backoffDelayMs(attempt, { baseMs: 10, capMs: 100 })));
    }
    appendFileSync(process.env.ACKED, row.key + '\\n');
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
await client.close();
`;

describe('dispatcher killed with SIGKILL mid-dispatch and restarted', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({
      scenario: PRESET_SCENARIOS['default']!,
      banks: 6,
      payments: 3,
      faults: { ...(await import('../../src/sim/faults.js')).FAULT_PROFILES['chaos']!, hangMs: 400 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('every request is executed exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'levee-sigkill-'));
    const env = {
      ...process.env,
      LEVEE_ROOT: process.cwd(),
      KEYS: join(dir, 'keys.json'),
      OUTBOX: join(dir, 'outbox.jsonl'),
      ACKED: join(dir, 'acked.txt'),
    };
    writeFileSync(env.KEYS, JSON.stringify(sim.keys));
    writeFileSync(join(dir, 'dispatcher.mjs'), DISPATCHER);
    const world = sim.simulator.world;
    const ledger = world.ledger;
    const rows: { institution: string; type: string; body: string; key: string }[] = [];
    for (const a of world.background.slice(0, 60)) {
      const requestId = `SK-${process.pid}-${rows.length + 1}`;
      const body = {
        type: 'stop-payment',
        requestId,
        caseNumber: 'A1',
        authority: { code: '420100', name: '武汉市公安局反诈中心' },
        document: { number: `DOC-${rows.length + 1}` },
        issuedAt: new Date().toISOString(),
        account: { number: ledger.number[a]!, name: world.persons[ledger.holder[a]!]!.name },
        amount: 100,
      };
      rows.push({
        institution: world.institutions[ledger.inst[a]!]!.code,
        type: body.type,
        body: JSON.stringify(body),
        key: requestId,
      });
    }
    writeFileSync(env.OUTBOX, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const acked = () =>
      existsSync(env.ACKED) ? readFileSync(env.ACKED, 'utf8').split('\n').filter(Boolean).length : 0;

    const first = spawn('node', [join(dir, 'dispatcher.mjs')], { env, stdio: 'ignore' });
    const firstExit = new Promise((r) => first.once('exit', r));
    while (acked() < 15) await sleep(5);
    first.kill('SIGKILL');
    await firstExit;
    const atKill = acked();
    expect(atKill).toBeLessThan(rows.length);

    const second = spawn('node', [join(dir, 'dispatcher.mjs')], { env, stdio: 'ignore' });
    const code = await new Promise((r) => second.once('exit', r));
    expect(code).toBe(0);
    expect(acked()).toBe(rows.length);
    // accepted requests run after the institution's latency
    while (rows.some((r) => sim.simulator.executionCount(r.institution, r.key) === 0)) await sleep(20);
    for (const r of rows) expect(sim.simulator.executionCount(r.institution, r.key), r.key).toBe(1);
    expect(sim.simulator.stats().duplicateExecutions).toBe(0);
  });
});
