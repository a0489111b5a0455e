/** The fund report model: figures equal the engines', shares exact, Art. 8 cases, determinism. */
import { describe, expect, it } from 'vitest';
import {
  buildFundReport,
  type FundReport,
  type FundReportInput,
  FundReportError,
  fundReportJson,
  ledgerFingerprint,
} from '../../../src/engines/fund-report/index.js';
import {
  canonicalJson,
  compileLedger,
  explainAccount,
  explainAccounts,
  fastTrace,
  TRACE_RULES,
  type TraceRule,
} from '../../../src/engines/tracing/index.js';
import { ledgerOf, loadVectors } from '../tracing/_trace-specs.js';

const vectors = loadVectors();
const NOW = '2026-11-27T09:00:00+08:00';
const SHA = 'a'.repeat(64);

function input(ledger: unknown, rule: TraceRule, extra: Partial<FundReportInput> = {}): FundReportInput {
  return {
    ledger,
    rule,
    frozen: {},
    caseNos: ['A4201002026110001'],
    sources: [{ kind: 'ledger-file', ref: 'case.json', sha256: SHA }],
    generatedAt: NOW,
    proportionalBase: 'loss',
    ...extra,
  };
}

/** Freeze what every non-sink account holds, less 1 fen on every other one (a partial freeze). */
function frozenOf(ledger: unknown): Record<string, number> {
  const doc = fastTrace(compileLedger(ledger), 'fifo');
  const sinks = new Set(
    (ledger as { accounts: { id: string; sink?: string }[] }).accounts.filter((a) => a.sink).map((a) => a.id),
  );
  const out: Record<string, number> = {};
  Object.keys(doc.accounts)
    .filter((a) => !sinks.has(a) && doc.accounts[a]!.balance > 0)
    .forEach((a, i) => {
      out[a] = doc.accounts[a]!.balance - (i % 2);
    });
  return out;
}

function checkAgainstEngine(report: FundReport, ledger: unknown): void {
  const compiled = compileLedger(ledger);
  for (const rule of TRACE_RULES) {
    const doc = fastTrace(compiled, rule);
    const pick = (f: { amount: number; byRule: Record<TraceRule, number> }) =>
      rule === report.rule ? f.amount : f.byRule[rule];
    for (const [id, v] of Object.entries(doc.victims)) {
      const rv = report.victims.find((x) => x.id === id)!;
      expect(rv.sent).toBe(v.sent);
      const located = Object.fromEntries(
        rv.located.map((r) => [r.account, pick(r)]).filter(([, x]) => x !== 0),
      );
      const sinks = Object.fromEntries(rv.sinks.map((r) => [r.account, pick(r)]).filter(([, x]) => x !== 0));
      expect(located).toEqual(v.located);
      expect(sinks).toEqual(v.sinks);
      for (const r of rv.located) expect(r.byRule[rule]).toBe(v.located[r.account] ?? 0);
    }
    for (const [id, a] of Object.entries(doc.accounts)) {
      const ra = report.accounts.find((x) => x.id === id)!;
      expect(ra.balance).toBe(a.balance);
      const byOrigin = Object.fromEntries(
        ra.origins.map((o) => [o.origin, pick(o)]).filter(([, x]) => x !== 0),
      );
      expect(byOrigin).toEqual(a.byOrigin);
    }
    expect(report.summary.gaps.amount).toBe(doc.gaps.reduce((s, g) => s + g.amount, 0));
  }
}

