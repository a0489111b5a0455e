/**
 * The interception benchmark's worlds: seeded simulator scenarios of different shapes and speeds,
 * each with the sim speed that keeps it to about a minute of wall time, and the victims' alert
 * times — each victim reports a seeded 10–30 sim minutes (5–15 for the fast gang) after the last
 * payment. Alert times are read from a dry run of the same world (the victims' payments do not
 * depend on anything Levee does), so all three runs of a scenario share them.
 */
import { Rng } from '../src/sim/rng.js';
import { PRESET_SCENARIOS, type Scenario } from '../src/sim/scenario.js';
import { World } from '../src/sim/world.js';
import { victimPayments } from '../src/sim/victim-report.js';

const MINUTE = 60_000;

export interface RaceScenario {
  readonly name: string;
  readonly about: string;
  readonly scenario: Scenario;
  /** Sim ms per wall ms. */
  readonly speed: number;
  /** Sim minutes between a victim's last payment and the report. */
  readonly alertDelayMinutes: { min: number; max: number };
}

export function raceScenarios(): RaceScenario[] {
  const interception = PRESET_SCENARIOS['interception']!;
  return [
    {
      name: 'case-25',
      about: 'the brief’s case: one victim, 520,000 yuan, four levels, 25 accounts at level four',
      scenario: PRESET_SCENARIOS['case-25']!,
      speed: 120,
      alertDelayMinutes: { min: 10, max: 30 },
    },
    {
      name: 'interception',
      about: 'the interception preset’s three gangs (3, 6 and 4 levels), 40 victims over 90 minutes',
      // The preset's 200 victims over 8 hours would take an hour of wall time; same gangs, fewer victims.
      scenario: {
        ...interception,
        victimGenerator: { ...interception.victimGenerator!, count: 40, spreadHours: 1.5 },
      },
      speed: 120,
      alertDelayMinutes: { min: 10, max: 30 },
    },
    {
      name: 'fast-mixed',
      about: '30 victims in 30 minutes, laundering within minutes, 60% other money mixed in',
      scenario: {
        format: 'levee.sim-scenario/1',
        about: 'fast laundering, heavy commingling, many victims',
        seed: 31,
        gangs: [
          {
            id: 'QUICK',
            levels: [
              { accounts: 3, delayMinutes: { min: 0.5, max: 2 } },
              { accounts: 8, delayMinutes: { min: 0.5, max: 2 } },
              { accounts: 16, delayMinutes: { min: 1, max: 3 } },
              { accounts: 24, delayMinutes: { min: 5, max: 25 } },
            ],
            commingling: 0.6,
            ownShare: 0.3,
            cashOut: { atm: 1, merchant: 2, cryptoOtc: 2 },
          },
          {
            id: 'SPLIT',
            levels: [
              { accounts: 2, delayMinutes: { min: 0.5, max: 1.5 } },
              { accounts: 12, fanOut: { min: 3, max: 6 }, delayMinutes: { min: 0.5, max: 2 } },
              { accounts: 30, delayMinutes: { min: 4, max: 20 } },
            ],
            commingling: 0.5,
            cashOut: { atm: 2, merchant: 1, cryptoOtc: 1 },
          },
        ],
        victimGenerator: {
          count: 30,
          amount: { min: 1_000_000, max: 30_000_000 },
          payments: { min: 1, max: 3 },
          spreadHours: 0.5,
        },
      },
      speed: 60,
      alertDelayMinutes: { min: 5, max: 15 },
    },
  ];
}

export interface VictimAlert {
  readonly victim: string;
  /** Index in world.victims. */
  readonly index: number;
  readonly lastPaymentAt: number;
  readonly alertAt: number;
}

/** Each victim's alert time, from a dry run of the world (sim ms), in alert order. */
export function alertTimes(race: RaceScenario, start: number): VictimAlert[] {
  const world = new World({ scenario: race.scenario, start });
  const rng = new Rng(`race-alerts/${race.scenario.seed}`);
  // Payments start within spreadHours and take at most 100 × 20 minutes; 36 hours is past all of them.
  world.advanceTo(start + 36 * 60 * MINUTE);
  const out: VictimAlert[] = [];
  for (const [index, v] of world.victims.entries()) {
    const paid = victimPayments(world, index);
    const last = Math.max(...paid.map((t) => t.at));
    const { min, max } = race.alertDelayMinutes;
    const delay = rng.next() * (max - min) + min;
    if (paid.length > 0)
      out.push({ victim: v.id, index, lastPaymentAt: last, alertAt: Math.round(last + delay * MINUTE) });
  }
  return out.sort((a, b) => a.alertAt - b.alertAt);
}
