/**
 * `npm run bench -- trace [--size 100k,1m | --size 10m] [--seed N] [--skip-parse] [--gangs N] [--active N]`
 *
 * Seeded synthetic mule networks (bench/_mule-network.ts; `--gangs 1` for one network where every
 * next hop is drawn from the whole next level). Prints, per size: the shape of the network (gangs,
 * origins per account as a prorata debit meets them and at the end), the engine's
 * transfers per second for each rule with the ledger already in memory (one core) and the memory
 * it used — ledger columns plus the engine's peak typed arrays, per transfer; the parsing rates
 * of JSON (JSON.parse + validation + compile) and of streamed CSV files; and how a prorata debit
 * grows with the number of origins in the account.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  type CompiledLedger,
  CsvTableReader,
  compileColumns,
  compileLedger,
  LedgerBuilder,
  TRACE_RULES,
  traceFast,
  type RawColumns,
} from '../src/engines/tracing/index.js';
import { csvLines, ledgerJson, muleNetwork } from './_mule-network.js';

const SIZES: Record<string, number> = { '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 };

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function ledgerBytes(l: CompiledLedger): number {
  return (
    l.from.byteLength +
    l.to.byteLength +
    l.amount.byteLength +
    l.timeMs.byteLength +
    l.timeSub.byteLength +
    l.file.byteLength
  );
}

function copyRaw(raw: RawColumns): RawColumns {
  return { ...raw, from: raw.from.slice(), to: raw.to.slice() };
}

async function csvRate(raw: RawColumns): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'levee-bench-'));
  try {
    for (const table of ['parties', 'accounts', 'transfers'] as const) {
      const out = createWriteStream(join(dir, `${table}.csv`));
      for (const chunk of csvLines(raw, table)) if (!out.write(chunk)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    }
    gc();
    const t0 = performance.now();
    const b = new LedgerBuilder('CNY', { keepTimeText: false });
    for (const table of ['parties', 'accounts', 'transfers'] as const) {
      const reader = new CsvTableReader(table, b);
      for await (const chunk of createReadStream(join(dir, `${table}.csv`), {
        encoding: 'utf8',
        highWaterMark: 1 << 20,
      }))
        reader.push(chunk as string);
      reader.end();
    }
    const compiled = b.finish();
    const s = (performance.now() - t0) / 1000;
    if (compiled.transferCount !== raw.from.length) throw new Error('CSV round trip lost transfers');
    return raw.from.length / s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function jsonRate(raw: RawColumns): number {
  const text = ledgerJson(raw);
  gc();
  const t0 = performance.now();
  const compiled = compileLedger(JSON.parse(text));
  const s = (performance.now() - t0) / 1000;
  if (compiled.transferCount !== raw.from.length) throw new Error('JSON round trip lost transfers');
  return raw.from.length / s;
}

/**
 * How many origins an account holds when money leaves it (the pieces of each prorata debit from
 * an account, which is what a prorata debit costs), and at the end (non-sink accounts with money).
 */
function originsPerAccount(ledger: CompiledLedger): {
  mean: number;
  p50: number;
  p90: number;
  max: number;
  endMean: number;
} {
  const hist = new Float64Array(1 << 16);
  let sum = 0;
  let count = 0;
  let max = 0;
  const r = traceFast(ledger, 'prorata', {
    onPieces: (_t, src, _d, _o, _x, c) => {
      if (src < 0) return;
      hist[Math.min(c, hist.length - 1)]!++;
      sum += c;
      count++;
      if (c > max) max = c;
    },
  });
  const pct = (p: number): number => {
    let acc = 0;
    for (let c = 0; c < hist.length; c++) {
      acc += hist[c]!;
      if (acc >= p * count) return c;
    }
    return hist.length - 1;
  };
  let held = 0;
  let accounts = 0;
  const h = r.holdings;
  for (let a = 0; a < ledger.accountIds.length; a++) {
    const k = h.start[a + 1]! - h.start[a]!;
    if (ledger.isSink[a] === 1 || k === 0) continue;
    held += k;
    accounts++;
  }
  return { mean: sum / count, p50: pct(0.5), p90: pct(0.9), max, endMean: held / Math.max(1, accounts) };
}

/** A hub holding k origins; transfers alternate: a third of the hub out, then all of it back. */
function prorataScaling(k: number, m: number): { rate: number; cpuRate: number; perTransfer: number } {
  const parties = Array.from({ length: k }, (_, i) => ({
    id: `V${String(i).padStart(5, '0')}`,
    role: 'victim' as const,
  }));
  const n = k + m;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const amount = new Float64Array(n);
  const timeMs = new Float64Array(n);
  let hub = 0;
  for (let i = 0; i < k; i++) {
    from[i] = -(i + 1);
    to[i] = 0;
    amount[i] = 1_000_000 + i * 7919;
    hub += amount[i]!;
    timeMs[i] = i;
  }
  let side = 0;
  for (let j = 0; j < m; j++) {
    const i = k + j;
    timeMs[i] = i;
    if (j % 2 === 0) {
      const x = Math.floor(hub / 3);
      from[i] = 0;
      to[i] = 1;
      amount[i] = x;
      hub -= x;
      side += x;
    } else {
      from[i] = 1;
      to[i] = 0;
      amount[i] = side;
      hub += side;
      side = 0;
    }
  }
  const ledger = compileColumns({
    currency: 'CNY',
    parties,
    accounts: [
      { id: 'HUB', opening: 0, sink: false },
      { id: 'SIDE', opening: 0, sink: false },
    ],
    from,
    to,
    amount,
    timeMs,
    timeSub: new Int32Array(n),
    transferIds: { length: n },
  });
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  traceFast(ledger, 'prorata');
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return { rate: n / s, cpuRate: n / cpuS, perTransfer: (cpuS * 1e9) / n };
}

