/**
 * A Fastify plugin for Levee's callback endpoint: raw body kept for the signature check, verified
 * feedback handed to `onFeedback`; 204 when it resolves (the institution stops resending), the
 * protocol error otherwise, 500 if `onFeedback` throws (the institution will resend).
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
      let feedback: Feedback;
      try {
        feedback = options.verifier.verify({
          method: request.method,
          path: request.url,
          headers: request.headers,
          body: (request.body as Buffer | undefined) ?? '',
        });
      } catch (error) {
        const problem = problemOf(error);
        return reply.code(problem.status).send(problem.body);
      }
      await options.onFeedback(feedback);
      return reply.code(204).send();
    });
  });
}