describe('fund report figures', () => {
  for (const v of vectors)
    for (const rule of TRACE_RULES)
      it(`${v.name} under ${rule}: equal fastTrace under every rule, shares exact, notes consistent`, () => {
        const frozen = frozenOf(v.ledger);
        const report = buildFundReport(input(v.ledger, rule, { frozen }));
        expect(report.format).toBe('levee.fund-report/1');
        expect(report.rule).toBe(rule);
        checkAgainstEngine(report, v.ledger);
        // Shares add up exactly: per frozen account, returns + what stays frozen = frozen.
        for (const a of report.returnProposal.accounts) {
          expect(a.returns.reduce((s, r) => s + r.amount, 0) + a.remaining).toBe(a.frozen);
          expect(a.frozen).toBe(frozen[a.account]);
          for (const r of a.returns) expect(Number.isSafeInteger(r.amount) && r.amount > 0).toBe(true);
        }
        const totals = report.returnProposal.totals;
        for (const victim of report.victims)
          expect(victim.totals.proposedReturn.amount).toBe(totals[victim.id] ?? 0);
        expect(report.summary.proposedReturn.amount).toBe(
          report.returnProposal.direct + report.returnProposal.proportional,
        );
        expect(report.summary.proposedReturn.amount + report.summary.remainingFrozen).toBe(
          report.summary.frozen,
        );
        // No victim gets back more than the loss; nobody is proposed money that is not frozen.
        for (const victim of report.victims)
          expect(victim.totals.proposedReturn.amount).toBeLessThanOrEqual(victim.loss);
        // Every footnoted figure under the rule is the footnote's amount, and listed paths + omitted = amount.
        const notes = new Map(report.footnotes.map((n) => [n.id, n]));
        expect(report.footnotes.map((n) => n.id)).toEqual(report.footnotes.map((_, i) => i + 1));
        for (const victim of report.victims)
          for (const row of [...victim.located, ...victim.sinks]) {
            if (row.amount === 0) expect(row.notes).toEqual([]);
            else {
              const note = notes.get(row.notes[0]!)!;
              expect([note.account, note.origin, note.amount]).toEqual([row.account, victim.id, row.amount]);
            }
          }
        for (const n of report.footnotes) {
          expect(n.paths.reduce((s, p) => s + p.amount, 0) + n.omitted.amount).toBe(n.amount);
          expect(n.paths.length + n.omitted.paths).toBe(n.pathCount);
          for (const p of n.paths) {
            const last = p.hops.at(-1);
            expect(last ? report.transfers[last.transfer]!.to : n.account).toBe(n.account);
            for (const h of p.hops)
              expect(h.carried).toBeLessThanOrEqual(report.transfers[h.transfer]!.amount);
          }
        }
      });

  it('summary figures are the sums of the victims’ rows under every rule', () => {
    const mule = vectors.find((v) => v.name === 'mule-chain-3-levels')!;
    const report = buildFundReport(input(mule.ledger, 'libr', { frozen: frozenOf(mule.ledger) }));
    for (const rule of TRACE_RULES) {
      const doc = fastTrace(compileLedger(mule.ledger), rule);
      const located = Object.values(doc.victims).reduce(
        (s, v) => s + Object.values(v.located).reduce((a, b) => a + b, 0),
        0,
      );
      const sinks = Object.values(doc.victims).reduce(
        (s, v) => s + Object.values(v.sinks).reduce((a, b) => a + b, 0),
        0,
      );
      expect(report.summary.located.byRule[rule]).toBe(located);
      expect(report.summary.lostToSinks.byRule[rule]).toBe(sinks);
      expect(located + sinks).toBe(report.summary.sent);
    }
  });
});

