/** The pure parsers: amounts, dates, the chunked CSV tokenizer, encodings, reconciliation, mappings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BalanceReconciler,
  ChunkDecoder,
  CsvSyntaxError,
  CsvTokenizer,
  detectEncoding,
  EncodingError,
  emptyMemory,
  headerFingerprint,
  MappingError,
  parseAmount,
  parseDateTime,
  recallMapping,
  rememberMapping,
  StatementParser,
  UnsupportedFormatError,
} from '../../../src/engines/statement/index.js';
import { realignUtf8 } from '../../../src/services/statement/xlsx-utf8-realign.js';
import { gbk } from '../../fixtures/statements/make-fixtures.js';

const fen = (cell: unknown) => {
  const r = parseAmount(cell);
  return r.kind === 'fen' ? r.fen : r.kind;
};

describe('parseAmount', () => {
  it.each([
    ['1,234.56', 123456],
    ['1234.5元', 123450],
    ['-12.00', -1200],
    ['(12.00)', -1200],
    ['￥1,234.56', 123456],
    ['¥-5', -500],
    ['-￥5.1', -510],
    ['+7', 700],
    ['１，２３４．５６', 123456],
    ['RMB 12.30', 1230],
    ['12.3400', 1234],
    [1234.56, 123456],
    [0.1 + 0.2, 30],
    ['--', 'empty'],
    ['', 'empty'],
  ])('%s → %s', (input, expected) => {
    expect(fen(input)).toBe(expected);
  });

  it.each(['壹万元整', '12.345', '1,23.45', '1.2.3', 'abc', '--5', '12e3', 12.345])(
    'refuses %s with a reason',
    (input) => {
      const r = parseAmount(input);
      expect(r.kind).toBe('invalid');
      expect(r.kind === 'invalid' && r.reason.length).toBeGreaterThan(5);
    },
  );

  it('agrees with integer arithmetic for any fen amount written with separators', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (n) => {
        const abs = Math.abs(n);
        const text = `${n < 0 ? '-' : ''}${Math.trunc(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
        expect(fen(text)).toBe(n);
      }),
    );
  });
});

const iso = (a: unknown, b?: unknown, date1904 = false) => {
  const r = parseDateTime(a, b, { date1904 });
  return r.kind === 'time' ? r.iso : r.kind;
};

describe('parseDateTime', () => {
  it.each([
    ['2023-10-27 14:05:06', '2023-10-27T14:05:06+08:00'],
    ['2023/10/27', '2023-10-27T00:00:00+08:00'],
    ['2023.1.5 9:05', '2023-01-05T09:05:00+08:00'],
    ['20231027', '2023-10-27T00:00:00+08:00'],
    ['20231027 140506', '2023-10-27T14:05:06+08:00'],
    ['20231027140506', '2023-10-27T14:05:06+08:00'],
    ['2023年10月27日 14时05分', '2023-10-27T14:05:00+08:00'],
    ['2023年10月27日 14时05分06秒', '2023-10-27T14:05:06+08:00'],
    ['2023-10-27T06:05:06Z', '2023-10-27T14:05:06+08:00'],
    ['２０２３－１０－２７', '2023-10-27T00:00:00+08:00'],
    [20231027, '2023-10-27T00:00:00+08:00'],
    [45226.5868055556, '2023-10-27T14:05:00+08:00'],
    [1, '1900-01-01T00:00:00+08:00'],
    [59, '1900-02-28T00:00:00+08:00'],
    [61, '1900-03-01T00:00:00+08:00'],
    ['45226', '2023-10-27T00:00:00+08:00'],
  ])('%s → %s', (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it('refuses Excel serial 60, the 29 February 1900 that never was', () => {
    expect(iso(60)).toBe('invalid');
  });

  it('reads the 1904 date system', () => {
    expect(iso(0 + 1, undefined, true)).toBe('1904-01-02T00:00:00+08:00');
  });

  it.each([
    ['2023-10-27', '14:05:06', '2023-10-27T14:05:06+08:00'],
    ['20231027', '140506', '2023-10-27T14:05:06+08:00'],
    ['20231027', 90506, '2023-10-27T09:05:06+08:00'],
    [45226, 0.5, '2023-10-27T12:00:00+08:00'],
    ['2023-10-27', '14时05分', '2023-10-27T14:05:00+08:00'],
    ['2023-10-27', '2023-10-27 14:05:06', '2023-10-27T14:05:06+08:00'],
  ])('date %s + time %s → %s', (d, t, expected) => {
    expect(iso(d, t)).toBe(expected);
  });

  it.each(['2023-02-29', '2023-13-01', '27/10/2023', '10/27/2023 14:00', '2023-10-27 25:00', 'yesterday'])(
    'refuses %s',
    (input) => {
      expect(iso(input)).toBe('invalid');
    },
  );
});

function tokenize(chunks: string[]): [string[], number][] {
  const rows: [string[], number][] = [];
  const t = new CsvTokenizer();
  for (const c of chunks) t.push(c, (cells, line) => rows.push([cells, line]));
  t.end((cells, line) => rows.push([cells, line]));
  return rows;
}

describe('CsvTokenizer', () => {
  const text = '\ufeffa,"b ""q"", c",d\r\n1,"multi\nline",3\n\n"x",,\r"last",row';

  it('reads quotes, doubled quotes, quoted newlines, CRLF/LF/CR and a BOM, with line numbers', () => {
    expect(tokenize([text])).toEqual([
      [['a', 'b "q", c', 'd'], 1],
      [['1', 'multi\nline', '3'], 2],
      [[''], 4],
      [['x', '', ''], 5],
      [['last', 'row'], 6],
    ]);
  });

  it('gives the same rows however the text is cut into chunks', () => {
    const whole = tokenize([text]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(text.slice(at, p));
          at = p;
        }
        chunks.push(text.slice(at));
        expect(tokenize(chunks)).toEqual(whole);
      }),
    );
  });

  it('detects tab-separated text', () => {
    expect(tokenize(['a\tb,c\t1\n'])).toEqual([[['a', 'b,c', '1'], 1]]);
  });

  it('refuses an unterminated quote at the end and a row that never ends', () => {
    expect(() => tokenize(['a,"open\n1,2\n'])).toThrow(CsvSyntaxError);
    const t = new CsvTokenizer({ maxRowChars: 1000 });
    expect(() => t.push('x'.repeat(2000), () => {})).toThrow(CsvSyntaxError);
  });
});

describe('encodings', () => {
  it('tells UTF-8 from GBK and honours a BOM', () => {
    const text = '交易时间,交易金额\n';
    expect(detectEncoding(new Uint8Array(Buffer.from(text, 'utf8'))).encoding).toBe('utf-8');
    expect(detectEncoding(new Uint8Array(gbk(text))).encoding).toBe('gb18030');
    expect(detectEncoding(new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf8')))).toEqual({
      encoding: 'utf-8',
      bomBytes: 3,
    });
    expect(
      new ChunkDecoder(detectEncoding(new Uint8Array(gbk(text)))).decode(new Uint8Array(gbk(text))),
    ).toBe(text);
  });

  it('decodes a multi-byte character cut between chunks', () => {
    const bytes = new Uint8Array(Buffer.from('收/付', 'utf8'));
    const d = new ChunkDecoder({ encoding: 'utf-8', bomBytes: 0 });
    expect(d.decode(bytes.subarray(0, 2)) + d.decode(bytes.subarray(2), true)).toBe('收/付');
  });

  it('names the offset where a UTF-8 file turns into GBK', () => {
    const head = Buffer.from('交易时间,金额\n', 'utf8');
    const bytes = new Uint8Array(Buffer.concat([head, gbk('张三\n')]));
    const d = new ChunkDecoder(detectEncoding(bytes.subarray(0, head.length)));
    try {
      d.decode(bytes);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EncodingError);
      expect((error as EncodingError).byteOffset).toBe(head.length);
    }
  });

  it('refuses binary bytes', () => {
    expect(() => detectEncoding(new Uint8Array([0x50, 0x00, 0x01, 0x02]))).toThrow(UnsupportedFormatError);
  });
});

describe('BalanceReconciler', () => {
  const at = (line: number) => ({ sheet: 'S', line });

  it('finds the first row whose balance does not follow, oldest first', () => {
    const r = new BalanceReconciler();
    r.push('A', 1000, 1000, 1, at(2));
    r.push('A', -300, 700, 2, at(3));
    r.push('A', -200, 600, 3, at(4)); // should be 500
    r.push('A', 100, 700, 4, at(5));
    const a = r.result().accounts[0]!;
    expect(a.status).toBe('broken');
    expect(a.order).toBe('oldest-first');
    expect(a.firstBreak).toEqual({ sheet: 'S', line: 4, previousLine: 3, expected: 500, found: 600 });
  });

  it('reads a newest-first statement by its times and gives its opening balance', () => {
    const r = new BalanceReconciler();
    r.push('A', 100, 700, 4, at(2));
    r.push('A', -200, 600, 3, at(3));
    r.push('A', -300, 800, 2, at(4));
    r.push('A', 1000, 1100, 1, at(5));
    const a = r.result().accounts[0]!;
    expect(a).toMatchObject({ status: 'reconciled', order: 'newest-first', opening: 100, closing: 700 });
  });
});

describe('mappings', () => {
  it('remembers a mapping under the header fingerprint and recalls it for the same layout', () => {
    const header = ['业务发生日', '款项', '往来账号'];
    const fp = headerFingerprint(header);
    expect(headerFingerprint([' 业务发生日 ', '款项', '往来账号', ''])).toBe(fp);
    const memory = rememberMapping(emptyMemory(), {
      fingerprint: fp,
      columns: { time: '业务发生日', amount: '款项', counterpartyAccount: '往来账号' },
    });
    const copy = JSON.parse(JSON.stringify(memory));
    expect(recallMapping(copy, fp)?.columns.amount).toBe('款项');
    const p = new StatementParser({ memory: copy, account: 'A1' });
    p.beginSheet('S');
    p.row(header, 1);
    p.row(['2023-10-27', '-12.00', '6222'], 2);
    const r = p.finish({ format: 'rows' });
    expect(r.sheets[0]?.preset).toBe('remembered');
    expect(r.preview[0]).toMatchObject({ direction: 'debit', amount: 1200, counterpartyAccount: '6222' });
  });

  it('refuses a mapping without time or amount, or with an unknown field', () => {
    expect(() => new StatementParser({ mapping: { columns: { time: 'A' } } })).toThrow(MappingError);
    expect(
      () => new StatementParser({ mapping: { columns: { time: 'A', amount: 'B', colour: 'C' } as never } }),
    ).toThrow(MappingError);
    expect(() => new StatementParser({ preset: 'no-such-bank' })).toThrow(MappingError);
  });
});

describe('realignUtf8', () => {
  it('re-cuts byte chunks on character boundaries, whatever the cuts', async () => {
    const bytes = Buffer.from('借贷A收付😀对方户名', 'utf8');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 10 }),
        async (cuts) => {
          const points = [0, ...new Set(cuts), bytes.length].sort((a, b) => a - b);
          const chunks = points.slice(1).map((p, i) => bytes.subarray(points[i], p));
          const out: string[] = [];
          for await (const c of realignUtf8(chunks)) out.push(c.toString());
          expect(out.join('')).toBe(bytes.toString('utf8'));
          expect(out.every((s) => !s.includes('\ufffd'))).toBe(true);
        },
      ),
    );
  });
});
