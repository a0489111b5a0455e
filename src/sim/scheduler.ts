/**
 * Discrete-event scheduler: a binary heap of (time, seq) → action. Events run in time order and,
 * at equal times, in the order they were scheduled, so a seeded run is the same run every time.
 * Time is simulated Unix milliseconds; nothing here reads a real clock.
 */
export type SimAction = () => void;

export class Scheduler {
  private times: number[] = [];
  private seqs: number[] = [];
  private actions: SimAction[] = [];
  private seq = 0;
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  get now(): number {
    return this.current;
  }

  get pending(): number {
    return this.times.length;
  }

  /** Schedule at `time` (clamped to now: the past cannot be changed). */
  at(time: number, action: SimAction): void {
    const t = Math.max(time, this.current);
    this.times.push(t);
    this.seqs.push(this.seq++);
    this.actions.push(action);
    this.up(this.times.length - 1);
  }

  after(delayMs: number, action: SimAction): void {
    this.at(this.current + delayMs, action);
  }

  /** Run every event with time ≤ `time`, then set now = time. Returns the number run. */
  runUntil(time: number): number {
    let ran = 0;
    while (this.times.length > 0 && (this.times[0] as number) <= time) {
      const t = this.times[0] as number;
      const action = this.pop();
      this.current = t;
      action();
      ran++;
    }
    if (time > this.current) this.current = time;
    return ran;
  }

  private less(i: number, j: number): boolean {
    const ti = this.times[i] as number;
    const tj = this.times[j] as number;
    return ti < tj || (ti === tj && (this.seqs[i] as number) < (this.seqs[j] as number));
  }

  private swap(i: number, j: number): void {
    [this.times[i], this.times[j]] = [this.times[j] as number, this.times[i] as number];
    [this.seqs[i], this.seqs[j]] = [this.seqs[j] as number, this.seqs[i] as number];
    [this.actions[i], this.actions[j]] = [this.actions[j] as SimAction, this.actions[i] as SimAction];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): SimAction {
    const top = this.actions[0] as SimAction;
    const last = this.times.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    this.actions.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.times.length && this.less(l, m)) m = l;
      if (r < this.times.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
