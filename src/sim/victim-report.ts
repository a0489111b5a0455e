/**
 * What a victim of the simulated world would tell the police: who they are and every payment
 * they made to the gang (time, amount, receiving institution, account and name) — the body of
 * Levee's intake API, read from the world's own ledger. Used by the live demo and the benchmarks.
 */
import { isoCst } from './clock.js';
import type { Scenario } from './scenario.js';
import { World } from './world.js';

export interface VictimPayment {
  /** sim ms */
  at: number;
  amount: number;
  institution: string;
  account: string;
  accountName: string;
}

/** The payments victim `index` has made so far, oldest first. */
export function victimPayments(world: World, index: number): VictimPayment[] {
  const victim = world.victims[index];
  if (victim === undefined) throw new RangeError(`no victim ${index}`);
  const ledger = world.ledger;
  return ledger
    .transfersOf(victim.account, 0, Number.MAX_SAFE_INTEGER)
    .map((t) => ledger.transferView(t))
    .filter((t) => t.from === victim.account)
    .map((t) => ({
      at: t.time,
      amount: t.amount,
      institution: world.institutions[ledger.inst[t.to] as number]!.code,
      account: ledger.number[t.to] as string,
      accountName: world.persons[ledger.holder[t.to] as number]!.name,
    }));
}

/** The intake body for victim `index`, reporting to the police unit `unitId`. */
export function victimReport(
  world: World,
  index: number,
  options: { unitId: number; scamType: string; narrative: string; address: string },
) {
  const victim = world.victims[index]!;
  const person = world.persons[world.ledger.holder[victim.account] as number]!;
  return {
    scamType: options.scamType,
    narrative: options.narrative,
    victim: {
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      address: options.address,
      unitId: options.unitId,
    },
    payments: victimPayments(world, index).map((p) => ({
      time: isoCst(p.at),
      amount: p.amount,
      channel: 'mobile-banking' as const,
      institution: p.institution,
      account: p.account,
      accountName: p.accountName,
    })),
  };
}

/** When each victim's last payment happens, from a dry run of the same world (sim ms). */
export function lastPaymentTimes(scenario: Scenario, start: number, horizonMs = 36 * 3600_000): number[] {
  const world = new World({ scenario, start });
  world.advanceTo(start + horizonMs);
  return world.victims.map((_, i) => Math.max(...victimPayments(world, i).map((p) => p.at)));
}
