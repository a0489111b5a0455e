/**
 * The gateway's database work per request, without the network: `npm run bench -- outbox
 * [--requests 20000] [--batch 20] [--rounds 3] [--databases sqlite,postgres]`.
 *
 * Each request goes through the statements the gateway runs for it, in the shapes a steady load
 * gives them: enqueued `--batch` at a time in one transaction (`enqueueMany`), leased by the
 * dispatcher's claim, acknowledged (`updateAcked`, as the dispatcher's ack batch writes them),
 * answered (`applyFeedbackMany`, one feedback transaction per exchange of five). Prints µs of
 * wall and CPU time a request per phase, on a fresh database per round (the best round and the
 * spread). Deterministic and alone on the machine's cores: the yardstick for changes to the
 * outbox's statements, indexes and row shapes, which the end-to-end gateway bench is too noisy
 * to resolve (its latency moves with the simulator and with the load of the machine).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config.js';
import { createContext, type LeveeContext } from '../src/context.js';
import type { Feedback } from '../src/institution-protocol/schemas.js';
import { claimDue, updateAcked } from '../src/repositories/gateway.repository.js';
import { buildInstitutions } from '../src/sim/institutions.js';
import { simKeysFile } from '../src/sim/keys.js';
import { gatherOutboxStatistics, postgresDatabase, sqliteDatabase } from './_gateway-rig.js';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const PHASES = ['enqueue', 'claim', 'ack', 'answer'] as const;
type Phase = (typeof PHASES)[number];
/** Items a feedback transaction takes at once (what an institution's batched callback carries). */
const ANSWERS_PER_EXCHANGE = 5;
/** Institutions the load addresses (the gateway bench's default scenario: 24). */
const INSTITUTIONS = 24;

