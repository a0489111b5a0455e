/**
 * `npm run bench -- import [--csv-rows N] [--xlsx-rows N] [--seed S]`: statement import speed and
 * memory. Generates (seeded) a CSV of 1,000,000 rows and an .xlsx of 200,000 rows in the
 * cn-bank-flag layout into a temp folder, streams each through readStatementFile with a counting
 * sink (no rows kept), and prints rows/s, peak RSS and the heap at 25/50/75/100% of the file:
 * a flat heap column is the evidence that memory does not grow with the file. The CSV is read a
 * second time reading every row's fingerprint (a SHA-256 per row, as duplicate detection does).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readStatementFile } from '../src/services/statement/file-readers.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = [
  '交易时间',
  '交易金额',
  '借贷标志',
  '对方账号',
  '对方户名',
  '对方开户行',
  '余额',
  '摘要',
  '交易流水号',
];

function* rows(n: number, seed: number): Generator<string[]> {
  const rand = mulberry32(seed);
  let balance = 100_000_000;
  let t = Date.UTC(2023, 0, 1);
  const pad = (v: number) => String(v).padStart(2, '0');
  for (let i = 0; i < n; i++) {
    t += 1000 + Math.floor(rand() * 60_000);
    const d = new Date(t);
    const credit = rand() < 0.5 || balance < 1_000_000;
    const amount = 1 + Math.floor(rand() * 500_000);
    balance += credit ? amount : -amount;
    const cp = 6222000000000000 + Math.floor(rand() * 10_000);
    yield [
      `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
      `${Math.trunc(amount / 100).toLocaleString('en-US')}.${pad(amount % 100)}`,
      credit ? '贷' : '借',
      String(cp),
      `客户${cp % 10_000}`,
      '某某银行',
      `${Math.trunc(balance / 100)}.${pad(balance % 100)}`,
      credit ? '转入' : '转出',
      `SN${String(i).padStart(10, '0')}`,
    ];
  }
}

async function writeCsv(path: string, n: number, seed: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await write('某某银行 账户交易明细\n账号：6222999900001111\n');
  await write(`${HEADER.join(',')}\n`);
  let buf = '';
  for (const r of rows(n, seed)) {
    buf += `${r[0]},"${r[1]}",${r.slice(2).join(',')}\n`;
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

async function writeXlsx(path: string, n: number, seed: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: false,
  });
  const ws = wb.addWorksheet('明细');
  ws.addRow(['账号：6222999900001111']).commit();
  ws.addRow(HEADER).commit();
  for (const r of rows(n, seed)) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
}

interface Measure {
  file: string;
  bytes: number;
  rows: number;
  seconds: number;
  heapMiB: number[];
  peakRssMiB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function measure(path: string, expectRows: number, hashRows = false): Promise<Measure> {
  const size = statSync(path).size;
  const marks = [0.25, 0.5, 0.75, 1];
  const heapMiB: number[] = [];
  let count = 0;
  gc?.();
  const start = process.hrtime.bigint();
  const result = await readStatementFile(path, {
    collectFingerprints: false,
    // Row fingerprints are computed on first read; `hashRows` reads each one (as duplicate
    // detection does) so the cost of a SHA-256 per row shows in its own line.
    onTransaction: hashRows
      ? (tx) => {
          if (tx.fingerprint.length === 64) count++;
        }
      : () => {
          count++;
        },
    onProgress: (done) => {
      while (marks.length > 0 && done >= size * marks[0]!) {
        marks.shift();
        gc?.();
        heapMiB.push(process.memoryUsage().heapUsed / 2 ** 20);
      }
    },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (count !== expectRows || !result.ok)
    throw new Error(
      `${path}: expected ${expectRows} clean rows, got ${count} (errors ${result.errorCount}: ` +
        `${JSON.stringify(result.errors.slice(0, 3))})`,
    );
  return {
    file: `${path.split('/').pop()!}${hashRows ? ' + row SHA-256' : ''}`,
    bytes: size,
    rows: count,
    seconds,
    heapMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

export async function main(args: string[]): Promise<void> {
  const csvRows = arg(args, '--csv-rows', 1_000_000);
  const xlsxRows = arg(args, '--xlsx-rows', 200_000);
  const seed = arg(args, '--seed', 20231027);
  const dir = mkdtempSync(join(tmpdir(), 'levee-bench-import-'));
  try {
    if (!gc)
      process.stderr.write('note: run with node --expose-gc (npm run bench does) for steady heap samples\n');
    process.stderr.write(`generating ${csvRows} CSV rows and ${xlsxRows} xlsx rows in ${dir}\n`);
    const csv = join(dir, `statement-${csvRows}.csv`);
    const xlsx = join(dir, `statement-${xlsxRows}.xlsx`);
    await writeCsv(csv, csvRows, seed);
    await writeXlsx(xlsx, xlsxRows, seed);
    const results = [
      await measure(csv, csvRows),
      await measure(csv, csvRows, true),
      await measure(xlsx, xlsxRows),
    ];
    const lines = [
      '| file | size MiB | rows | seconds | rows/s | heap MiB at 25/50/75/100% | peak RSS MiB |',
      '|---|---:|---:|---:|---:|---|---:|',
      ...results.map(
        (m) =>
          `| ${m.file} | ${(m.bytes / 2 ** 20).toFixed(1)} | ${m.rows} | ${m.seconds.toFixed(2)} | ` +
          `${Math.round(m.rows / m.seconds).toLocaleString('en-US')} | ${m.heapMiB.map((h) => h.toFixed(1)).join(' / ')} | ` +
          `${m.peakRssMiB.toFixed(0)} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
