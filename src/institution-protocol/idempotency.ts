/**
 * Idempotency, receiver side: the first request with a key is processed and its answer stored
 * with the hash of its body; a later request with the same key and the same body gets the stored
 * answer again (without being processed again); the same key with a different body is a 409
 * IDEMPOTENCY_CONFLICT. Keys are scoped (e.g. by institution and sender key id) and forgotten
 * after `ttlMs` (default 7 days: longer than any sender keeps retrying).
 */
import { IdempotencyConflictError } from './errors.js';
import { sha256Hex } from './signing.js';

export interface StoredAnswer<T> {
  status: number;
  body: T;
}

interface Entry<T> {
  bodyHash: string;
  answer: StoredAnswer<T>;
  expiresAt: number;
}

export type IdempotencyLookup<T> =
  | { kind: 'new'; bodyHash: string }
  | { kind: 'replay'; answer: StoredAnswer<T> };

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export class IdempotencyStore<T> {
  /**
   * By scope, then key: a map keyed by `${scope}\0${key}` built that string twice per request
   * (lookup and store) and kept it, a concatenation, for as long as the entry lived.
   */
  private readonly scopes = new Map<string, Map<string, Entry<T>>>();
  private count = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private sweepAt: number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600_000;
    this.now = options.now ?? Date.now;
    this.sweepAt = this.now() + Math.min(this.ttlMs, 3600_000);
  }

  /** Throws IdempotencyConflictError when the key was used with another body. */
  lookup(scope: string, key: string, body: string | Uint8Array): IdempotencyLookup<T> {
    this.sweep();
    const bodyHash = sha256Hex(body);
    const entry = this.scopes.get(scope)?.get(key);
    if (!entry || entry.expiresAt <= this.now()) return { kind: 'new', bodyHash };
    if (entry.bodyHash !== bodyHash) throw new IdempotencyConflictError(key);
    return { kind: 'replay', answer: entry.answer };
  }

  store(scope: string, key: string, bodyHash: string, answer: StoredAnswer<T>): void {
    let entries = this.scopes.get(scope);
    if (!entries) {
      entries = new Map();
      this.scopes.set(scope, entries);
    }
    const size = entries.size;
    entries.set(key, { bodyHash, answer, expiresAt: this.now() + this.ttlMs });
    this.count += entries.size - size;
  }

  get size(): number {
    return this.count;
  }

  private sweep(): void {
    const now = this.now();
    if (now < this.sweepAt) return;
    this.sweepAt = now + Math.min(this.ttlMs, 3600_000);
    for (const [scope, entries] of this.scopes) {
      for (const [k, e] of entries)
        if (e.expiresAt <= now) {
          entries.delete(k);
          this.count--;
        }
      if (entries.size === 0) this.scopes.delete(scope);
    }
  }
}
