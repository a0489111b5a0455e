/**
 * Broken files from issue 6 each get a clear, typed answer, and nothing half-imported: a result
 * whose `ok` is false (row problems, with sheet, line, column and reason) or a thrown
 * StatementError (whole-file problems) before any transaction is handed on.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatementFile } from '../../../src/services/statement/file-readers.js';
import type { StatementTransaction } from '../../../src/engines/statement/index.js';
import { BROKEN, flagLine, makeFixtures } from '../../fixtures/statements/make-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'levee-broken-'));
  await makeFixtures(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function thrown(file: string, options = {}): Promise<Error> {
  const handed: StatementTransaction[] = [];
  try {
    await readStatementFile(join(dir, file), { ...options, onTransaction: (t) => handed.push(t) });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${file} was accepted (${handed.length} transactions)`);
}

describe('broken statements', () => {
  it('a truncated CSV: the cut row is named as cut off', async () => {
    const r = await readStatementFile(join(dir, BROKEN.truncatedCsv));
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: flagLine(2) });
    expect(r.errors[0]?.reason).toMatch(/cut off/);
  });

  it('a truncated xlsx is refused as damaged', async () => {
    expect((await thrown(BROKEN.truncatedXlsx)).name).toBe('TruncatedFileError');
  });

  it('a file that turns from UTF-8 into GBK is refused with the byte offset', async () => {
    const error = await thrown(BROKEN.mixedEncoding);
    expect(error.name).toBe('EncodingError');
    expect((error as Error & { byteOffset: number }).byteOffset).toBeGreaterThan(80_000);
  });

  it('a GBK file forced to be read as UTF-8 is refused', async () => {
    expect((await thrown('split-gbk.csv', { encoding: 'utf-8' })).name).toBe('EncodingError');
  });

  it('a text amount is a row error naming line, column, value and reason', async () => {
    const r = await readStatementFile(join(dir, BROKEN.textAmount));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        sheet: BROKEN.textAmount,
        line: flagLine(1),
        column: '交易金额',
        field: 'amount',
        value: '壹万元整',
        reason: expect.stringMatching(/not a number/),
      },
    ]);
  });

  it('a balance that does not follow is flagged at the first row where it breaks', async () => {
    const r = await readStatementFile(join(dir, BROKEN.balance));
    expect(r.ok).toBe(false);
    expect(r.errorCount).toBe(0);
    expect(r.reconciliation.status).toBe('broken');
    expect(r.reconciliation.accounts[0]?.firstBreak).toEqual({
      sheet: BROKEN.balance,
      line: flagLine(2),
      previousLine: flagLine(1),
      expected: 600000,
      found: 600100,
    });
  });

  it('a header the presets do not know is refused, naming what is missing and the unknown columns', async () => {
    const error = await thrown(BROKEN.unknownHeader);
    expect(error.name).toBe('HeaderNotFoundError');
    expect((error as Error & { missingFields: string[] }).missingFields).toEqual(['time']);
    expect(error.message).toContain('业务发生日');
  });

  it('the same file with an explicit mapping imports', async () => {
    const r = await readStatementFile(join(dir, BROKEN.unknownHeader), {
      account: 'A',
      mapping: {
        columns: {
          time: '业务发生日',
          amount: '交易金额',
          counterpartyAccount: '对方账号',
          summary: '款项说明',
        },
      },
    });
    expect(r.ok).toBe(true);
    expect(r.preview[0]).toMatchObject({ direction: 'credit', amount: 10000, summary: '货款' });
  });

  it('an empty sheet is refused as empty', async () => {
    expect((await thrown(BROKEN.emptySheet)).name).toBe('EmptyStatementError');
  });

  describe('200 MB of garbage, generated here and streamed, never held whole', () => {
    const SIZE = 200 * 1024 * 1024;
    let garbage: string;
    let textGarbage: string;

    beforeAll(async () => {
      garbage = join(dir, 'garbage.xlsx');
      textGarbage = join(dir, 'garbage.csv');
      const block = randomBytes(1 << 20);
      const printable = Buffer.from(
        Array.from({ length: 1 << 20 }, (_, i) => (i % 97 === 96 ? 0x0a : 0x21 + (block[i]! % 94))),
      );
      for (const [path, chunk] of [
        [garbage, block],
        [textGarbage, printable],
      ] as const) {
        const out = createWriteStream(path);
        for (let written = 0; written < SIZE; written += chunk.length) {
          if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        }
        await new Promise<void>((resolve) => out.end(() => resolve()));
        expect(statSync(path).size).toBe(SIZE);
      }
    });

    for (const [name, kind] of [
      ['random bytes', 'UnsupportedFormatError'],
      ['printable junk with line breaks', 'HeaderNotFoundError'],
    ] as const) {
      it(`${name}: refused as ${kind} after reading only the start`, async () => {
        let readBytes = 0;
        const before = process.memoryUsage().rss;
        const error = await thrown(kind === 'UnsupportedFormatError' ? 'garbage.xlsx' : 'garbage.csv', {
          onProgress: (n: number) => {
            readBytes = n;
          },
        });
        expect(error.name).toBe(kind);
        expect(readBytes).toBeGreaterThan(0);
        expect(readBytes).toBeLessThanOrEqual(4 << 20);
        expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
      });
    }
  });
});
