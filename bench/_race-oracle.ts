/**
 * The oracle reference: a second world built from the same scenario and start, replayed in
 * virtual time (no HTTP, no wall clock). At each victim's alert time the oracle reads the ground
 * truth — the simulator's own ledger traced under every rule — and, for every mule account
 * holding that victim's money at that moment, has the institution place a freeze for the largest
 * amount any rule locates there (what Levee would ask for if it knew everything). The freeze lands
 * one institution round trip later: the fault profile's latency median for a bank or a payment
 * institution, converted to sim time by the run's speed. Nothing else limits it: no discovery
 * level by level, no queue, no processing. It acts only at alert time; money that moved before
 * its freeze landed is lost to it too. The world then runs on until the victims' money is settled
 * (held or gone) and is scored like the others.
 */
import { compileLedger, fastTrace, TRACE_RULES } from '../src/engines/tracing/index.js';
import { exportLedger } from '../src/sim/export-ledger.js';
import { resolveFaultProfile } from '../src/sim/faults.js';
import { World } from '../src/sim/world.js';
import { measure, type RaceOutcome, victimMoneySettled } from './_race-measure.js';
import type { RaceScenario, VictimAlert } from './_race-scenarios.js';

const MINUTE = 60_000;
const MONTH = 30 * 24 * 60 * MINUTE;

export interface OracleResult {
  readonly outcome: RaceOutcome;
  readonly requests: number;
  readonly endedAt: number;
}

export function runOracle(
  race: RaceScenario,
  start: number,
  alerts: readonly VictimAlert[],
  options: { faults: string; capMinutes: number },
): OracleResult {
  const world = new World({ scenario: race.scenario, start });
  const latency = resolveFaultProfile(options.faults).latency;
  const roundTrip = (account: number) =>
    latency[world.institutions[world.ledger.inst[account]!]!.kind].median * race.speed;
  const mules = new Map<string, number>();
  for (const gang of world.gangs)
    for (const level of gang.levels)
      for (const a of level)
        mules.set(`${world.institutions[world.ledger.inst[a]!]!.code}-${world.ledger.number[a]}`, a);
  let requests = 0;
  for (const alert of alerts) {
    world.advanceTo(alert.alertAt);
    const compiled = compileLedger(exportLedger(world, { upTo: alert.alertAt }));
    const located = new Map<string, number>();
    for (const rule of TRACE_RULES) {
      const v = fastTrace(compiled, rule).victims[alert.victim];
      for (const [id, amount] of Object.entries(v?.located ?? {}))
        located.set(id, Math.max(located.get(id) ?? 0, amount));
    }
    for (const [id, amount] of located) {
      const account = mules.get(id);
      if (account === undefined || amount <= 0) continue;
      const at = alert.alertAt + Math.round(roundTrip(account));
      const requestId = `ORACLE-${alert.victim}-${id}`;
      requests++;
      world.scheduler.at(at, () => {
        world.ledger.placeHold({
          requestId,
          kind: 'freeze',
          account,
          target: amount,
          startsAt: world.now,
          expiresAt: world.now + 6 * MONTH,
          authority: 'oracle',
          authorityCode: 'ORACLE',
          documentNumber: requestId,
        });
      });
    }
  }
  const last = alerts.at(-1)?.alertAt ?? start;
  // Run on, five sim minutes at a time, until nothing of the victims' can move any more.
  let t = last + MINUTE;
  for (; t < last + options.capMinutes * MINUTE; t += 5 * MINUTE) {
    world.advanceTo(t);
    if (victimMoneySettled(world, t)) break;
  }
  world.advanceTo(t);
  return { outcome: measure(world, alerts, t), requests, endedAt: t };
}
