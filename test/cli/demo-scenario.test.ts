/** Each start of the live demo meets a world of its own (same story, new people and accounts). */
import { describe, expect, it } from 'vitest';
import { DEMO_SCENARIO, demoScenario } from '../../src/cli/demo-world.js';
import { World } from '../../src/sim/world.js';

const START = Date.parse('2026-11-27T09:00:00+08:00');

function victimAccounts(start: number): string[] {
  const world = new World({ scenario: demoScenario(start), start });
  return world.victims.map((v) => world.ledger.number[v.account] as string);
}

describe('the demo scenario of a run', () => {
  it('keeps the story and changes the seed with the start minute', () => {
    const a = demoScenario(START);
    const b = demoScenario(START + 60_000);
    expect({ ...a, seed: 0 }).toEqual({ ...DEMO_SCENARIO, seed: 0 });
    expect(a.seed).not.toBe(b.seed);
    expect(demoScenario(START + 30_000).seed).toBe(a.seed); // deterministic for a given start
  });

  it('gives a restarted demo other victims’ accounts, so old cases are not re-filed', () => {
    const first = victimAccounts(START);
    expect(first).toHaveLength(DEMO_SCENARIO.victims!.length);
    expect(victimAccounts(START)).toEqual(first);
    expect(victimAccounts(START + 60_000)).not.toEqual(first);
  });
});
