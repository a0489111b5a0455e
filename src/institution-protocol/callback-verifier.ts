/**
 * Levee's side of callbacks: check the institution's signature, the timestamp window and the
 * nonce, that the institution speaks only for itself, and the feedback schema. Whatever passes is
 * authentic feedback; de-duplication by feedbackId/seq is the gateway's job (duplicates are
 * expected — institutions resend until they get a 2xx).
 */
import { ProtocolError, RequestValidationError, SignatureError } from './errors.js';
import { ReplayGuard } from './replay-guard.js';
import type { Feedback } from './schemas.js';
import {
  type HeaderBag,
  type Keyring,
  type SignatureFields,
  verifySignature,
  verifySignatureAsync,
} from './signing.js';
import { validateFeedbackOrBatch } from './validate.js';

export interface ReceivedHttp {
  method: string;
  /** Path and query exactly as received, e.g. /api/gateway/callbacks?x=1 */
  path: string;
  headers: HeaderBag;
  body: string | Uint8Array;
}

export class CallbackVerifier {
  private readonly keyring: Keyring;
  private readonly replay: ReplayGuard;

  constructor(options: { keyring: Keyring; replayGuard?: ReplayGuard; now?: () => number }) {
    this.keyring = options.keyring;
    this.replay = options.replayGuard ?? new ReplayGuard({ now: options.now });
  }

  /** Returns the verified feedback or throws a ProtocolError subclass (SignatureError, ReplayError, …). */
  verify(input: ReceivedHttp): Feedback {
    const { batch, items } = this.verifyAll(input);
    if (batch) throw new RequestValidationError('a feedback batch where one feedback was expected');
    return items[0]!;
  }

  /**
   * A single feedback or a batch (`{ "feedback": [...] }`, every item of the signing institution):
   * one signature, timestamp and nonce for the whole body.
   */
  verifyAll(input: ReceivedHttp): { batch: boolean; items: Feedback[] } {
    return this.accept(input, verifySignature(this.keyring, input));
  }

  /** `verifyAll` with the signature checked off the event loop (see `verifySignatureAsync`). */
  async verifyAllAsync(input: ReceivedHttp): Promise<{ batch: boolean; items: Feedback[] }> {
    return this.accept(input, await verifySignatureAsync(this.keyring, input));
  }

  /** The rest once the signature holds: the nonce is new, the body is feedback of the signer. */
  private accept(input: ReceivedHttp, fields: SignatureFields): { batch: boolean; items: Feedback[] } {
    this.replay.check(fields.keyId, fields.timestamp, fields.nonce);
    let json: unknown;
    try {
      json = JSON.parse(
        typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf8'),
      );
    } catch {
      throw new RequestValidationError('the callback body is not JSON');
    }
    const received = validateFeedbackOrBatch(json);
    for (const feedback of received.items)
      if (feedback.institution !== fields.keyId)
        throw new SignatureError(
          'SIGNATURE_INVALID',
          `key "${fields.keyId}" may not send feedback for institution "${feedback.institution}"`,
        );
    return received;
  }
}

export function problemOf(error: unknown): {
  status: number;
  body: { code: string; message: string; field?: string };
} {
  if (error instanceof ProtocolError)
    return {
      status: error.status,
      body: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
    };
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}
