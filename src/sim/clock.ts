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

/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit year. */
const YEAR_10000 = 253_402_300_800_000;
/** "YYYY-MM-DDTHH:MM:" by CST minute (a few hundred at most, then started over). */
const minutePrefixes = new Map<number, string>();

/**
 * Unix ms → ISO 8601 in China Standard Time, e.g. 2023-10-27T14:00:00.000+08:00. The date and
 * minute are formatted once per minute: a Date and its toISOString per call were a visible part
 * of the simulator's time per request (an ack, a hold's times, a feedback's answeredAt).
 */
export function isoCst(ms: number): string {
  const t = Math.floor(ms + CST);
  if (!(t >= 0 && t < YEAR_10000)) return `${new Date(ms + CST).toISOString().slice(0, 23)}+08:00`;
  const minute = Math.floor(t / 60_000);
  let prefix = minutePrefixes.get(minute);
  if (prefix === undefined) {
    if (minutePrefixes.size >= 512) minutePrefixes.clear();
    prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    minutePrefixes.set(minute, prefix);
  }
  const rest = t - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}+08:00`;
}

/** Unix ms → YYYY-MM-DD in China Standard Time. */
export function dateCst(ms: number): string {
  return new Date(ms + CST).toISOString().slice(0, 10);
}
