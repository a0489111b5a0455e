import { describe, expect, it } from 'vitest';
import { trace } from '../../src/engines/tracing/index.js';
import { checkLedgerFile, exportLedger } from '../../src/sim/export-ledger.js';
import { HeldFundsError, Ledger } from '../../src/sim/ledger.js';
import { PRESET_SCENARIOS, parseScenario, ScenarioError } from '../../src/sim/scenario.js';
import { Simulator } from '../../src/sim/simulator.js';

const START = Date.parse('2023-10-27T14:00:00+08:00');
const HOUR = 3600_000;

function run(scenarioName: string, hours: number, banks = 10, payments = 10) {
  const sim = new Simulator({ scenario: PRESET_SCENARIOS[scenarioName]!, start: START, banks, payments });
  sim.advanceTo(START + hours * HOUR);
  return sim;
}

describe('simulated world', () => {
  it('gives the same ledger twice for the same seed, and another for another seed', () => {
    const a = exportLedger(run('default', 4).world);
    const b = exportLedger(run('default', 4).world);
    expect(a.transfers.length).toBeGreaterThan(20);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const other = new Simulator({
      scenario: { ...PRESET_SCENARIOS['default']!, seed: 99 },
      start: START,
      banks: 10,
      payments: 10,
    });
    other.advanceTo(START + 4 * HOUR);
    expect(JSON.stringify(exportLedger(other.world))).not.toBe(JSON.stringify(a));
  });

  it('case-25: one victim, four levels, 25 level-4 accounts, cashed out within hours', () => {
    const sim = run('case-25', 8);
    const gang = sim.world.gangs[0]!;
    expect(gang.levels.map((l) => l.length)).toEqual([1, 5, 10, 25]);
    const file = exportLedger(sim.world);
    checkLedgerFile(file);
    const level4 = file.accounts.filter((a) => a.level === 4);
    expect(level4).toHaveLength(25);
    // every level-4 account received money from level 3
    const l3 = new Set(file.accounts.filter((a) => a.level === 3).map((a) => a.id));
    for (const acc of level4)
      expect(file.transfers.some((t) => t.to === acc.id && l3.has(t.from))).toBe(true);
    const victimSent = file.transfers.filter((t) => t.from === 'V1').reduce((s, t) => s + t.amount, 0);
    expect(victimSent).toBe(52_000_000);
    const sinkIds = new Set(file.accounts.filter((a) => a.sink).map((a) => a.id));
    const cashedOut = file.transfers.filter((t) => sinkIds.has(t.to)).reduce((s, t) => s + t.amount, 0);
    expect(cashedOut).toBeGreaterThan(52_000_000 * 0.9);
    expect(new Set(file.accounts.filter((a) => a.sink).map((a) => a.sink)).size).toBeGreaterThan(1);
  });

  it('exports a ledger that keeps the format rules and conserves money', () => {
    const sim = run('interception', 3, 12, 12);
    const file = exportLedger(sim.world);
    const { balances } = checkLedgerFile(file);
    expect(file.parties.some((p) => p.role === 'victim')).toBe(true);
    expect(file.parties.some((p) => p.role === 'third-party')).toBe(true);
    expect(file.parties.some((p) => p.role === 'own')).toBe(true);
    // replayed balances equal the simulator's ledger for every traced account
    const ledger = sim.world.ledger;
    for (const gang of sim.world.gangs)
      for (const level of gang.levels)
        for (const a of level) {
          const id = `${sim.world.institutions[ledger.inst[a]!]!.code}-${ledger.number[a]}`;
          expect(balances.get(id)).toBe(ledger.balance[a]);
        }
    const inflow = file.transfers.filter((t) => !balances.has(t.from)).reduce((s, t) => s + t.amount, 0);
    const opening = file.accounts.reduce((s, a) => s + (a.opening ?? 0), 0);
    const held = [...balances.values()].reduce((s, b) => s + b, 0);
    expect(held).toBe(inflow + opening);
    // Levee's own tracing engine reads it without gaps, and finds every victim's money
    const doc = trace(file, 'fifo');
    expect(doc.gaps).toEqual([]);
    for (const v of sim.world.victims) {
      const sent = file.transfers.filter((t) => t.from === v.id).reduce((s, t) => s + t.amount, 0);
      if (sent > 0) expect(doc.victims[v.id]?.sent).toBe(sent);
    }
  });

  it('refuses a scenario with an unknown gang or too few levels', () => {
    const base = PRESET_SCENARIOS['default']!;
    expect(() => parseScenario({ ...base, victims: [{ id: 'V9', gang: 'NOPE', amount: 1000 }] })).toThrow(
      ScenarioError,
    );
    expect(() =>
      parseScenario({ ...base, gangs: [{ id: 'G1', levels: [{ accounts: 1 }, { accounts: 2 }] }] }),
    ).toThrow(ScenarioError);
    expect(parseScenario(base).seed).toBe(1);
  });
});

