import { describe, expect, it } from 'vitest';
import {
  CsvTableReader,
  fastTrace,
  LedgerBuilder,
  LedgerError,
  splitCsvLine,
  TRACE_RULES,
  compileLedger,
} from '../../../src/engines/tracing/index.js';
import { loadVectors } from './_trace-specs.js';

const mule = loadVectors().find((v) => v.name === 'mule-chain-3-levels')!.ledger as {
  parties: { id: string; role: string }[];
  accounts: { id: string; sink?: string; opening?: number }[];
  transfers: { id: string; from: string; to: string; amount: number; time: string }[];
};

function fromCsv(transfers: string, chunk: number) {
  const b = new LedgerBuilder();
  const p = new CsvTableReader('parties', b);
  p.push(`role,id\n${mule.parties.map((x) => `${x.role},${x.id}`).join('\n')}`);
  p.end();
  const a = new CsvTableReader('accounts', b);
  a.push(
    `id,sink,opening\n${mule.accounts.map((x) => `${x.id},${x.sink ?? ''},${x.opening ?? ''}`).join('\n')}\n`,
  );
  a.end();
  const t = new CsvTableReader('transfers', b);
  for (let i = 0; i < transfers.length; i += chunk) t.push(transfers.slice(i, i + chunk));
  t.end();
  return b.finish();
}

describe('CSV ledgers', () => {
  const header = 'time,amount,to,from,id,note\r\n';
  const plain =
    header + mule.transfers.map((t) => `${t.time},${t.amount},${t.to},${t.from},${t.id},x`).join('\r\n');
  const quoted =
    header +
    mule.transfers.map((t) => `${t.time},${t.amount},${t.to},"${t.from}",${t.id},"a,b"`).join('\r\n');

  it('gives the JSON result whatever the column order, quoting and chunking', () => {
    const json = compileLedger(mule);
    for (const text of [plain, quoted])
      for (const chunk of [7, 64, 1 << 20]) {
        const csv = fromCsv(text, chunk);
        for (const rule of TRACE_RULES) expect(fastTrace(csv, rule)).toEqual(fastTrace(json, rule));
      }
  });

  it('names the file and line of a bad row', () => {
    const bad = `${header}2023-10-27T14:00:00+08:00,100,A,V1,t1,\n2023-10-27T14:00:00+08:00,1e3,A,V1,t2,\n`;
    expect(() => fromCsv(bad, 1 << 20)).toThrow(/transfer "t2": amount .*"1e3"/);
    const noId = `${header}2023-10-27T14:00:00+08:00,100,A,V1,,\n`;
    expect(() => fromCsv(noId, 1 << 20)).toThrow(/transfers\.csv line 2/);
    expect(() => fromCsv('id,from,to\n', 10)).toThrow(LedgerError);
  });

  it('splits quoted fields', () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
  });
});
