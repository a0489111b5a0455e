/**
 * Interception benchmark (issue 5): how much of the victims' money Levee freezes in a race against
 * the launderers, against two references on the same seeded worlds.
 *
 *   npm run bench -- race [--scenarios case-25,interception,fast-mixed] [--faults latency]
 *                         [--speed N] [--manual-minutes 20] [--cap-minutes 240] [--no-manual]
 *
 * Per scenario (bench/_race-scenarios.ts): victims report 10–30 sim minutes after their last
 * payment; each report goes through POST /api/cases the moment the sim clock passes it.
 * - Levee: the automatic disposal, live, on the simulator's clock (bench/_race-levee.ts).
 * - Oracle: knows the ground truth and freezes, at each alert, every account holding that victim's
 *   money, one institution round trip later (bench/_race-oracle.ts).
 * - Manual: the same Levee run with 20 sim minutes of analyst work before each level's requests.
 * Frozen = victims' money the tracing engine (FIFO) locates on the simulator's ground-truth ledger
 * at the end in accounts under a hold, clamped by the amount held (bench/_race-measure.ts).
 * Targets: Levee ≥ 95% of the oracle's frozen amount; every first stop-payment within 1 s of intake.
 *
 * `--no-manual` skips the manual reference. LEVEE_RACE_DEBUG=1 prints where Levee's time went, the
 * victims' money per mule account (at the first alert, at the end, held, when the first hold
 * landed, what left before it) and the first requests; LEVEE_RACE_NO_DYNAMIC=1 runs Levee's policy
 * without dynamic queries (to compare).
 */
import { loadavg } from 'node:os';
import { percentile } from './_sim-harness.js';
import { type LiveRunResult, runLive } from './_race-levee.js';
import { type OracleResult, runOracle } from './_race-oracle.js';
import { alertTimes, type RaceScenario, raceScenarios } from './_race-scenarios.js';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const yuan = (fen: number) =>
  `¥${Math.round(fen / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—');
const minutes = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? `${percentile(s, 50).toFixed(1)} / ${s.at(-1)!.toFixed(1)}` : '—';
};
const ms = (xs: number[]) => (xs.length ? `${Math.max(...xs).toFixed(0)}` : '—');

interface Row {
  race: RaceScenario;
  victims: number;
  levee: LiveRunResult;
  manual: LiveRunResult | undefined;
  oracle: OracleResult;
}

function printScenario({ race, victims, levee, manual, oracle }: Row): void {
  const lost = oracle.outcome.lost;
  console.log(`\n### ${race.name} — ${race.about}`);
  console.log(
    `seed ${race.scenario.seed}, speed ×${race.speed}, ${victims} victims, money lost ${yuan(lost)}` +
      ` (Levee run ${levee.wallSeconds.toFixed(0)} s wall, ${levee.cpuSeconds.toFixed(1)} s CPU in the race` +
      `${manual ? `; manual ${manual.wallSeconds.toFixed(0)} s wall, ${manual.cpuSeconds.toFixed(1)} s CPU` : ''})`,
  );
  console.log(
    '| run    | frozen (victims’ money) | % of lost | % of oracle | alert→last freeze p50 / max (sim min) | requests | first stop-payment max (wall ms) |',
  );
  console.log(
    '| ------ | ----------------------: | --------: | ----------: | ------------------------------------: | -------: | -------------------------------: |',
  );
  const line = (name: string, frozen: number, times: number[], requests: number, stop: string) =>
    console.log(
      `| ${name.padEnd(6)} | ${yuan(frozen).padStart(23)} | ${pct(frozen, lost).padStart(9)} | ${pct(frozen, oracle.outcome.frozen).padStart(11)} | ${minutes(times).padStart(37)} | ${String(requests).padStart(8)} | ${stop.padStart(32)} |`,
    );
  line('Levee', levee.outcome.frozen, levee.outcome.alertToLastFreeze, levee.requests, ms(levee.firstStopMs));
  line('oracle', oracle.outcome.frozen, oracle.outcome.alertToLastFreeze, oracle.requests, '—');
  if (manual)
    line(
      'manual',
      manual.outcome.frozen,
      manual.outcome.alertToLastFreeze,
      manual.requests,
      ms(manual.firstStopMs),
    );
  const types = Object.entries(levee.requestsByType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  console.log(
    `Levee: ${levee.cases} cases, requests ${types}; stop-payments: ${levee.firstStopMs.length} cases with their own` +
      ` (p50 ${percentile(
        [...levee.firstStopMs].sort((a, b) => a - b),
        50,
      ).toFixed(0)} ms), ${levee.casesWithoutOwnStop} covered by a linked case's;` +
      ` scenario's first ${levee.scenarioFirstStopMs.toFixed(0)} ms; intake POST p50 ${percentile(
        [...levee.intakeMs].sort((a, b) => a - b),
        50,
      ).toFixed(0)} ms; under stop-payment only ${yuan(levee.outcome.stopOnly)}`,
  );
  // The three worlds diverge once someone holds money; each is scored on its own ground truth.
  if (levee.outcome.lost !== lost || (manual && manual.outcome.lost !== lost))
    console.log(
      `(lost per run: Levee ${yuan(levee.outcome.lost)}${manual ? `, manual ${yuan(manual.outcome.lost)}` : ''})`,
    );
}

export async function main(args: string[]): Promise<void> {
  const names = arg(args, 'scenarios', 'case-25,interception,fast-mixed').split(',');
  const faults = arg(args, 'faults', 'latency');
  const manualMinutes = Number(arg(args, 'manual-minutes', '20'));
  const capMinutes = Number(arg(args, 'cap-minutes', '240'));
  const speedOverride = args.includes('--speed') ? Number(arg(args, 'speed', '60')) : undefined;
  // Skip the manual reference (half the wall time) while working on Levee's own run.
  const withManual = !args.includes('--no-manual');
  const all = raceScenarios();
  const chosen = names.map((n) => {
    const found = all.find((s) => s.name === n);
    if (!found) throw new Error(`unknown scenario ${n} (${all.map((s) => s.name).join(', ')})`);
    return speedOverride ? { ...found, speed: speedOverride } : found;
  });
  console.log(
    `Interception race: faults ${faults}, manual ${manualMinutes} sim min per level, loadavg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const rows: Row[] = [];
  for (const race of chosen) {
    // One start for the three runs of a scenario: the same world, the same alert times.
    const start = Math.floor(Date.now() / 60_000) * 60_000;
    const alerts = alertTimes(race, start);
    const oracle = runOracle(race, start, alerts, { faults, capMinutes });
    const levee = await runLive(race, start, alerts, { faults, capMinutes });
    const manual = withManual
      ? await runLive(race, start, alerts, { faults, capMinutes, manualMinutesPerLevel: manualMinutes })
      : undefined;
    const row = { race, victims: alerts.length, levee, manual, oracle };
    rows.push(row);
    printScenario(row);
  }
  console.log('\nTargets');
  for (const { race, levee, oracle } of rows) {
    const share = oracle.outcome.frozen > 0 ? levee.outcome.frozen / oracle.outcome.frozen : 1;
    const slowest = Math.max(...levee.firstStopMs, levee.scenarioFirstStopMs);
    console.log(
      `- ${race.name}: frozen ${(100 * share).toFixed(1)}% of the oracle (≥ 95%): ${share >= 0.95 ? 'PASS' : 'FAIL'};` +
        ` first stop-payment of every case within 1 s of intake (max ${slowest.toFixed(0)} ms): ${slowest < 1000 ? 'PASS' : 'FAIL'}`,
    );
  }
  console.log(
    `loadavg at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}
