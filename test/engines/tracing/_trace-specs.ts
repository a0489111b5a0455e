/**
 * Conformance suite as a factory: every implementation of the trace runs the same specs — the
 * published vectors (whole `accounts`, `victims` and `gaps` for each rule) and hand-made cases for
 * gaps, openings, ties and ordering.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compileLedger,
  TRACE_RULES,
  type TraceImpl,
  type TraceRule,
} from '../../../src/engines/tracing/index.js';

const dir = fileURLToPath(new URL('../../fixtures/vectors/tracing/', import.meta.url));

export function loadVectors(): { name: string; ledger: unknown; expected: Record<TraceRule, unknown> }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ledger.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.ledger.json'.length);
      return {
        name,
        ledger: JSON.parse(readFileSync(dir + f, 'utf8')),
        expected: JSON.parse(readFileSync(`${dir}${name}.expected.json`, 'utf8')),
      };
    });
}

const T = (m: number) => `2023-01-01T00:${String(m).padStart(2, '0')}:00+08:00`;

export function ledgerOf(
  parties: [string, string][],
  accounts: { id: string; opening?: number; sink?: string }[],
  transfers: [string, string, string, number, string][],
): unknown {
  return {
    format: 'levee.ledger/1',
    parties: parties.map(([id, role]) => ({ id, role })),
    accounts,
    transfers: transfers.map(([id, from, to, amount, time]) => ({ id, from, to, amount, time })),
  };
}

export function traceSpecs(name: string, impl: TraceImpl): void {
  describe(`${name}: published vectors`, () => {
    const vectors = loadVectors();
    it('finds the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(6));
    for (const v of vectors)
      for (const rule of TRACE_RULES)
        it(`${v.name} under ${rule}`, () => {
          const doc = impl(compileLedger(v.ledger), rule);
          const exp = v.expected[rule] as Record<string, unknown>;
          expect(doc.format).toBe('levee.trace/1');
          expect(doc.rule).toBe(rule);
          expect(doc.accounts).toEqual(exp['accounts']);
          expect(doc.victims).toEqual(exp['victims']);
          expect(doc.gaps).toEqual(exp['gaps']);
        });
  });

  describe(`${name}: gaps, openings, ties`, () => {
    it('a debit beyond the balance enters as an unknown lot, newest, and is reported', () => {
      const ledger = ledgerOf(
        [['V', 'victim']],
        [{ id: 'A' }, { id: 'S', sink: 'cash' }],
        [
          ['t1', 'V', 'A', 100, T(1)],
          ['t2', 'A', 'S', 250, T(2)],
        ],
      );
      for (const rule of TRACE_RULES) {
        const doc = impl(compileLedger(ledger), rule);
        expect(doc.gaps).toEqual([{ account: 'A', transfer: 't2', amount: 150 }]);
        expect(doc.accounts['S']).toEqual({ balance: 250, byOrigin: { V: 100, 'unknown:A': 150 } });
        expect(doc.accounts['A']).toEqual({ balance: 0, byOrigin: {} });
      }
    });

    it('the unknown lot is the newest: lifo sends it on first at the next hop', () => {
      const ledger = ledgerOf(
        [['V', 'victim']],
        [{ id: 'A' }, { id: 'B' }, { id: 'S', sink: 'cash' }],
        [
          ['t1', 'V', 'A', 100, T(1)],
          ['t2', 'A', 'B', 150, T(2)],
          ['t3', 'B', 'S', 50, T(3)],
        ],
      );
      expect(impl(compileLedger(ledger), 'lifo').accounts['S']!.byOrigin).toEqual({ 'unknown:A': 50 });
      expect(impl(compileLedger(ledger), 'fifo').accounts['S']!.byOrigin).toEqual({ V: 50 });
      // libr: unknown money goes first, like the offender's own
      expect(impl(compileLedger(ledger), 'libr').accounts['S']!.byOrigin).toEqual({ 'unknown:A': 50 });
    });

    it('prorata ties give the spare fen to the smaller origin id', () => {
      const ledger = ledgerOf(
        [
          ['B', 'victim'],
          ['A', 'victim'],
        ],
        [{ id: 'X' }, { id: 'S', sink: 'cash' }],
        [
          ['t1', 'B', 'X', 1, T(1)],
          ['t2', 'A', 'X', 1, T(2)],
          ['t3', 'X', 'S', 1, T(3)],
        ],
      );
      expect(impl(compileLedger(ledger), 'prorata').accounts['S']!.byOrigin).toEqual({ A: 1 });
      expect(impl(compileLedger(ledger), 'libr').accounts['S']!.byOrigin).toEqual({ A: 1 });
    });

    it('many spare fen on equal remainders go to the smallest ids', () => {
      const ids = Array.from({ length: 20 }, (_, i) => `V${String(19 - i).padStart(2, '0')}`);
      const ledger = ledgerOf(
        ids.map((id) => [id, 'victim']),
        [{ id: 'X' }, { id: 'S', sink: 'cash' }],
        [
          ...ids.map((id, i): [string, string, string, number, string] => [`d${i}`, id, 'X', 1, T(1)]),
          ['w', 'X', 'S', 10, T(2)],
        ],
      );
      const expected = Object.fromEntries(ids.slice(10).map((id) => [id, 1]));
      for (const rule of ['prorata', 'libr'] as const)
        expect(impl(compileLedger(ledger), rule).accounts['S']!.byOrigin).toEqual(expected);
    });

    it('an opening balance is the oldest own lot', () => {
      const ledger = ledgerOf(
        [['V', 'victim']],
        [
          { id: 'A', opening: 70 },
          { id: 'S', sink: 'cash' },
        ],
        [
          ['t1', 'V', 'A', 100, T(1)],
          ['t2', 'A', 'S', 50, T(2)],
        ],
      );
      const fifo = impl(compileLedger(ledger), 'fifo');
      expect(fifo.accounts['S']!.byOrigin).toEqual({ 'opening:A': 50 });
      expect(impl(compileLedger(ledger), 'lifo').accounts['S']!.byOrigin).toEqual({ V: 50 });
      expect(impl(compileLedger(ledger), 'prorata').accounts['S']!.byOrigin).toEqual({
        V: 29,
        'opening:A': 21,
      });
    });

    it('equal times keep file order; earlier times go first whatever the file order', () => {
      const ledger = ledgerOf(
        [
          ['V1', 'victim'],
          ['V2', 'victim'],
        ],
        [{ id: 'A' }, { id: 'S', sink: 'cash' }],
        [
          ['t3', 'A', 'S', 10, T(5)],
          ['t1', 'V2', 'A', 10, T(1)],
          ['t2', 'V1', 'A', 10, T(1)],
        ],
      );
      expect(impl(compileLedger(ledger), 'fifo').accounts['S']!.byOrigin).toEqual({ V2: 10 });
      expect(impl(compileLedger(ledger), 'lifo').accounts['S']!.byOrigin).toEqual({ V1: 10 });
    });

    it('a transfer from an account to itself keeps the money there', () => {
      const ledger = ledgerOf(
        [
          ['V1', 'victim'],
          ['V2', 'victim'],
        ],
        [{ id: 'A' }, { id: 'S', sink: 'cash' }],
        [
          ['t1', 'V1', 'A', 10, T(1)],
          ['t2', 'V2', 'A', 10, T(2)],
          ['t3', 'A', 'A', 10, T(3)],
          ['t4', 'A', 'S', 10, T(4)],
        ],
      );
      // fifo moves V1 to the newest place, so V2 is now the oldest
      expect(impl(compileLedger(ledger), 'fifo').accounts['S']!.byOrigin).toEqual({ V2: 10 });
      expect(impl(compileLedger(ledger), 'fifo').accounts['A']!.byOrigin).toEqual({ V1: 10 });
    });
  });
}
