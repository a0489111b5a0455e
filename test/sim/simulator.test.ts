import { describe, expect, it } from 'vitest';
import type { Feedback, InstitutionRequest } from '../../src/institution-protocol/schemas.js';
import { validateFeedback } from '../../src/institution-protocol/validate.js';
import { PRESET_SCENARIOS } from '../../src/sim/scenario.js';
import { Simulator } from '../../src/sim/simulator.js';

const START = Date.parse('2023-10-27T14:00:00+08:00');
const MIN = 60_000;
const H = 60 * MIN;
type EnvelopeKeys = 'requestId' | 'caseNumber' | 'authority' | 'document' | 'issuedAt';
type Body = InstitutionRequest extends infer R ? (R extends unknown ? Omit<R, EnvelopeKeys> : never) : never;

function setup() {
  const sim = new Simulator({ scenario: PRESET_SCENARIOS['case-25']!, start: START, banks: 8, payments: 4 });
  const feedback: Feedback[] = [];
  sim.onFeedback((f) => feedback.push(validateFeedback(f)));
  let n = 0;
  const wuhan = { code: '420100', name: '武汉市公安局反诈中心' };
  const send = (institution: string, body: Body, authority = wuhan) => {
    const request = {
      requestId: `req-test-${++n}`,
      caseNumber: 'A4201',
      authority,
      document: { number: `DOC-${n}` },
      issuedAt: '2023-10-27T14:00:00+08:00',
      ...body,
    } as InstitutionRequest;
    const { record } = sim.accept(institution, request, request.requestId, sim.world.now);
    return sim.execute(record, sim.world.now)!;
  };
  const mule = (level: number, index: number) => {
    const a = sim.world.gangs[0]!.levels[level]![index]!;
    const l = sim.world.ledger;
    return {
      a,
      institution: sim.world.institutions[l.inst[a]!]!.code,
      account: { number: l.number[a]!, name: sim.world.persons[l.holder[a]!]!.name },
    };
  };
  const ordinary = (i: number) => {
    const a = sim.world.background[i]!;
    const l = sim.world.ledger;
    return {
      a,
      institution: sim.world.institutions[l.inst[a]!]!.code,
      account: { number: l.number[a]!, name: sim.world.persons[l.holder[a]!]!.name },
    };
  };
  return { sim, send, mule, ordinary, feedback };
}

