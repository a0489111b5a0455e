/**
 * Latency and fault injection, per institution and seeded. A profile gives rates; a FaultPlan
 * draws, request by request, what goes wrong: 503 before anything (unavailable), no answer at all
 * before or after the request was recorded (timeout), the request recorded but a 500 returned
 * (ack-lost), and for feedback callbacks: dropped, sent twice or more, or sent late. Institution
 * latency (request accepted → executed) is log-normal with a per-institution median.
 */
import type { InstitutionInfo } from './institutions.js';
import { Rng } from './rng.js';

export interface LatencySpec {
  /** Median, ms (each institution gets median × 0.5…2). */
  median: number;
  /** Log-space spread (0 = constant). */
  sigma: number;
}

export interface FaultProfile {
  name: string;
  unavailable: number;
  timeout: number;
  ackLost: number;
  /** How long a "timeout" keeps the request hanging before a 504, ms. */
  hangMs: number;
  dropCallback: number;
  duplicateCallback: number;
  lateCallback: number;
  lateMs: { min: number; max: number };
  latency: { bank: LatencySpec; payment: LatencySpec };
}

const NO_LATENCY = { bank: { median: 0, sigma: 0 }, payment: { median: 0, sigma: 0 } };

export const FAULT_PROFILES: Record<string, FaultProfile> = {
  none: {
    name: 'none',
    unavailable: 0,
    timeout: 0,
    ackLost: 0,
    hangMs: 0,
    dropCallback: 0,
    duplicateCallback: 0,
    lateCallback: 0,
    lateMs: { min: 0, max: 0 },
    latency: NO_LATENCY,
  },
  /** Fast and clean but with realistic institution latency (benchmarks). */
  latency: {
    name: 'latency',
    unavailable: 0,
    timeout: 0,
    ackLost: 0,
    hangMs: 0,
    dropCallback: 0,
    duplicateCallback: 0,
    lateCallback: 0,
    lateMs: { min: 0, max: 0 },
    latency: { bank: { median: 20, sigma: 0.5 }, payment: { median: 8, sigma: 0.4 } },
  },
  /** What a normal day looks like. */
  mild: {
    name: 'mild',
    unavailable: 0.01,
    timeout: 0.005,
    ackLost: 0.005,
    hangMs: 10_000,
    dropCallback: 0.02,
    duplicateCallback: 0.02,
    lateCallback: 0.02,
    lateMs: { min: 1000, max: 5000 },
    latency: { bank: { median: 80, sigma: 0.6 }, payment: { median: 30, sigma: 0.5 } },
  },
  /** A bad day: for exactly-once tests. */
  chaos: {
    name: 'chaos',
    unavailable: 0.1,
    timeout: 0.05,
    ackLost: 0.1,
    hangMs: 3000,
    dropCallback: 0.15,
    duplicateCallback: 0.15,
    lateCallback: 0.1,
    lateMs: { min: 200, max: 1500 },
    latency: { bank: { median: 20, sigma: 0.8 }, payment: { median: 10, sigma: 0.8 } },
  },
};

export type RequestFault = 'unavailable' | 'timeout-before' | 'timeout-after' | 'ack-lost' | null;

export interface CallbackPlan {
  drop: boolean;
  /** Delays (ms) of each copy to send; more than one = duplicates. */
  delays: number[];
}

export class FaultPlan {
  readonly profile: FaultProfile;
  private readonly rngs = new Map<string, Rng>();
  private readonly medians = new Map<string, number>();
  private readonly root: Rng;

  constructor(profile: FaultProfile, seed: number, institutions: readonly InstitutionInfo[]) {
    this.profile = profile;
    this.root = new Rng(`faults/${seed}`);
    const spread = this.root.fork('medians');
    for (const inst of institutions) {
      const spec = profile.latency[inst.kind];
      this.medians.set(inst.code, spec.median * (0.5 + 1.5 * spread.next()));
    }
  }

  private rng(code: string): Rng {
    let rng = this.rngs.get(code);
    if (!rng) {
      rng = this.root.fork(code);
      this.rngs.set(code, rng);
    }
    return rng;
  }

  requestFault(code: string): RequestFault {
    const p = this.profile;
    const x = this.rng(code).next();
    if (x < p.unavailable) return 'unavailable';
    if (x < p.unavailable + p.timeout) return this.rng(code).chance(0.5) ? 'timeout-before' : 'timeout-after';
    if (x < p.unavailable + p.timeout + p.ackLost) return 'ack-lost';
    return null;
  }

  executionDelayMs(inst: InstitutionInfo): number {
    const median = this.medians.get(inst.code) ?? 0;
    if (median <= 0) return 0;
    return Math.round(this.rng(inst.code).logNormal(median, this.profile.latency[inst.kind].sigma));
  }

  callbackPlan(code: string): CallbackPlan {
    const p = this.profile;
    const rng = this.rng(code);
    if (rng.chance(p.dropCallback)) return { drop: true, delays: [] };
    const late = rng.chance(p.lateCallback) ? rng.int(p.lateMs.min, p.lateMs.max) : 0;
    const delays = [late];
    if (rng.chance(p.duplicateCallback))
      delays.push(late + rng.int(0, 500), ...(rng.chance(0.3) ? [late + 800] : []));
    return { drop: false, delays };
  }
}

export class FaultProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultProfileError';
  }
}

/** A profile by name, or a JSON object: `{ "base": "mild", "dropCallback": 0.5, … }`. */
export function resolveFaultProfile(
  spec: string | (Partial<FaultProfile> & { base?: string }),
): FaultProfile {
  if (typeof spec === 'string') {
    const profile = FAULT_PROFILES[spec];
    if (!profile)
      throw new FaultProfileError(
        `unknown fault profile "${spec}" (${Object.keys(FAULT_PROFILES).join(', ')})`,
      );
    return profile;
  }
  const base = FAULT_PROFILES[spec.base ?? 'none'];
  if (!base) throw new FaultProfileError(`unknown base profile "${spec.base}"`);
  const merged = { ...base, ...spec, name: spec.name ?? `${base.name}+custom` } as FaultProfile & {
    base?: string;
  };
  delete merged.base;
  for (const key of [
    'unavailable',
    'timeout',
    'ackLost',
    'dropCallback',
    'duplicateCallback',
    'lateCallback',
  ] as const)
    if (!(merged[key] >= 0 && merged[key] <= 1))
      throw new FaultProfileError(`${key} must be a probability 0-1`);
  return merged;
}
