/** Shared test harness: a simulator server, a Levee-side callback receiver and a retrying client. */
import Fastify from 'fastify';
import { backoffDelayMs } from '../../src/institution-protocol/backoff.js';
import { registerCallbackRoute } from '../../src/institution-protocol/callback-route.js';
import { CallbackVerifier } from '../../src/institution-protocol/callback-verifier.js';
import { InstitutionClient, type SendOutcome } from '../../src/institution-protocol/client.js';
import { leveeSideOf } from '../../src/institution-protocol/keys-file.js';
import type { Feedback, InstitutionRequest } from '../../src/institution-protocol/schemas.js';
import { PRESET_SCENARIOS, type Scenario } from '../../src/sim/scenario.js';
import { type SimServer, startSimServer } from '../../src/sim/server.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Harness {
  sim: SimServer;
  client: InstitutionClient;
  /** Every verified callback, duplicates included, in arrival order. */
  received: Feedback[];
  /** Verified callbacks by feedbackId (duplicates collapse). */
  byFeedbackId: Map<string, Feedback>;
  callbackUrl: string;
  close(): Promise<void>;
}

export async function startHarness(
  options: { faults?: string; scenario?: Scenario; callbacks?: boolean } = {},
): Promise<Harness> {
  const receiver = Fastify({ logger: false });
  const received: Feedback[] = [];
  const byFeedbackId = new Map<string, Feedback>();
  let verifier: CallbackVerifier | undefined;
  await registerCallbackRoute(receiver, {
    path: '/callbacks/institution',
    verifier: {
      verify: (input) => {
        if (!verifier) throw new Error('not ready');
        return verifier.verify(input);
      },
      verifyAll: (input) => {
        if (!verifier) throw new Error('not ready');
        return verifier.verifyAll(input);
      },
    } as CallbackVerifier,
    onFeedback: (feedback) => {
      received.push(feedback);
      byFeedbackId.set(feedback.feedbackId, feedback);
    },
  });
  await receiver.listen({ host: '127.0.0.1', port: 0 });
  const address = receiver.server.address();
  const callbackUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callbacks/institution`;
  const sim = await startSimServer({
    scenario: options.scenario ?? PRESET_SCENARIOS['default']!,
    banks: 6,
    payments: 3,
    faults: options.faults ?? 'none',
    callbackUrl: options.callbacks === false ? undefined : callbackUrl,
  });
  const levee = leveeSideOf(sim.keys);
  verifier = new CallbackVerifier({ keyring: levee.keyring });
  const client = new InstitutionClient({ signer: levee.signer, endpoints: levee.endpoints, timeoutMs: 400 });
  return {
    sim,
    client,
    received,
    byFeedbackId,
    callbackUrl,
    close: async () => {
      await client.close();
      await sim.close();
      await receiver.close();
    },
  };
}

/** What an outbox worker does: resend the same request (same idempotency key) until accepted. */
export async function sendUntilAccepted(
  client: InstitutionClient,
  institution: string,
  request: InstitutionRequest,
): Promise<{ outcome: Extract<SendOutcome, { kind: 'accepted' }>; attempts: number }> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await client.send(institution, request);
    if (outcome.kind === 'accepted') return { outcome, attempts: attempt + 1 };
    if (outcome.kind === 'refused') throw new Error(`refused: ${JSON.stringify(outcome.problem)}`);
    await sleep(backoffDelayMs(attempt, { baseMs: 20, capMs: 250 }));
  }
}

let counter = 0;
export function requestId(prefix = 'req'): string {
  counter++;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function envelope(id = requestId()) {
  return {
    requestId: id,
    caseNumber: 'A4201002023102700001',
    authority: { code: '420100', name: '武汉市公安局反诈中心' },
    document: { number: '武公(反诈)止字[2023]0001号' },
    issuedAt: new Date().toISOString(),
  };
}

/** A mule account of the simulated world (institution, number, holder name). */
export function muleAccount(sim: SimServer, level: number, index: number) {
  const world = sim.simulator.world;
  const account = world.gangs[0]!.levels[level]![index]!;
  const ledger = world.ledger;
  return {
    account,
    institution: world.institutions[ledger.inst[account]!]!.code,
    number: ledger.number[account]!,
    name: world.persons[ledger.holder[account]!]!.name,
  };
}
