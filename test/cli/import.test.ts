/** `levee import` as an analyst runs it on the committed statement fixtures (needs a build). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trace } from '../../src/engines/tracing/index.js';

const FIXTURES = 'test/fixtures/statements';
const levee = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/levee.js', 'import', ...args], {
    env: { ...process.env, LEVEE_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
const tmp = () => mkdtempSync(join(tmpdir(), 'levee-import-'));

describe('levee import', () => {
  it('lists the presets', () => {
    const r = levee('--list-presets');
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['auto', 'cn-bank-flag', 'cn-bank-split', 'cn-payment', 'cn-query-feedback'])
      expect(r.stdout).toContain(name);
  });

  it('dry-runs a statement: preview, reconciliation and totals as JSON, nothing written', () => {
    const r = levee(join(FIXTURES, 'flag-utf8.csv'), '--dry-run', '--json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.passes).toBe(true);
    expect(doc.ledger).toBeNull();
    expect(doc.preview).toHaveLength(5);
    expect(doc.reconciliation.status).toBe('reconciled');
    expect(doc.totals).toMatchObject({ transactions: 5, debitFen: 4550000, creditFen: 5001234 });
    expect(doc.rowFingerprints).toHaveLength(5);
  });

  it('prints a human preview naming the first balance break and exits 1', () => {
    const r = levee(join(FIXTURES, 'broken-balance.csv'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FIRST BREAK at broken-balance\.csv!8: balance 6,001\.00, expected 6,000\.00/);
    expect(r.stdout).toMatch(/CHECKS FAILED/);
  });

  it('writes the ledger the tracing engine reads, and recognises the same rows on a second import', () => {
    const dir = tmp();
    const out = join(dir, 'ledger.json');
    const r = levee(join(FIXTURES, 'split-gbk.csv'), '--ledger-out', out);
    expect(r.status, r.stderr).toBe(0);
    const ledger = JSON.parse(readFileSync(out, 'utf8'));
    expect(ledger.format).toBe('levee.ledger/1');
    expect(ledger.transfers).toHaveLength(3);
    expect(ledger.import.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(trace(ledger, 'fifo').accounts['6217850000123456789']?.balance).toBe(1238838);
    const again = levee(join(FIXTURES, 'split-gbk.csv'), '--against', out, '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).against).toEqual({
      ledger: out,
      sameFile: true,
      rowsAlreadyThere: 3,
      rows: 3,
    });
  });

  it('writes nothing when a row cannot be read', () => {
    const dir = tmp();
    const out = join(dir, 'ledger.json');
    const r = levee(join(FIXTURES, 'broken-text-amount.csv'), '--ledger-out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('broken-text-amount.csv!7 [交易金额] "壹万元整": "壹万元整" is not a number');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses files it cannot read with exit 2 and the reason', () => {
    for (const [file, name] of [
      ['broken-unknown-header.csv', 'HeaderNotFoundError'],
      ['broken-truncated.xlsx', 'TruncatedFileError'],
      ['broken-empty-sheet.xlsx', 'EmptyStatementError'],
      ['broken-mixed-encoding.csv', 'EncodingError'],
    ]) {
      const r = levee(join(FIXTURES, file!));
      expect(r.status, file).toBe(2);
      expect(r.stderr).toContain(`levee import: ${name}:`);
      expect(r.stdout).toBe('');
    }
  });

  it('maps an unknown layout with --mapping and remembers it with --save-mapping', () => {
    const dir = tmp();
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({ columns: { time: '业务发生日', amount: '交易金额', summary: '款项说明' } }),
    );
    const memory = join(dir, 'memory.json');
    const first = levee(
      join(FIXTURES, 'broken-unknown-header.csv'),
      '--mapping',
      mapping,
      '--account',
      'A',
      '--save-mapping',
      memory,
    );
    expect(first.status, first.stderr).toBe(0);
    const again = levee(
      join(FIXTURES, 'broken-unknown-header.csv'),
      '--mapping',
      memory,
      '--account',
      'A',
      '--json',
    );
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).sheets[0].preset).toBe('remembered');
  });

  it('--case names a case that does not exist: exit 2 (imports into cases: test/api/statement-import.test.ts)', () => {
    const dataDir = tmp();
    const r = spawnSync(
      process.execPath,
      ['bin/levee.js', 'import', join(FIXTURES, 'flag-utf8.csv'), '--case', 'C-1'],
      { env: { ...process.env, LEVEE_LOG_LEVEL: 'silent', LEVEE_DATA_DIR: dataDir }, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/LEVEE_NOT_FOUND: no case "C-1"/);
  });
});