describe('Art. 8 in the proposal (test/fixtures/vectors/restitution.md)', () => {
  const at = (m: number) => `2026-03-01T10:${String(m).padStart(2, '0')}:00+08:00`;
  const r3 = ledgerOf(
    [
      ['V1', 'victim'],
      ['V2', 'victim'],
      ['V3', 'victim'],
    ],
    [{ id: 'ACC' }, { id: 'CASH', sink: 'cash' }],
    [
      ['t1', 'V1', 'ACC', 50000, at(1)],
      ['t2', 'V2', 'ACC', 30000, at(2)],
      ['t3', 'V3', 'ACC', 20000, at(3)],
      ['t4', 'ACC', 'CASH', 60000, at(4)],
    ],
  );
  const r3Victims = [
    { id: 'V1', name: '张三', loss: 50000 },
    { id: 'V2', name: '李四', loss: 30000 },
    { id: 'V3', name: '王五', loss: 20000 },
  ];

  for (const rule of TRACE_RULES)
    it(`R3 under ${rule}: 40,000 not traceable by time → 20,000 / 12,000 / 8,000 with a 30-day notice`, () => {
      const report = buildFundReport(
        input(r3, rule, { frozen: { ACC: 40000 }, untraceable: ['ACC'], victims: r3Victims }),
      );
      const acc = report.returnProposal.accounts[0]!;
      expect(acc.returns.map((r) => [r.victim, r.amount, r.basis])).toEqual([
        ['V1', 20000, 'art8-3'],
        ['V2', 12000, 'art8-3'],
        ['V3', 8000, 'art8-3'],
      ]);
      expect([acc.proportional, acc.publicNoticeDays, acc.remaining]).toEqual([true, 30, 0]);
      expect(acc.weights).toEqual({ V1: 50000, V2: 30000, V3: 20000 });
      expect(report.returnProposal.publicNoticeRequired).toBe(true);
      const notice = acc.publicNotice!;
      expect(notice).toContain('第八条第（三）项');
      expect(notice).toContain('30日');
      expect(notice).toContain('受害人张*：人民币200.00元（损失500.00元）');
      expect(notice).toContain('受害人李*：人民币120.00元');
      expect(notice).toContain('人民币400.00元');
      expect(notice).not.toContain('张三');
      expect(acc.returns.every((r) => r.notes.length > 0)).toBe(true);
    });

  it('R3 with V4 identified later: a new report on what stays frozen gives V4 the rest', () => {
    const report = buildFundReport(
      input(r3, 'fifo', { frozen: { ACC: 40000 }, untraceable: ['ACC'], victims: r3Victims }),
    );
    expect(report.returnProposal.accounts[0]!.remaining).toBe(0);
    expect(report.summary.remainingFrozen).toBe(0);
  });

  it('R4: the only deposit came from V1 → the frozen balance goes straight back, no notice', () => {
    const ledger = ledgerOf(
      [['V1', 'victim']],
      [{ id: 'A' }, { id: 'CASH', sink: 'cash' }],
      [
        ['t1', 'V1', 'A', 50000, at(1)],
        ['t2', 'A', 'CASH', 20000, at(2)],
      ],
    );
    for (const rule of TRACE_RULES) {
      const report = buildFundReport(input(ledger, rule, { frozen: { A: 30000 } }));
      const acc = report.returnProposal.accounts[0]!;
      expect(acc.returns.map((r) => [r.victim, r.amount, r.basis])).toEqual([['V1', 30000, 'art8-1']]);
      expect(acc.publicNotice).toBeUndefined();
      expect([acc.proportional, acc.publicNoticeDays]).toEqual([false, 0]);
      expect(report.returnProposal.publicNoticeRequired).toBe(false);
      expect(report.victims[0]!.totals.frozen.amount).toBe(30000);
      expect(acc.returns[0]!.notes).toEqual(report.victims[0]!.frozen[0]!.notes);
      expect(fundReportJson(report)).not.toContain('公告');
    }
  });

  it('R4: deposits of several victims told apart by the rule go back to each (art8-2)', () => {
    const mule = vectors.find((v) => v.name === 'mule-chain-3-levels')!;
    const doc = fastTrace(compileLedger(mule.ledger), 'fifo');
    const frozen = Object.fromEntries(['A', 'B1', 'C2'].map((a) => [a, doc.accounts[a]!.balance]));
    const report = buildFundReport(
      input(mule.ledger, 'fifo', {
        frozen,
        victims: [
          { id: 'V1', name: '甲', loss: 5000000 },
          { id: 'V2', name: '乙', loss: 3000000 },
          { id: 'V3', name: '丙', loss: 2000000 },
        ],
      }),
    );
    expect(report.returnProposal.totals).toEqual({ V1: 1500000, V2: 1300000, V3: 500000 });
    const c2 = report.returnProposal.accounts.find((a) => a.account === 'C2')!;
    expect(c2.returns.map((r) => [r.victim, r.amount, r.basis])).toEqual([['V2', 1300000, 'art8-1']]);
    expect(c2.remaining).toBe(1000000);
    expect(report.returnProposal.publicNoticeRequired).toBe(false);
    expect(report.returnProposal.accounts.every((a) => a.publicNotice === undefined)).toBe(true);
  });

  it('money of unknown origin (a gap) is shared in proportion, with the notice', () => {
    const ledger = ledgerOf(
      [
        ['V1', 'victim'],
        ['V2', 'victim'],
      ],
      [{ id: 'M' }, { id: 'N' }],
      [
        ['t1', 'V1', 'M', 3000, at(1)],
        ['t2', 'V2', 'M', 1000, at(2)],
        ['t3', 'M', 'N', 6000, at(3)], // 2,000 more than M is known to hold: a gap
      ],
    );
    const report = buildFundReport(input(ledger, 'fifo', { frozen: { N: 6000 } }));
    expect(report.summary.gaps).toEqual({ count: 1, amount: 2000 });
    const acc = report.returnProposal.accounts[0]!;
    expect(acc.attributed).toEqual({ V1: 3000, V2: 1000, 'unknown:M': 2000 });
    // direct returns fill V1 and V2 to their loss; nothing is left to share, so no notice
    expect(acc.returns.map((r) => r.basis)).toEqual(['art8-2', 'art8-2']);
    expect(acc.publicNotice).toBeUndefined();
    expect(acc.remaining).toBe(2000);
    // with declared losses above what the ledger shows, the unknown money is shared with a notice
    const more = buildFundReport(
      input(ledger, 'fifo', {
        frozen: { N: 6000 },
        victims: [
          { id: 'V1', name: '甲某', loss: 6000 },
          { id: 'V2', name: '乙某', loss: 2000 },
        ],
      }),
    );
    const a2 = more.returnProposal.accounts[0]!;
    expect(a2.returns.map((r) => [r.victim, r.amount, r.basis])).toEqual([
      ['V1', 3000, 'art8-2'],
      ['V2', 1000, 'art8-2'],
      ['V1', 1500, 'art8-3'],
      ['V2', 500, 'art8-3'],
    ]);
    expect(a2.publicNotice).toContain('人民币20.00元无法按存入时间区分来源');
    expect(more.victims.map((v) => v.notInLedger)).toEqual([3000, 1000]);
    expect(more.summary.notInLedger).toBe(4000);
  });

  it('frozen beyond the balance the ledger explains stays frozen and is shown', () => {
    const ledger = ledgerOf([['V1', 'victim']], [{ id: 'A' }], [['t1', 'V1', 'A', 1000, at(1)]]);
    const report = buildFundReport(input(ledger, 'lifo', { frozen: { A: 1500 } }));
    const acc = report.returnProposal.accounts[0]!;
    expect([acc.frozen, acc.traced, acc.remaining]).toEqual([1500, 1000, 500]);
    expect(report.accounts[0]!.frozenBeyondTrace).toBe(500);
    expect(report.summary.frozenBeyondTrace).toBe(500);
  });
});

