/**
 * The simulated clock: sim time = start + (wall − wallStart) × speed. The wall clock is injected,
 * so the core stays free of I/O and tests can drive it by hand.
 */
export class SimClock {
  readonly start: number;
  readonly speed: number;
  private readonly wall: () => number;
  private readonly wallStart: number;

  constructor(options: { start: number; speed?: number; wall?: () => number }) {
    this.start = options.start;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`speed must be > 0, got ${this.speed}`);
    this.wall = options.wall ?? Date.now;
    this.wallStart = this.wall();
  }

  now(): number {
    return this.start + Math.floor((this.wall() - this.wallStart) * this.speed);
  }

  /** Wall milliseconds until sim time `t` (≥ 0). */
  wallDelayUntil(t: number): number {
    return Math.max(0, (t - this.now()) / this.speed);
  }
}

const CST = 8 * 3600_000;

/** Unix ms → ISO 8601 in China Standard Time, e.g. 2023-10-27T14:00:00.000+08:00. */
export function isoCst(ms: number): string {
  return `${new Date(ms + CST).toISOString().slice(0, 23)}+08:00`;
}

/** Unix ms → YYYY-MM-DD in China Standard Time. */
export function dateCst(ms: number): string {
  return new Date(ms + CST).toISOString().slice(0, 10);
}