export async function main(args: string[]): Promise<void> {
  const requests = Number(arg(args, 'requests', '20000'));
  const batch = Number(arg(args, 'batch', '20'));
  const rounds = Number(arg(args, 'rounds', '3'));
  const wanted = arg(args, 'databases', 'sqlite,postgres').split(',');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `Outbox: ${requests} requests a round (after ${requests / 4} warm-up), ${batch} per enqueue transaction, ${ANSWERS_PER_EXCHANGE} answers per feedback transaction, ${INSTITUTIONS} institutions; best of ${rounds} rounds; load average ${load}`,
  );
  console.log('| database | phase   | µs/request wall (best … worst) | µs/request CPU |');
  console.log('| -------- | ------- | ------------------------------ | -------------- |');
  for (const label of wanted) {
    const results: Record<Phase, { wall: number; cpu: number }>[] = [];
    for (let r = 0; r < rounds; r++) {
      const database = label === 'sqlite' ? await sqliteDatabase() : await postgresDatabase();
      if (!database) {
        console.log(`(PostgreSQL not reachable: skipped)`);
        break;
      }
      const dataDir = mkdtempSync(join(tmpdir(), 'levee-bench-outbox-'));
      const ctx = await createContext(
        loadConfig({
          LEVEE_DATABASE_URL: database.url,
          LEVEE_DATA_DIR: dataDir,
          LEVEE_LOG_LEVEL: 'warn',
          LEVEE_DEMO: 'false',
        }),
        { prepare: true, walCheckpointer: true },
      );
      try {
        const institutions = buildInstitutions(38, 80).slice(0, INSTITUTIONS);
        await ctx.gateway.importKeys(
          simKeysFile({ seed: 1, institutions, baseUrl: 'http://127.0.0.1:9' }),
          'bench',
          { ratePerSecond: 100_000 },
        );
        const codes = institutions.map((i) => i.code);
        await cycle(ctx, codes, requests / 4, batch, 0);
        await gatherOutboxStatistics(ctx);
        results.push(await cycle(ctx, codes, requests, batch, requests / 4));
      } finally {
        await ctx.close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    if (results.length === 0) continue;
    const total = (x: Record<Phase, { wall: number }>) => PHASES.reduce((s, p) => s + x[p].wall, 0);
    const best = results.reduce((a, b) => (total(b) < total(a) ? b : a));
    for (const phase of [...PHASES, 'total'] as const) {
      const walls = results.map((x) => (phase === 'total' ? total(x) : x[phase].wall)).sort((a, b) => a - b);
      const cpu = phase === 'total' ? PHASES.reduce((s, p) => s + best[p].cpu, 0) : best[phase].cpu;
      console.log(
        `| ${label.padEnd(8)} | ${phase.padEnd(7)} | ${`${walls[0]!.toFixed(1)} … ${walls.at(-1)!.toFixed(1)}`.padStart(30)} | ${cpu.toFixed(1).padStart(14)} |`,
      );
    }
  }
}

/** `count` requests through the four phases; µs a request per phase. */
async function cycle(
  ctx: LeveeContext,
  codes: readonly string[],
  count: number,
  batch: number,
  offset: number,
): Promise<Record<Phase, { wall: number; cpu: number }>> {
  const spent = Object.fromEntries(PHASES.map((p) => [p, { wall: 0, cpu: 0 }])) as Record<
    Phase,
    { wall: number; cpu: number }
  >;
  const timed = async <T>(phase: Phase, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const result = await work();
    const c = process.cpuUsage(c0);
    spent[phase].wall += (performance.now() - t0) * 1000;
    spent[phase].cpu += c.user + c.system;
    return result;
  };
  const { db, capabilities } = ctx.store;
  const owner = 'bench-dispatcher';
  let seq = offset;
  for (let from = 0; from < count; from += batch) {
    // A round of the steady load: a workflow's transaction, the dispatcher's lease, the acks, the answers.
    const enqueued = await timed('enqueue', () =>
      db.transaction().execute((trx) =>
        ctx.gateway.enqueueMany(
          trx,
          Array.from({ length: batch }, (_, i) => {
            const n = offset + from + i;
            const number = `6222${String(n % 5000).padStart(15, '0')}`;
            return {
              caseId: null,
              institution: codes[n % codes.length]!,
              draft:
                n % 2
                  ? { type: 'holder-query' as const, account: { number } }
                  : { type: 'stop-payment' as const, account: { number, name: '张三' }, amount: 1_00 },
              reason: 'outbox bench',
              createdBy: 'bench',
            };
          }),
        ),
      ),
    );
    const now = new Date();
    const leased = await timed('claim', () =>
      claimDue(
        db,
        capabilities,
        owner,
        now.toISOString(),
        new Date(now.getTime() + 10_000).toISOString(),
        256,
        { expired: false },
      ),
    );
    if (leased.length !== enqueued.length)
      throw new Error(`leased ${leased.length} of the ${enqueued.length} just enqueued`);
    const at = new Date().toISOString();
    const acked = await timed('ack', () =>
      updateAcked(
        db,
        capabilities,
        owner,
        leased.map((r) => ({ id: r.id, attempts: 1, sent_at: at, acked_at: at })),
      ),
    );
    if (acked !== leased.length) throw new Error(`acknowledged ${acked} of the ${leased.length} leased`);
    const answers: Feedback[] = leased.map((row) => {
      seq++;
      const common = {
        feedbackId: `${row.institution_code}-${seq}`,
        seq,
        institution: row.institution_code,
        requestId: row.request_id,
        result: 'executed' as const,
        answeredAt: at,
      };
      return (
        row.type === 'stop-payment'
          ? {
              ...common,
              type: 'stop-payment',
              body: {
                heldAmount: 1_00,
                balance: 5_00,
                expiresAt: new Date(Date.now() + 48 * 3600_000).toISOString(),
              },
            }
          : {
              ...common,
              type: 'holder-query',
              body: { name: '张三', idNumber: '110101199001011234', phone: '13800000000' },
            }
      ) as Feedback;
    });
    await timed('answer', async () => {
      for (let i = 0; i < answers.length; i += ANSWERS_PER_EXCHANGE)
        await ctx.gateway.applyFeedbackMany(answers.slice(i, i + ANSWERS_PER_EXCHANGE), 'callback');
    });
  }
  for (const p of PHASES) {
    spent[p].wall /= count;
    spent[p].cpu /= count;
  }
  return spent;
}
