/**
 * `levee trace` end to end (run from dist: `npm run build` first). Checks exit codes, that stdout
 * carries only the document, and that every class of bad input is named on stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vectors = join(root, 'test/fixtures/vectors/tracing');
const tmp = mkdtempSync(join(tmpdir(), 'levee-trace-'));

function levee(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/levee.js'), 'trace', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mulePath = join(vectors, 'mule-chain-3-levels.ledger.json');
const mule = JSON.parse(readFileSync(mulePath, 'utf8'));

function writeLedger(name: string, change: (l: typeof mule) => void): string {
  const l = structuredClone(mule);
  change(l);
  const p = join(tmp, `${name}.json`);
  writeFileSync(p, JSON.stringify(l));
  return p;
}

describe('levee trace', () => {
  it('prints levee.trace/1 for each rule, matching the vectors, and exits 0', () => {
    for (const name of ['mule-chain-3-levels', 'capstone-libr']) {
      const expected = JSON.parse(readFileSync(join(vectors, `${name}.expected.json`), 'utf8'));
      const r = levee('--rule', 'libr', join(vectors, `${name}.ledger.json`));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected.libr);
      const all = levee('--rule', 'all', join(vectors, `${name}.ledger.json`));
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual(expected);
    }
  });

  it('gives byte-identical output for the same input', () => {
    const a = levee('--rule', 'prorata', mulePath);
    const b = levee('--rule', 'prorata', mulePath);
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(a.stdout).toBe(b.stdout);
    // canonical form: sorted keys, one-space indentation, final newline
    expect(a.stdout.startsWith('{\n "accounts": {\n  "A": {\n   "balance": 500000,')).toBe(true);
    expect(a.stdout.endsWith('}\n')).toBe(true);
    // the slow reference engine, a cross-check anyone can read, prints the same bytes
    expect(levee('--rule', 'prorata', '--engine', 'reference', mulePath).stdout).toBe(a.stdout);
  });

  it('prints the four rules side by side as a table', () => {
    const r = levee('--rule', 'all', '--table', mulePath);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/account\s+origin\s+fifo\s+libr\s+lifo\s+prorata/);
    expect(r.stdout).toMatch(/C2\s+\(balance\)\s+23,000\.00/);
  });

  const bad: [string, (l: typeof mule) => void, RegExp][] = [
    ['bad-format', (l) => (l.format = 'levee.ledger/0'), /format must be "levee\.ledger\/1"/],
    ['unknown-id', (l) => (l.transfers[3].from = 'NOBODY'), /transfer "t3".*"NOBODY"/],
    ['unknown-id-to', (l) => (l.transfers[4].to = 'V1'), /transfer "t4".*"V1" is no account/],
    ['bad-amount', (l) => (l.transfers[5].amount = 12.5), /transfer "t5": amount .*12\.5/],
    ['bad-amount-zero', (l) => (l.transfers[5].amount = 0), /transfer "t5": amount/],
    ['bad-opening', (l) => (l.accounts[0].opening = -3), /account "A": opening/],
    ['bad-time', (l) => (l.transfers[6].time = '2023-10-27 14:15'), /transfer "t6": time .*2023-10-27 14:15/],
    ['bad-time-no-offset', (l) => (l.transfers[6].time = '2023-10-27T14:15:00'), /transfer "t6": time/],
    ['bad-date', (l) => (l.transfers[6].time = '2023-02-30T14:15:00+08:00'), /transfer "t6": time/],
    [
      'sink-debit',
      (l) => l.transfers.push({ ...l.transfers[0], id: 'tX', from: 'CASH' }),
      /transfer "tX" debits sink account "CASH"/,
    ],
    ['duplicate-transfer', (l) => (l.transfers[7].id = 't1'), /transfer "t1" appears twice/],
    ['duplicate-account', (l) => l.accounts.push({ id: 'B2' }), /account "B2" is listed twice/],
    ['bad-role', (l) => (l.parties[0].role = 'villain'), /party "V1": role/],
  ];
  for (const [name, change, message] of bad)
    it(`rejects ${name}: exit 2, the culprit named on stderr, nothing on stdout`, () => {
      const r = levee('--rule', 'fifo', writeLedger(name, change));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^levee trace: /);
      expect(r.stderr).toMatch(message);
    });

  it('rejects a file that is not JSON, and a missing rule', () => {
    const p = join(tmp, 'broken.json');
    writeFileSync(p, '{"format": ');
    const r = levee('--rule', 'fifo', p);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/broken\.json is not valid JSON/);
    const m = levee(mulePath);
    expect([m.code, m.stdout]).toEqual([2, '']);
    expect(m.stderr).toMatch(/--rule/);
  });

  it('reads the same case from CSV files (a folder, or transfers.csv with --parties/--accounts)', () => {
    const dir = mkdtempSync(join(tmp, 'csv-'));
    writeFileSync(
      join(dir, 'parties.csv'),
      `id,role\n${mule.parties.map((p: { id: string; role: string }) => `${p.id},${p.role}`).join('\n')}\n`,
    );
    writeFileSync(
      join(dir, 'accounts.csv'),
      `id,opening,sink\r\n${mule.accounts.map((a: { id: string; sink?: string }) => `${a.id},,${a.sink ?? ''}`).join('\r\n')}\r\n`,
    );
    writeFileSync(
      join(dir, 'transfers.csv'),
      `id,from,to,amount,time\n${mule.transfers
        .map(
          (t: Record<string, unknown>) => `${t['id']},"${t['from']}",${t['to']},${t['amount']},${t['time']}`,
        )
        .join('\n')}`,
    );
    const json = levee('--rule', 'lifo', mulePath);
    const folder = levee('--rule', 'lifo', dir);
    expect(folder.code).toBe(0);
    expect(folder.stdout).toBe(json.stdout);
    const files = levee('--rule', 'lifo', '--progress', join(dir, 'transfers.csv'));
    expect(files.stdout).toBe(json.stdout);
    expect(files.stderr).toMatch(/transfers\.csv/); // the progress bar, on stderr only
    writeFileSync(
      join(dir, 'transfers.csv'),
      'id,from,to,amount,time\nt1,V1,A,12.50,2023-10-27T14:00:00+08:00\n',
    );
    const r = levee('--rule', 'lifo', dir);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/transfer "t1": amount .*"12\.50"/);
  });

  it('explains an account path by path, and lists the poison reach', () => {
    const ex = levee('--rule', 'fifo', '--explain', 'C1:V1', mulePath);
    expect(ex.code).toBe(0);
    const doc = JSON.parse(ex.stdout);
    expect(doc.format).toBe('levee.explain/1');
    expect(doc.origins.V1.paths[0].hops.map((h: { transfer: string }) => h.transfer)).toEqual([
      't1',
      't3',
      't6',
    ]);
    const p = levee('--rule', 'lifo', '--poison', '--victim', 'V3', mulePath);
    expect(JSON.parse(p.stdout).accounts.map((a: { account: string }) => a.account)).toEqual([
      'A',
      'B2',
      'C2',
      'MERCH',
    ]);
    const all = JSON.parse(levee('--rule', 'fifo', mulePath, '--poison').stdout);
    expect(all.accounts).toHaveLength(9);
    const unknown = levee('--rule', 'fifo', '--explain', 'ZZ', mulePath);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toMatch(/"ZZ"/);
  });

  it('proposes Art. 8 returns of frozen money with --frozen', () => {
    const frozen = join(tmp, 'frozen.json');
    writeFileSync(frozen, JSON.stringify({ frozen: { C2: 2300000, B1: 1000000 }, untraceable: ['B1'] }));
    const r = levee('--rule', 'fifo', '--frozen', frozen, mulePath);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect([doc.format, doc.rule, doc.base]).toEqual(['levee.restitution/1', 'fifo', 'loss']);
    const c2 = doc.accounts.find((a: { account: string }) => a.account === 'C2');
    expect(c2.returns).toEqual([{ victim: 'V2', amount: 1300000, basis: 'art8-1' }]);
    expect(c2.remaining).toBe(1000000);
    const b1 = doc.accounts.find((a: { account: string }) => a.account === 'B1');
    // untraceable: shared by loss among the victims whose money entered B1 (V1 only under fifo)
    expect(b1.returns).toEqual([{ victim: 'V1', amount: 1000000, basis: 'art8-3' }]);
    expect(b1.publicNoticeDays).toBe(30);
    writeFileSync(frozen, JSON.stringify({ frozen: { C2: 9_000_000 } }));
    const bad = levee('--rule', 'fifo', '--frozen', frozen, mulePath);
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/frozen 9000000 is more than/);
  });
});
