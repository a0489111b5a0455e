/**
 * Fingerprints that recognise the same data a second time. A row fingerprint hashes what makes
 * a transaction itself — own account, instant, amount, direction, counterparty, serial — in a
 * normalised form, so the same row exported once as GBK CSV and once as .xlsx, with other column
 * orders or date spellings, gets the same fingerprint. A header fingerprint keys a remembered
 * column mapping to the layout it was made for. Hashing is computation, not I/O.
 */
import { createHash } from 'node:crypto';
import type { Direction } from './fields.js';
import { normalizeHeader } from './normalize.js';

const SEP = '\u001f';

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
    (p.counterparty ?? '').replace(/\s+/g, '').toLowerCase() +
    SEP +
    (p.serial ?? '').replace(/\s+/g, '');
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 of the normalised header cells, trailing empty cells dropped. */
export function headerFingerprint(cells: readonly unknown[]): string {
  const names = cells.map(normalizeHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return createHash('sha256').update(names.join(SEP)).digest('hex');
}
