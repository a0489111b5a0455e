/**
 * Which text encoding a CSV's bytes are in. Chinese bank exports are UTF-8 (often with a BOM)
 * or GBK; GB18030 is a superset of GBK, so it is the decoder used for the latter. UTF-8 is
 * recognised by decoding the sample with a fatal decoder: GBK text of any length is almost
 * never valid UTF-8, while the reverse test would prove nothing (GB18030 accepts most bytes).
 * A UTF-16 BOM is honoured. Bytes with NULs or many control characters are not text at all.
 */
import { TextDecoder } from 'node:util';
import { EncodingError, UnsupportedFormatError } from './errors.js';

export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface EncodingGuess {
  readonly encoding: TextEncodingName;
  /** Bytes of BOM to skip. */
  readonly bomBytes: number;
}

export function detectEncoding(sample: Uint8Array): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', bomBytes: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  assertText(sample);
  try {
    // stream: true tolerates a multi-byte sequence cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf-8', bomBytes: 0 };
  } catch {
    return { encoding: 'gb18030', bomBytes: 0 };
  }
}

/** Refuse binary data early, before any attempt to find rows in it. */
export function assertText(sample: Uint8Array): void {
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) {
      throw new UnsupportedFormatError(
        `byte ${i} is NUL: this is binary data (or UTF-16 without a BOM), not a CSV statement; ` +
          'save the statement as .xlsx, or as CSV in UTF-8 or GBK',
      );
    }
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) control++;
  }
  if (sample.length > 0 && control / sample.length > 0.01) {
    throw new UnsupportedFormatError(
      `${control} of the first ${sample.length} bytes are control characters: this is binary data, ` +
        'not a CSV statement',
    );
  }
}

/**
 * A fatal streaming decoder that reports where it failed. The encoding was chosen from the
 * start of the file; bytes later on that do not fit it mean the file mixes encodings.
 */
export class ChunkDecoder {
  private readonly decoder: TextDecoder;
  private offset = 0;
  private skip: number;

  constructor(readonly guess: EncodingGuess) {
    this.decoder = new TextDecoder(guess.encoding, { fatal: true });
    this.skip = guess.bomBytes;
  }

  decode(bytes: Uint8Array, final = false): string {
    let view = bytes;
    if (this.skip > 0) {
      const n = Math.min(this.skip, view.length);
      view = view.subarray(n);
      this.skip -= n;
      this.offset += n;
    }
    try {
      const text = this.decoder.decode(view, { stream: !final });
      this.offset += view.length;
      return text;
    } catch {
      const at = this.offset + (this.guess.encoding === 'utf-8' ? firstInvalidUtf8(view) : 0);
      throw new EncodingError(
        `bytes at offset ${at} are not valid ${this.guess.encoding.toUpperCase()}, the encoding ` +
          'the start of the file is in: the file mixes encodings or is damaged; re-export it in one encoding',
        at,
      );
    }
  }
}

/** Index of the first byte that starts an invalid UTF-8 sequence (a cut-off tail counts as valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return n;
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += len;
  }
  return n;
}
