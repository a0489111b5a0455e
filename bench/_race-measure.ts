/**
 * Scoring a world at the end of a run, the same way for Levee, the oracle and the manual process:
 * the tracing engine runs on the simulator's GROUND TRUTH ledger (FIFO, as the case-25 e2e test
 * does), and an account counts the victims' money the trace locates in it, up to what the
 * institution actually holds there (active stop-payments and freezes on the simulated ledger).
 * So only held money that truly is the victims' counts, whoever asked for the hold.
 */
import { compileLedger, fastTrace, type TraceDocument } from '../src/engines/tracing/index.js';
import { exportLedger } from '../src/sim/export-ledger.js';
import type { World } from '../src/sim/world.js';
import type { VictimAlert } from './_race-scenarios.js';

const MINUTE = 60_000;

export interface RaceOutcome {
  /** Victims' money paid to the gangs, fen. */
  readonly lost: number;
  /** Victims' money in held accounts (clamped per account by the amount held), fen. */
  readonly frozen: number;
  /** Of `frozen`, the part held only by a stop-payment (not yet a freeze). */
  readonly stopOnly: number;
  /** Per victim with held money: sim minutes from the alert to the last hold on an account holding it. */
  readonly alertToLastFreeze: number[];
}

/** Mule accounts by the id exportLedger gives them (`INST-number`). */
function muleIndex(world: World): Map<string, number> {
  const out = new Map<string, number>();
  for (const gang of world.gangs)
    for (const level of gang.levels)
      for (const a of level)
        out.set(`${world.institutions[world.ledger.inst[a]!]!.code}-${world.ledger.number[a]}`, a);
  return out;
}

export function truthTrace(world: World, at: number): TraceDocument {
  return fastTrace(compileLedger(exportLedger(world, { upTo: at })), 'fifo');
}

/** Victims' money per mule account id in a trace. */
function victimMoney(doc: TraceDocument): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of Object.values(doc.victims))
    for (const [id, amount] of Object.entries(v.located)) out.set(id, (out.get(id) ?? 0) + amount);
  return out;
}

/**
 * Every account in which the trace still locates victims' money holds at least that much: the
 * victims' money is either held or gone to sinks, so the race is over. (The gang may still move
 * other money out of a held account later, which under FIFO can shift what the trace calls the
 * victims'; every run is scored at the moment it reaches this state, the same way.)
 */
export function victimMoneySettled(world: World, at: number): boolean {
  const mules = muleIndex(world);
  const ledger = world.ledger;
  for (const [id, amount] of victimMoney(truthTrace(world, at))) {
    const a = mules.get(id);
    if (a === undefined || amount <= 0) continue;
    const held = (ledger.balance[a] as number) - ledger.available(a, at);
    if (amount > held) return false;
  }
  return true;
}

export function measure(world: World, alerts: readonly VictimAlert[], at: number): RaceOutcome {
  const doc = truthTrace(world, at);
  const mules = muleIndex(world);
  const ledger = world.ledger;
  let lost = 0;
  for (const v of Object.values(doc.victims)) lost += v.sent;
  let frozen = 0;
  let stopOnly = 0;
  const heldSince = new Map<string, number>();
  for (const [id, amount] of victimMoney(doc)) {
    const a = mules.get(id);
    if (a === undefined || amount <= 0) continue;
    const holds = ledger.activeHolds(a, at).filter((h) => h.held > 0);
    const held = holds.reduce((s, h) => s + h.held, 0);
    if (held <= 0) continue;
    const counted = Math.min(amount, held);
    frozen += counted;
    if (!holds.some((h) => h.kind === 'freeze')) stopOnly += counted;
    heldSince.set(id, Math.min(...holds.map((h) => h.startsAt)));
  }
  const alertOf = new Map(alerts.map((x) => [x.victim, x.alertAt]));
  const alertToLastFreeze: number[] = [];
  for (const [victim, v] of Object.entries(doc.victims)) {
    const alert = alertOf.get(victim);
    if (alert === undefined) continue;
    let last = Number.NEGATIVE_INFINITY;
    for (const [id, amount] of Object.entries(v.located))
      if (amount > 0 && heldSince.has(id)) last = Math.max(last, heldSince.get(id)!);
    if (Number.isFinite(last)) alertToLastFreeze.push(Math.max(0, last - alert) / MINUTE);
  }
  return { lost, frozen, stopOnly, alertToLastFreeze };
}

/**
 * Where the victims' money got away (LEVEE_RACE_DEBUG): per mule account that held any of it at the
 * first alert or later, its level, the victims' money the ground truth locates there at the first
 * alert and at the end, what is held at the end, when the first hold landed (sim minutes after the
 * first alert) and the money that left to sinks after the alert before that hold.
 */
export function lossReport(world: World, alerts: readonly VictimAlert[], at: number): string[] {
  const first = Math.min(...alerts.map((a) => a.alertAt));
  const atAlert = victimMoney(truthTrace(world, first));
  const atEnd = victimMoney(truthTrace(world, at));
  const ledger = world.ledger;
  const lines: string[] = [];
  const yuan = (fen: number) => `¥${Math.round(fen / 100)}`;
  for (const gang of world.gangs)
    for (const [level, accounts] of gang.levels.entries())
      for (const a of accounts) {
        const id = `${world.institutions[ledger.inst[a]!]!.code}-${ledger.number[a]}`;
        const before = atAlert.get(id) ?? 0;
        const after = atEnd.get(id) ?? 0;
        const holds = ledger.holdsOf(a);
        const firstHold = holds.length ? Math.min(...holds.map((h) => h.startsAt)) : Number.POSITIVE_INFINITY;
        let leftToSinks = 0;
        let leftOnward = 0;
        let firstOut = Number.POSITIVE_INFINITY;
        for (const t of ledger.transfersOf(a, first, Math.min(at, firstHold))) {
          const v = ledger.transferView(t);
          if (v.from !== a) continue;
          if (ledger.isSink(v.to)) leftToSinks += v.amount;
          else leftOnward += v.amount;
          firstOut = Math.min(firstOut, v.time);
        }
        if (before === 0 && after === 0 && leftToSinks === 0) continue;
        const held = (ledger.balance[a] as number) - ledger.available(a, at);
        lines.push(
          `${gang.id} L${level + 1} ${id.padEnd(28)} victims' at alert ${yuan(before).padStart(9)} at end ${yuan(after).padStart(9)} held ${yuan(held).padStart(9)}` +
            ` first hold ${Number.isFinite(firstHold) ? ((firstHold - first) / MINUTE).toFixed(1).padStart(6) : '     —'} min` +
            ` out before it: to sinks ${yuan(leftToSinks)}, onward ${yuan(leftOnward)}` +
            (Number.isFinite(firstOut) ? ` (first at ${((firstOut - first) / MINUTE).toFixed(1)} min)` : ''),
        );
      }
  return lines;
}