describe('ledger holds', () => {
  function twoAccounts() {
    const ledger = new Ledger();
    const a = ledger.addAccount({ inst: 0, number: '6222000000000001', holder: 0, openedAt: 0, branch: '' });
    const b = ledger.addAccount({ inst: 0, number: '6222000000000002', holder: 1, openedAt: 0, branch: '' });
    ledger.transfer(-1, a, 100_000, 1000, 'counter');
    return { ledger, a, b };
  }
  const hold = (
    account: number,
    target: number | null,
    kind: 'stop-payment' | 'freeze' = 'stop-payment',
  ) => ({
    requestId: `req-${kind}-${target}`,
    kind,
    account,
    target,
    startsAt: 2000,
    expiresAt: 2000 + 48 * HOUR,
    authority: 'x',
    authorityCode: 'X',
    documentNumber: 'd',
  });

  it('held money cannot leave; the rest can', () => {
    const { ledger, a, b } = twoAccounts();
    ledger.placeHold(hold(a, 60_000));
    expect(ledger.available(a, 3000)).toBe(40_000);
    expect(() => ledger.transfer(a, b, 40_001, 3000, 'mobile')).toThrow(HeldFundsError);
    expect(ledger.balance[a]).toBe(100_000);
    ledger.transfer(a, b, 40_000, 3000, 'mobile');
    expect(ledger.balance[a]).toBe(60_000);
    expect(() => ledger.transfer(a, b, 1, 3001, 'mobile')).toThrow(HeldFundsError);
  });

  it('a partial hold keeps absorbing later credits up to its target, and lapses at expiry', () => {
    const { ledger, a, b } = twoAccounts();
    const h = ledger.placeHold(hold(a, 150_000));
    expect(h.held).toBe(100_000);
    ledger.transfer(-1, a, 80_000, 5000, 'counter');
    expect(h.held).toBe(150_000);
    expect(ledger.available(a, 5000)).toBe(30_000);
    expect(ledger.available(a, 2000 + 48 * HOUR)).toBe(180_000);
    expect(h.status).toBe('lapsed');
    ledger.transfer(a, b, 180_000, 2000 + 48 * HOUR, 'mobile');
  });

  it('holds lapse each at its own expiry, a renewed one at its new expiry; the freed money goes to the holds in force', () => {
    const { ledger, a } = twoAccounts();
    const first = ledger.placeHold(hold(a, 60_000));
    const short = ledger.placeHold({
      ...hold(a, 100_000),
      requestId: 'req-short',
      expiresAt: 2000 + 24 * HOUR,
    });
    const late = ledger.placeHold({
      ...hold(a, 100_000),
      requestId: 'req-late',
      expiresAt: 2000 + 72 * HOUR,
    });
    expect([first.held, short.held, late.held]).toEqual([60_000, 40_000, 0]);
    first.expiresAt += 48 * HOUR; // renewed (the simulator's stop-payment renewal does this)
    expect(ledger.available(a, 2000 + 24 * HOUR - 1)).toBe(0);
    expect(ledger.activeHolds(a, 2000 + 24 * HOUR).map((h) => h.requestId)).toEqual([
      first.requestId,
      'req-late',
    ]);
    expect([short.status, late.held]).toEqual(['lapsed', 40_000]);
    expect(ledger.available(a, 2000 + 48 * HOUR)).toBe(0);
    expect(ledger.available(a, 2000 + 72 * HOUR)).toBe(40_000);
    expect(ledger.available(a, 2000 + 96 * HOUR)).toBe(100_000);
    expect(ledger.activeHolds(a, 2000 + 96 * HOUR)).toEqual([]);
    expect([first.status, late.status]).toEqual(['lapsed', 'lapsed']);
  });

  it('credits go to the oldest holds still below their target; a full hold takes no more', () => {
    const { ledger, a } = twoAccounts();
    const full = ledger.placeHold(hold(a, 30_000));
    const waiting = ledger.placeHold({ ...hold(a, 100_000), requestId: 'req-waiting' });
    const last = ledger.placeHold({ ...hold(a, null, 'freeze'), requestId: 'req-last' });
    expect([full.held, waiting.held, last.held]).toEqual([30_000, 70_000, 0]);
    ledger.transfer(-1, a, 50_000, 3000, 'counter');
    expect([full.held, waiting.held, last.held]).toEqual([30_000, 100_000, 20_000]);
    ledger.transfer(-1, a, 5_000, 3001, 'counter');
    expect([full.held, waiting.held, last.held]).toEqual([30_000, 100_000, 25_000]);
    expect(ledger.available(a, 3002)).toBe(0);
  });

  it('a waiting freeze takes the money a released stop-payment frees, and conversion never frees it', () => {
    const { ledger, a, b } = twoAccounts();
    const stop = ledger.placeHold(hold(a, 100_000));
    const freeze = ledger.placeHold(hold(a, null, 'freeze'));
    expect(freeze.held).toBe(0);
    ledger.endHold(stop, 4000, 'released');
    expect(freeze.held).toBe(100_000);
    expect(() => ledger.transfer(a, b, 1, 4000, 'mobile')).toThrow(HeldFundsError);
  });
});