describe('simulated institutions executing the protocol', () => {
  it('a stop-payment on the level-1 account before the money moves keeps it there', () => {
    const { sim, send, mule } = setup();
    const m = mule(0, 0);
    const fb = send(m.institution, { type: 'stop-payment', account: m.account, amount: 60_000_000 });
    expect(fb.result).toBe('partially-executed'); // nothing (or little) has arrived yet; the hold waits for it
    sim.advanceTo(START + 6 * H);
    const ledger = sim.world.ledger;
    const victimPaid = 52_000_000;
    expect(ledger.held[m.a]).toBeGreaterThanOrEqual(victimPaid);
    expect(ledger.balance[m.a]).toBeGreaterThanOrEqual(ledger.held[m.a]!);
    // nothing of the victim's money reached level 2
    const level2 = sim.world.gangs[0]!.levels[1]!;
    const intoLevel2 = level2.reduce((s, a) => s + (ledger.balance[a] ?? 0), 0);
    expect(intoLevel2).toBeLessThan(1_000_000);
  });

  it('a freeze after the money moved on catches only what is left; the feedback says how much', () => {
    const { sim, send, mule } = setup();
    sim.advanceTo(START + 50 * MIN);
    const m = mule(1, 0);
    const before = sim.world.ledger.balance[m.a]!;
    const fb = send(m.institution, { type: 'freeze', account: m.account });
    expect(fb.result).toBe('executed');
    const body = fb.body as { heldAmount: number; balance: number; expiresAt: string };
    expect(body.heldAmount).toBe(before);
    expect(body.expiresAt).toBe('2024-04-27T14:50:00.000+08:00');
    sim.advanceTo(START + 8 * H);
    expect(sim.world.ledger.balance[m.a]).toBeGreaterThanOrEqual(before);
  });

  it('renews a stop-payment twice, then refuses; converts it into a freeze without freeing the money', () => {
    const { sim, send, ordinary } = setup();
    sim.advanceTo(START + 30 * MIN);
    const m = ordinary(3);
    const stop = send(m.institution, { type: 'stop-payment', account: m.account, amount: 100 });
    expect(stop.result).toBe('executed');
    const renew = () => send(m.institution, { type: 'stop-payment-renewal', holdRequestId: stop.requestId });
    expect((renew().body as { renewalsUsed: number }).renewalsUsed).toBe(1);
    expect(renew().result).toBe('executed');
    const third = renew();
    expect([third.result, third.rejection?.code]).toEqual(['rejected', 'RENEWAL_LIMIT_REACHED']);
    const freeze = send(m.institution, {
      type: 'freeze',
      account: m.account,
      amount: 100,
      convertsStopPayment: stop.requestId,
    });
    expect((freeze.body as { heldAmount: number }).heldAmount).toBe(100);
    expect(sim.hold(m.institution, stop.requestId)?.status).toBe('released');
    const again = send(m.institution, { type: 'stop-payment-release', holdRequestId: stop.requestId });
    expect(again.rejection?.code).toBe('HOLD_NOT_ACTIVE');
  });

  it("lists other authorities' earlier holds in force as prior holds, never the requester's own", () => {
    const { sim, send, ordinary } = setup();
    sim.advanceTo(START + 30 * MIN);
    const m = ordinary(3);
    const other = { code: '310100', name: '上海市公安局反诈中心' };
    const priorOf = (fb: Feedback) =>
      (fb.body as { priorHolds: { authority: string; documentNumber: string }[] }).priorHolds;
    const own1 = send(m.institution, { type: 'stop-payment', account: m.account, amount: 100 });
    expect(priorOf(own1)).toEqual([]);
    const theirs = send(m.institution, { type: 'freeze', account: m.account, amount: 50 }, other);
    expect(priorOf(theirs).map((h) => h.authority)).toEqual(['武汉市公安局反诈中心']);
    const own2 = send(m.institution, { type: 'stop-payment', account: m.account, amount: 100 });
    expect(priorOf(own2)).toEqual([
      expect.objectContaining({ authority: other.name, documentNumber: 'DOC-2' }),
    ]);
    // A renewal of the first lists only holds placed before it, and still none of its own.
    const renewed = send(m.institution, { type: 'stop-payment-renewal', holdRequestId: own1.requestId });
    expect(priorOf(renewed)).toEqual([]);
    // Released holds are no longer in force.
    send(m.institution, { type: 'freeze-release', holdRequestId: theirs.requestId }, other);
    expect(priorOf(send(m.institution, { type: 'stop-payment', account: m.account, amount: 1 }))).toEqual([]);
  });

  it('checks the name and the account before executing', () => {
    const { send, mule } = setup();
    const m = mule(0, 0);
    const wrong = send(m.institution, { type: 'freeze', account: { ...m.account, name: '某某某' } });
    expect(wrong.rejection?.code).toBe('NAME_MISMATCH');
    const missing = send(m.institution, {
      type: 'freeze',
      account: { number: '6222000000000000000', name: 'x' },
    });
    expect(missing.rejection?.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('answers detail, holder and accounts-by-id queries from the ledger', () => {
    const { sim, send, mule } = setup();
    sim.advanceTo(START + 2 * H);
    const m = mule(1, 1);
    const fb = send(m.institution, {
      type: 'transaction-query',
      account: m.account,
      from: '2023-10-27T00:00:00+08:00',
      to: '2023-10-28T00:00:00+08:00',
    });
    const body = fb.body as {
      transfers: {
        direction: string;
        amount: number;
        balanceAfter: number;
        counterparty: { institution: string };
      }[];
    };
    expect(body.transfers.length).toBeGreaterThan(1);
    let balance =
      sim.world.ledger.balance[m.a]! -
      body.transfers.reduce((s, t) => s + (t.direction === 'in' ? t.amount : -t.amount), 0);
    for (const t of body.transfers) {
      balance += t.direction === 'in' ? t.amount : -t.amount;
      expect(t.balanceAfter).toBe(balance);
    }
    const holder = send(m.institution, { type: 'holder-query', account: { number: m.account.number } });
    const person = holder.body as { name: string; idNumber: string };
    expect(person.name).toBe(m.account.name);
    const byId = send(m.institution, { type: 'accounts-by-id-query', idNumber: person.idNumber });
    expect(
      (byId.body as { accounts: { accountNumber: string }[] }).accounts.map((a) => a.accountNumber),
    ).toContain(m.account.number);
  });

  it('a dynamic query reports new movements until cancelled', () => {
    const { sim, send, mule, feedback } = setup();
    const m = mule(0, 0);
    const sub = send(m.institution, { type: 'subscription', account: m.account });
    sim.advanceTo(START + 2 * H);
    const reports = feedback.filter((f) => f.type === 'subscription-report' && f.requestId === sub.requestId);
    expect(reports.length).toBeGreaterThan(0);
    const moved = reports.flatMap((r) => (r.body as { transfers: { direction: string }[] }).transfers);
    expect(moved.some((t) => t.direction === 'in')).toBe(true);
    expect(moved.some((t) => t.direction === 'out')).toBe(true);
    send(m.institution, { type: 'subscription-cancel', subscriptionRequestId: sub.requestId });
    const count = feedback.length;
    sim.advanceTo(START + 4 * H);
    expect(feedback.slice(count).some((f) => f.requestId === sub.requestId)).toBe(false);
    // seq numbers per institution are 1, 2, 3…
    const seqs = feedback.filter((f) => f.institution === m.institution).map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('executes at most once per idempotency key, and counts executions per request id', () => {
    const { sim, mule } = setup();
    const m = mule(0, 0);
    const request = {
      type: 'freeze' as const,
      requestId: 'req-dup-000001',
      caseNumber: 'A1',
      authority: { code: '420100', name: 'x' },
      document: { number: 'D' },
      issuedAt: '2023-10-27T14:00:00+08:00',
      account: m.account,
    };
    const first = sim.accept(m.institution, request, 'key-000001', START);
    const second = sim.accept(m.institution, request, 'key-000001', START);
    expect(second.duplicate).toBe(true);
    expect(sim.execute(first.record, START)).toBeDefined();
    expect(sim.execute(second.record, START)).toBeUndefined();
    expect(sim.executionCount(m.institution, request.requestId)).toBe(1);
    // a sender that changes the key of a retry gets a second execution — and the counter shows it
    const third = sim.accept(m.institution, request, 'key-000002', START);
    sim.execute(third.record, START);
    expect(sim.executionCount(m.institution, request.requestId)).toBe(2);
    expect(sim.stats().duplicateExecutions).toBe(1);
  });
});
