/**
 * A parsed statement row. The row fingerprint (a SHA-256, see fingerprint.ts) is computed on first
 * read and cached: a reader that only counts, reconciles or stores rows under another key never
 * pays for a hash per row, and one that needs it (duplicate detection, the ledger) gets the same
 * value as before. `toJSON` includes it, so serialised previews look as they always did.
 */
import type { Direction, StatementTransaction } from './fields.js';
import { rowFingerprint } from './fingerprint.js';

export class ParsedTransaction implements StatementTransaction {
  #fingerprint: string | undefined;

  constructor(
    readonly sheet: string,
    readonly line: number,
    readonly account: string,
    readonly time: string,
    readonly epochMs: number,
    readonly direction: Direction,
    readonly amount: number,
    readonly balance: number | undefined,
    readonly counterpartyAccount: string | undefined,
    readonly counterpartyName: string | undefined,
    readonly counterpartyInstitution: string | undefined,
    readonly channel: string | undefined,
    readonly summary: string | undefined,
    readonly serial: string | undefined,
    readonly currency: string | undefined,
  ) {}

  get fingerprint(): string {
    this.#fingerprint ??= rowFingerprint({
      account: this.account,
      epochMs: this.epochMs,
      amount: this.amount,
      direction: this.direction,
      counterparty: this.counterpartyAccount ?? this.counterpartyName,
      serial: this.serial,
    });
    return this.#fingerprint;
  }

  // Written out, not `{ ...this, fingerprint }`: on Node 20 a literal that starts with a spread
  // and then adds a property takes V8's slow path (~1 µs a row). Same keys, same order.
  toJSON(): StatementTransaction {
    return {
      sheet: this.sheet,
      line: this.line,
      account: this.account,
      time: this.time,
      epochMs: this.epochMs,
      direction: this.direction,
      amount: this.amount,
      balance: this.balance,
      counterpartyAccount: this.counterpartyAccount,
      counterpartyName: this.counterpartyName,
      counterpartyInstitution: this.counterpartyInstitution,
      channel: this.channel,
      summary: this.summary,
      serial: this.serial,
      currency: this.currency,
      fingerprint: this.fingerprint,
    };
  }
}