export async function main(args: string[]): Promise<void> {
  const sizes = (arg(args, '--size') ?? '100k,1m').split(',').map((s) => {
    const v = SIZES[s.toLowerCase()] ?? Number(s);
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`bad --size ${s}`);
    return v;
  });
  const seed = Number(arg(args, '--seed') ?? 20231027);
  const skipParse = args.includes('--skip-parse');
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  process.stdout.write(
    `levee trace benchmark — node ${process.version}, seed ${seed}, load average ${load} at start\n` +
      '(wall: elapsed time; cpu: this process’s CPU time — they differ when the machine is shared)\n\n',
  );
  for (const n of sizes) {
    let t0 = performance.now();
    const gangs = arg(args, '--gangs');
    const active = arg(args, '--active');
    const network = () =>
      muleNetwork({
        transfers: n,
        seed,
        ...(gangs ? { gangs: Number(gangs) } : {}),
        ...(active ? { active: Number(active) } : {}),
      });
    let raw: ReturnType<typeof muleNetwork> | undefined = network();
    const genS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const ledger = compileColumns(copyRaw(raw));
    const compileS = (performance.now() - t0) / 1000;
    const victims = raw.parties.filter((p) => p.role === 'victim').length;
    const shapeOfRaw = { accounts: raw.accounts.length, gangs: raw.gangs, active: raw.active };
    process.stdout.write(
      `== ${fmt(n)} transfers, ${fmt(shapeOfRaw.accounts)} accounts, ${fmt(victims)} victims, ${fmt(ledger.originIds.length)} origins, ${fmt(ledger.gaps.length)} gaps\n` +
        `   ${fmt(shapeOfRaw.gangs)} gang${shapeOfRaw.gangs === 1 ? '' : 's'} (${fmt(shapeOfRaw.active)} at a time); generated in ${genS.toFixed(1)} s; compiled (intern, components: ${fmt(ledger.componentCount)}, time order, gap pass, application order) in ${compileS.toFixed(2)} s = ${fmt(n / compileS)} transfers/s\n`,
    );
    const cols = ledgerBytes(ledger);
    process.stdout.write(
      '   rule     transfers/s (wall)  transfers/s (cpu)  engine peak  ledger columns  bytes/transfer\n',
    );
    // The engine's rate is for the compiled ledger in memory. The generator's input (a million
    // account objects with their id strings) is not the engine's, and a caller that streams its
    // input (CSV) never holds it whole: let it go, so the collections the runs set off mark only
    // what a real run keeps alive. The parsing rates below generate it again.
    raw = undefined;
    for (const rule of TRACE_RULES) {
      gc();
      const c0 = process.cpuUsage();
      t0 = performance.now();
      const r = traceFast(ledger, rule);
      const s = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpuS = (c.user + c.system) / 1e6;
      process.stdout.write(
        `   ${rule.padEnd(8)} ${fmt(n / s).padStart(18)}  ${fmt(n / cpuS).padStart(17)}  ${mb(r.peakEngineBytes).padStart(11)}  ${mb(cols).padStart(14)}  ${((r.peakEngineBytes + cols) / n).toFixed(1).padStart(14)}\n`,
      );
    }
    const shape = originsPerAccount(ledger);
    process.stdout.write(
      `   origins per account: a prorata debit meets ${shape.mean.toFixed(1)} on average (median ${shape.p50}, 90th percentile ${shape.p90}, max ${fmt(shape.max)}); at the end a non-empty account holds ${shape.endMean.toFixed(1)}\n`,
    );
    if (!skipParse) {
      const input = network();
      const csv = await csvRate(input);
      const json =
        n <= 2_000_000
          ? `${fmt(jsonRate(input))} transfers/s`
          : 'n/a (the text would pass V8’s 512 MB string limit; use CSV)';
      process.stdout.write(
        `   parse JSON: ${json}\n   parse CSV (streamed from disk): ${fmt(csv)} transfers/s\n`,
      );
    }
    process.stdout.write(`   process peak RSS so far: ${mb(process.resourceUsage().maxRSS * 1024)}\n\n`);
  }
  process.stdout.write(
    '== prorata cost by origins per account (hub of k origins, 200,000 partial debits and refills)\n',
  );
  process.stdout.write('   origins   transfers/s (wall)   transfers/s (cpu)   cpu ns/transfer\n');
  prorataScaling(8, 50_000); // warm-up: let the JIT compile the prorata path first
  for (const k of [1, 2, 4, 8, 16, 64, 256, 1024]) {
    const r = prorataScaling(k, 200_000);
    process.stdout.write(
      `   ${String(k).padStart(7)}   ${fmt(r.rate).padStart(18)}   ${fmt(r.cpuRate).padStart(17)}   ${r.perTransfer.toFixed(0).padStart(15)}\n`,
    );
  }
}
