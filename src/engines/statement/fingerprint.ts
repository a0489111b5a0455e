/**
 * Fingerprints that recognise the same data a second time. A row fingerprint hashes what makes
 * a transaction itself — own account, instant, amount, direction, counterparty, serial — in a
 * normalised form, so the same row exported once as GBK CSV and once as .xlsx, with other column
 * orders or date spellings, gets the same fingerprint. A header fingerprint keys a remembered
 * column mapping to the layout it was made for. Hashing is computation, not I/O.
 */
import * as crypto from 'node:crypto';
import type { Direction } from './fields.js';
import { normalizeHeader } from './normalize.js';

const SEP = '\u001f';

/**
 * SHA-256 hex of a short text. `crypto.hash` (Node ≥ 20.12) hashes in one call without a Hash
 * object — about three times faster per row than createHash().update().digest(), which matters
 * at one fingerprint per statement row.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

const SPACE = /\s/;

export interface FingerprintParts {
  readonly account: string;
  readonly epochMs: number;
  readonly amount: number;
  readonly direction: Direction;
  readonly counterparty: string | undefined;
  readonly serial: string | undefined;
}

export function rowFingerprint(p: FingerprintParts): string {
  const text =
    p.account +
    SEP +
    p.epochMs +
    SEP +
    p.amount +
    SEP +
    (p.direction === 'debit' ? 'D' : 'C') +
    SEP +
    squeeze(p.counterparty).toLowerCase() +
    SEP +
    squeeze(p.serial);
  return sha256Hex(text);
}

/** sha256 of the normalised header cells, trailing empty cells dropped. */
export function headerFingerprint(cells: readonly unknown[]): string {
  const names = cells.map(normalizeHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return sha256Hex(names.join(SEP));
}

/** Whitespace removed; the common case (none) returns the text itself without a regex replace. */
function squeeze(text: string | undefined): string {
  if (text === undefined) return '';
  return SPACE.test(text) ? text.replace(/\s+/g, '') : text;
}
