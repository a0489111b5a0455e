/**
 * Replay guard: a request is accepted only if its timestamp is within ±windowMs of the receiver's
 * clock and its nonce (scoped by key id) was not seen before. A nonce only has to be remembered
 * while its timestamp is still inside the window, so nonces live in two generations that rotate
 * every 2·windowMs: memory stays bounded by the traffic of at most 4·windowMs.
 */
import { ReplayError } from './errors.js';

export interface ReplayGuardOptions {
  /** Accepted clock difference, default 5 minutes. */
  windowMs?: number;
  now?: () => number;
}

export class ReplayGuard {
  readonly windowMs: number;
  private readonly now: () => number;
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt: number;

  constructor(options: ReplayGuardOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.rotatedAt = this.now();
  }

  /** Throws ReplayError if the timestamp is out of the window or the nonce was used; else records it. */
  check(keyId: string, timestamp: number, nonce: string): void {
    const now = this.now();
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > this.windowMs)
      throw new ReplayError(
        'TIMESTAMP_OUT_OF_WINDOW',
        `timestamp ${timestamp} is more than ${this.windowMs} ms away from the receiver clock ${now}`,
      );
    if (now - this.rotatedAt >= 2 * this.windowMs) {
      this.previous = now - this.rotatedAt >= 4 * this.windowMs ? new Set() : this.current;
      this.current = new Set();
      this.rotatedAt = now;
    }
    const id = `${keyId}\u0000${nonce}`;
    if (this.current.has(id) || this.previous.has(id))
      throw new ReplayError('NONCE_REPLAYED', `nonce ${nonce} was already used by ${keyId}`);
    this.current.add(id);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
