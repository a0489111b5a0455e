/**
 * Levee's callback endpoint, behind the HTTP route: verify the institution's signature (one for a
 * whole feedback batch), store the feedback, say what to resend. A single feedback is answered
 * 204 once stored (also a duplicate), 404/403 when it names no request of the signer; a batch is
 * answered 200 with one result per item in the same terms, so the institution resends only the
 * items that need it. A storage failure is a 500 for everything (the institution resends).
 */
import { isLeveeError } from '../core/errors.js';
import {
  type CallbackVerifier,
  problemOf,
  type ReceivedHttp,
} from '../institution-protocol/callback-verifier.js';
import type { Feedback } from '../institution-protocol/schemas.js';
import type { GatewayService } from './gateway.service.js';

export interface CallbackAnswer {
  readonly status: number;
  readonly body?: unknown;
  /** The protocol error code when the whole callback was refused (for the log). */
  readonly refused?: string;
}

export async function handleCallback(
  gateway: GatewayService,
  verifier: CallbackVerifier,
  input: ReceivedHttp,
): Promise<CallbackAnswer> {
  let received: { batch: boolean; items: Feedback[] };
  try {
    // The signature is checked on the thread pool: at a few thousand callbacks a second it was
    // a tenth of the API process's event loop.
    received = await verifier.verifyAllAsync(input);
  } catch (error) {
    const problem = problemOf(error);
    return { status: problem.status, body: problem.body, refused: problem.body.code };
  }
  const outcomes = received.batch
    ? await gateway.applyFeedbackMany(received.items, 'callback')
    : [await gateway.applyFeedback(received.items[0]!, 'callback').catch((error: unknown) => error)];
  const answers = outcomes.map((outcome) => {
    if (outcome === 'applied' || outcome === 'duplicate') return { status: 204 };
    if (isLeveeError(outcome) && outcome.status < 500)
      return {
        status: outcome.status === 403 ? 403 : 404,
        problem: { code: 'NOT_FOUND', message: outcome.message },
      };
    throw outcome;
  });
  if (!received.batch) {
    const only = answers[0]!;
    return only.status === 204 ? { status: 204 } : { status: only.status, body: only.problem };
  }
  return {
    status: 200,
    body: {
      results: answers.map((a, i) => ({ feedbackId: received.items[i]!.feedbackId, ...a })),
    },
  };
}
