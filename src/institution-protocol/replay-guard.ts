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

/**
 * One generation: nonces by key id. Nested sets rather than one set of `${keyId}\0${nonce}`: that
 * key was a new string to build, flatten and hash on every request.
 */
class Generation {
  private readonly byKey = new Map<string, Set<string>>();
  size = 0;

  has(keyId: string, nonce: string): boolean {
    return this.byKey.get(keyId)?.has(nonce) === true;
  }

  add(keyId: string, nonce: string): void {
    let nonces = this.byKey.get(keyId);
    if (!nonces) {
      nonces = new Set();
      this.byKey.set(keyId, nonces);
    }
    nonces.add(nonce);
    this.size++;
  }
}

export class ReplayGuard {
  readonly windowMs: number;
  private readonly now: () => number;
  private current = new Generation();
  private previous = new Generation();
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
      this.previous = now - this.rotatedAt >= 4 * this.windowMs ? new Generation() : this.current;
      this.current = new Generation();
      this.rotatedAt = now;
    }
    if (this.current.has(keyId, nonce) || this.previous.has(keyId, nonce))
      throw new ReplayError('NONCE_REPLAYED', `nonce ${nonce} was already used by ${keyId}`);
    this.current.add(keyId, nonce);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