describe('reproducibility and bounds', () => {
  const mule = vectors.find((v) => v.name === 'mule-chain-3-levels')!;

  it('the same input gives byte-identical JSON; key order in the ledger does not matter', () => {
    const a = fundReportJson(
      buildFundReport(input(mule.ledger, 'prorata', { frozen: frozenOf(mule.ledger) })),
    );
    const b = fundReportJson(
      buildFundReport(input(mule.ledger, 'prorata', { frozen: frozenOf(mule.ledger) })),
    );
    expect(b).toBe(a);
    const reversedKeys = JSON.parse(JSON.stringify(mule.ledger), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    const c = fundReportJson(
      buildFundReport(input(reversedKeys, 'prorata', { frozen: frozenOf(mule.ledger) })),
    );
    expect(c).toBe(a);
    const report = JSON.parse(a) as FundReport;
    expect(report.reproducibility.ledgerSha256).toBe(ledgerFingerprint(mule.ledger));
    expect(report.reproducibility.ledgerSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.reproducibility.inputs.frozen).toEqual(frozenOf(mule.ledger));
    // a different rule is a different report, and says so
    const lifo = buildFundReport(input(mule.ledger, 'lifo', { frozen: frozenOf(mule.ledger) }));
    expect(lifo.reproducibility.rule).toBe('lifo');
    expect(fundReportJson(lifo)).not.toBe(a);
  });

  it('the report recomputed from its own recorded inputs is the same report', () => {
    const first = buildFundReport(
      input(mule.ledger, 'libr', {
        frozen: frozenOf(mule.ledger),
        victims: [{ id: 'V2', name: '乙', loss: 4000000 }],
        untraceable: ['C3'],
      }),
    );
    const again = buildFundReport({ ledger: mule.ledger, ...first.reproducibility.inputs });
    expect(fundReportJson(again)).toBe(fundReportJson(first));
  });

  it('caps the paths listed per footnote and counts the rest', () => {
    const ledger = ledgerOf(
      [['V1', 'victim']],
      [{ id: 'A' }, { id: 'B' }, { id: 'C' }, { id: 'D' }],
      [
        ['t1', 'V1', 'A', 900, '2026-03-01T10:00:00+08:00'],
        ['t2', 'A', 'B', 300, '2026-03-01T10:01:00+08:00'],
        ['t3', 'A', 'C', 200, '2026-03-01T10:02:00+08:00'],
        ['t4', 'B', 'D', 300, '2026-03-01T10:03:00+08:00'],
        ['t5', 'C', 'D', 200, '2026-03-01T10:04:00+08:00'],
        ['t6', 'A', 'D', 100, '2026-03-01T10:05:00+08:00'],
      ],
    );
    const full = buildFundReport(input(ledger, 'fifo'));
    const capped = buildFundReport(input(ledger, 'fifo', { pathsPerFootnote: 1 }));
    const fullD = full.footnotes.find((n) => n.account === 'D')!;
    const cappedD = capped.footnotes.find((n) => n.account === 'D')!;
    expect(fullD.pathCount).toBe(3);
    expect(fullD.omitted).toEqual({ paths: 0, amount: 0 });
    expect(cappedD.paths).toEqual([fullD.paths[0]]);
    expect(cappedD.omitted).toEqual({ paths: 2, amount: 300 });
    expect(cappedD.paths[0]!.hops.map((h) => h.transfer)).toEqual(['t1', 't2', 't4']);
  });

  it('one reference run explains every account exactly as explainAccount does', () => {
    const ledger = compileLedger(mule.ledger);
    for (const rule of TRACE_RULES) {
      const all = explainAccounts(ledger, rule);
      expect([...all.keys()]).toEqual(ledger.accountIds.toArray());
      for (const account of ledger.accountIds)
        expect(canonicalJson(all.get(account))).toBe(canonicalJson(explainAccount(ledger, rule, account)));
    }
  });

  it('refuses bad input with typed errors', () => {
    const kind = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof FundReportError ? error.kind : (error as Error).name;
      }
      return 'no error';
    };
    expect(kind(() => buildFundReport(input(mule.ledger, 'fifo', { frozen: { NOPE: 1 } })))).toBe(
      'unknown-account',
    );
    expect(kind(() => buildFundReport(input(mule.ledger, 'fifo', { frozen: { A: -1 } })))).toBe('bad-input');
    expect(kind(() => buildFundReport(input(mule.ledger, 'fifo', { frozen: { A: 1.5 } })))).toBe('bad-input');
    expect(
      kind(() => buildFundReport(input(mule.ledger, 'fifo', { victims: [{ id: 'X', name: 'x', loss: 1 }] }))),
    ).toBe('unknown-victim');
    expect(kind(() => buildFundReport(input(mule.ledger, 'median' as TraceRule)))).toBe('bad-input');
    expect(kind(() => buildFundReport(input({ format: 'levee.ledger/0' }, 'fifo')))).toBe('LedgerError');
    expect(
      kind(() =>
        buildFundReport(input(mule.ledger, 'fifo', { sources: [{ kind: 'x', ref: 'y', sha256: 'abc' }] })),
      ),
    ).toBe('bad-input');
  });
});

describe('on the simulator’s ground truth', () => {
  it('case-25 (one victim, 25 level-4 accounts): the report’s figures are the engine’s under every rule', async () => {
    const { Simulator } = await import('../../../src/sim/simulator.js');
    const { PRESET_SCENARIOS } = await import('../../../src/sim/scenario.js');
    const { exportLedger } = await import('../../../src/sim/export-ledger.js');
    const start = Date.parse('2023-10-27T14:00:00+08:00');
    const sim = new Simulator({ scenario: PRESET_SCENARIOS['case-25']!, start, banks: 10, payments: 10 });
    sim.advanceTo(start + 2 * 3600_000);
    const ledger = exportLedger(sim.world);
    const frozen = frozenOf(ledger);
    expect(Object.keys(frozen).length).toBeGreaterThan(3);
    for (const rule of ['libr', 'prorata'] as const) {
      const report = buildFundReport(input(ledger, rule, { frozen }));
      checkAgainstEngine(report, ledger);
      for (const a of report.returnProposal.accounts)
        expect(a.returns.reduce((s, r) => s + r.amount, 0) + a.remaining).toBe(a.frozen);
      expect(report.summary.located.amount + report.summary.lostToSinks.amount).toBe(report.summary.sent);
    }
  });
});
