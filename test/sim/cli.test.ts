import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { leveeSideOf, parseKeysFile } from '../../src/institution-protocol/keys-file.js';
import { checkLedgerFile, type LedgerFile } from '../../src/sim/export-ledger.js';

// Runs the built CLI (npm test builds first).
const levee = (...args: string[]) => spawnSync('node', ['bin/levee.js', ...args], { encoding: 'utf8' });

describe('levee sim (CLI)', () => {
  it('export: the same seed gives the same ground truth, and it keeps the format rules', () => {
    const args = [
      'sim',
      'export',
      '--scenario',
      'case-25',
      '--banks',
      '6',
      '--payments',
      '3',
      '--hours',
      '3',
    ];
    const a = execFileSync('node', ['bin/levee.js', ...args], { encoding: 'utf8' });
    const b = execFileSync('node', ['bin/levee.js', ...args], { encoding: 'utf8' });
    expect(a).toBe(b);
    const file = JSON.parse(a) as LedgerFile;
    checkLedgerFile(file);
    expect(file.accounts.filter((x) => x.level === 4)).toHaveLength(25);
    const c = execFileSync('node', ['bin/levee.js', ...args, '--seed', '5'], { encoding: 'utf8' });
    expect(c).not.toBe(a);
  });

  it('keys: prints a keys file Levee can use, without institution private keys unless --all', () => {
    const r = levee(
      'sim',
      'keys',
      '--banks',
      '3',
      '--payments',
      '2',
      '--seed',
      '9',
      '--base-url',
      'http://127.0.0.1:9',
    );
    expect(r.status).toBe(0);
    const file = parseKeysFile(JSON.parse(r.stdout));
    expect(file.institutions.map((i) => i.code)).toEqual(['ICBC', 'CCB', 'ABC', 'ALIPAY', 'TENPAY']);
    expect(file.institutions.every((i) => i.privateKey === undefined)).toBe(true);
    expect(file.institutions[0]!.baseUrl).toBe('http://127.0.0.1:9/inst/ICBC');
    expect(leveeSideOf(file).signer.keyId).toBe('levee-1');
    const all = parseKeysFile(
      JSON.parse(levee('sim', 'keys', '--banks', '3', '--payments', '2', '--seed', '9', '--all').stdout),
    );
    expect(all.institutions.every((i) => typeof i.privateKey === 'string')).toBe(true);
    expect(all.institutions[0]!.publicKey).toBe(file.institutions[0]!.publicKey);
  });

  it('refuses bad input with exit code 2', () => {
    for (const args of [
      ['sim', '--banks', '0'],
      ['sim', '--scenario', 'no-such-scenario'],
      ['sim', '--faults', 'apocalypse'],
      ['sim', 'export', '--hours', '-1'],
    ]) {
      const r = levee(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});
