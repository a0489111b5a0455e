/**
 * A Fastify plugin for Levee's callback endpoint: raw body kept for the signature check, verified
 * feedback handed to `onFeedback`; 204 when it resolves (the institution stops resending), the
 * protocol error otherwise, 500 if `onFeedback` throws (the institution will resend). A feedback
 * batch is answered 200 with one result per item (204, or 500 for those to resend).
 */
import type { FastifyInstance } from 'fastify';
import { type CallbackVerifier, problemOf } from './callback-verifier.js';
import type { Feedback } from './schemas.js';

export interface CallbackRouteOptions {
  path: string;
  verifier: CallbackVerifier;
  onFeedback: (feedback: Feedback) => Promise<void> | void;
}

export async function registerCallbackRoute(
  app: FastifyInstance,
  options: CallbackRouteOptions,
): Promise<void> {
  await app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    child.post(options.path, async (request, reply) => {
      let received: { batch: boolean; items: Feedback[] };
      try {
        received = options.verifier.verifyAll({
          method: request.method,
          path: request.url,
          headers: request.headers,
          body: (request.body as Buffer | undefined) ?? '',
        });
      } catch (error) {
        const problem = problemOf(error);
        return reply.code(problem.status).send(problem.body);
      }
      if (!received.batch) {
        await options.onFeedback(received.items[0]!);
        return reply.code(204).send();
      }
      const results = await Promise.all(
        received.items.map(async (feedback) => {
          try {
            await options.onFeedback(feedback);
            return { feedbackId: feedback.feedbackId, status: 204 };
          } catch {
            return {
              feedbackId: feedback.feedbackId,
              status: 500,
              problem: { code: 'INTERNAL', message: 'not stored; resend' },
            };
          }
        }),
      );
      return reply.code(200).send({ results });
    });
  });
}
