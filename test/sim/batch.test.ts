/**
 * Batches: several signed requests in one exchange (POST /v1/batches) and several feedbacks in
 * one callback. Each item keeps the guarantees of a single message: one signature covers the
 * whole body (a bad one, an old timestamp or a replayed nonce refuses everything), each item is
 * idempotent by its own key (also across single and batched sends), and a forged batched
 * callback is refused.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/institution-protocol/backoff.js';
import { CallbackVerifier } from '../../src/institution-protocol/callback-verifier.js';
import type { InstitutionClient, SendOutcome } from '../../src/institution-protocol/client.js';
import { SignatureError } from '../../src/institution-protocol/errors.js';
import { leveeSideOf } from '../../src/institution-protocol/keys-file.js';
import type { InstitutionRequest } from '../../src/institution-protocol/schemas.js';
import { createSigner, generateKeyPairText, signRequest } from '../../src/institution-protocol/signing.js';
import { envelope, type Harness, muleAccount, requestId, sleep, startHarness } from './_harness.js';

type Item = { type: InstitutionRequest['type']; body: string; idempotencyKey: string };

function item(req: InstitutionRequest): Item {
  return { type: req.type, body: JSON.stringify(req), idempotencyKey: req.requestId };
}

function batchBody(items: readonly Item[]): string {
  return JSON.stringify({
    items: items.map((i) => ({
      type: i.type,
      idempotencyKey: i.idempotencyKey,
      request: JSON.parse(i.body),
    })),
  });
}

/** Resend the items not yet accepted, in batches, the way the dispatcher does. */
async function sendAllUntilAccepted(client: InstitutionClient, institution: string, items: readonly Item[]) {
  const accepted = new Map<string, Extract<SendOutcome, { kind: 'accepted' }>>();
  let exchanges = 0;
  for (let attempt = 0; accepted.size < items.length; attempt++) {
    const open = items.filter((i) => !accepted.has(i.idempotencyKey));
    const outcomes = await client.sendBatch(institution, open);
    exchanges++;
    if (outcomes === 'unsupported') throw new Error('the simulator has a batch endpoint');
    for (const [n, outcome] of outcomes.entries()) {
      if (outcome.kind === 'accepted') accepted.set(open[n]!.idempotencyKey, outcome);
      else if (outcome.kind === 'refused') throw new Error(`refused: ${JSON.stringify(outcome.problem)}`);
    }
    if (accepted.size < items.length) await sleep(backoffDelayMs(attempt, { baseMs: 20, capMs: 250 }));
  }
  return { accepted, exchanges };
}

describe('request batches: signatures, replay, idempotency', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  function requestsFor(level: number, index: number) {
    const m = muleAccount(h.sim, level, index);
    const account = { number: m.number, name: m.name };
    return {
      inst: m.institution,
      requests: [
        { type: 'freeze' as const, ...envelope(requestId('bfz')), account },
        { type: 'holder-query' as const, ...envelope(requestId('bhq')), account: { number: m.number } },
        { type: 'stop-payment' as const, ...envelope(requestId('bsp')), account, amount: 100_00 },
      ] satisfies InstitutionRequest[],
    };
  }

  async function postBatch(inst: string, body: string, headers: object) {
    const response = await request(`${h.sim.url}/inst/${inst}/v1/batches`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
  }

  function signed(inst: string, body: string, overrides: { timestamp?: number; key?: string } = {}) {
    const levee = leveeSideOf(h.sim.keys);
    const signer = overrides.key ? createSigner(levee.signer.keyId, overrides.key) : levee.signer;
    return signRequest(signer, {
      method: 'POST',
      path: `/inst/${inst}/v1/batches`,
      body,
      timestamp: overrides.timestamp,
    });
  }

  it('accepts every item of a well-signed batch, executes each once and answers each by callback', async () => {
    const { inst, requests } = requestsFor(0, 0);
    const outcomes = await h.client.sendBatch(inst, requests.map(item));
    expect(outcomes).not.toBe('unsupported');
    expect((outcomes as SendOutcome[]).map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const [n, o] of (outcomes as SendOutcome[]).entries())
      expect(o.kind === 'accepted' && o.ack.requestId).toBe(requests[n]!.requestId);
    while (requests.some((r) => ![...h.byFeedbackId.values()].some((f) => f.requestId === r.requestId)))
      await sleep(10);
    for (const r of requests) expect(h.sim.simulator.executionCount(inst, r.requestId)).toBe(1);
  });

  it('refuses the whole batch for a bad signature, a tampered body, an old timestamp or a replayed nonce', async () => {
    const { inst, requests } = requestsFor(0, 1);
    const body = batchBody(requests.map(item));
    const wrongKey = await postBatch(
      inst,
      body,
      signed(inst, body, { key: generateKeyPairText().privateKey }),
    );
    expect([wrongKey.status, wrongKey.json['code']]).toEqual([401, 'SIGNATURE_INVALID']);
    const tampered = await postBatch(
      inst,
      body.replace('"amount":10000', '"amount":10001'),
      signed(inst, body),
    );
    expect([tampered.status, tampered.json['code']]).toEqual([401, 'SIGNATURE_INVALID']);
    const old = await postBatch(inst, body, signed(inst, body, { timestamp: Date.now() - 6 * 60_000 }));
    expect([old.status, old.json['code']]).toEqual([401, 'TIMESTAMP_OUT_OF_WINDOW']);
    const fresh = signed(inst, body);
    const first = await postBatch(inst, body, fresh);
    expect(first.status).toBe(200);
    const replayed = await postBatch(inst, body, fresh);
    expect([replayed.status, replayed.json['code']]).toEqual([401, 'NONCE_REPLAYED']);
    await sleep(50);
    // only the one accepted exchange was executed, each item once
    for (const r of requests) expect(h.sim.simulator.executionCount(inst, r.requestId)).toBe(1);
  });

  it('keeps each item idempotent by its own key, across single and batched sends', async () => {
    const { inst, requests } = requestsFor(1, 0);
    const [a, b, c] = requests.map(item) as [Item, Item, Item];
    // a goes alone first; then a batch with a, b and c
    const single = await h.client.sendRaw(inst, a.type, a.body, a.idempotencyKey);
    expect(single.kind).toBe('accepted');
    const first = (await h.client.sendBatch(inst, [a, b, c])) as SendOutcome[];
    expect(first.map((o) => o.kind === 'accepted' && o.replayed)).toEqual([true, false, false]);
    expect(first[0]!.kind === 'accepted' && single.kind === 'accepted' && first[0]!.ack).toEqual(
      single.kind === 'accepted' && single.ack,
    );
    // the same batch again: all replayed, the same answers
    const again = (await h.client.sendBatch(inst, [a, b, c])) as SendOutcome[];
    expect(again.map((o) => o.kind === 'accepted' && o.replayed)).toEqual([true, true, true]);
    // b's key with another body is refused; the other items of that batch are not affected
    const conflicting = { ...b, body: b.body.replace('"caseNumber":"', '"caseNumber":"X') };
    const mixed = (await h.client.sendBatch(inst, [conflicting, c])) as SendOutcome[];
    expect(mixed[0]).toMatchObject({
      kind: 'refused',
      httpStatus: 409,
      problem: { code: 'IDEMPOTENCY_CONFLICT' },
    });
    expect(mixed[1]).toMatchObject({ kind: 'accepted', replayed: true });
    await sleep(50);
    for (const r of requests) expect(h.sim.simulator.executionCount(inst, r.requestId)).toBe(1);
  });

  it('refuses a bad item without refusing the others', async () => {
    const { inst, requests } = requestsFor(1, 1);
    const bad = { ...requests[0]!, requestId: requestId('bad'), account: { number: '12AB', name: 'x' } };
    const outcomes = (await h.client.sendBatch(inst, [item(bad), item(requests[1]!)])) as SendOutcome[];
    expect(outcomes[0]).toMatchObject({
      kind: 'refused',
      httpStatus: 400,
      problem: { code: 'VALIDATION', field: 'account.number' },
    });
    expect(outcomes[1]!.kind).toBe('accepted');
    await sleep(50);
    expect(h.sim.simulator.executionCount(inst, bad.requestId)).toBe(0);
  });

  it('Levee refuses a forged batched callback: wrong key, or an institution speaking for another', () => {
    const verifier = new CallbackVerifier({ keyring: leveeSideOf(h.sim.keys).keyring });
    const [a, b] = h.sim.keys.institutions;
    const feedback = (institution: string, n: number) => ({
      type: 'freeze',
      feedbackId: `${institution}-99${n}`,
      seq: 990 + n,
      institution,
      requestId: `forged-request-${n}`,
      result: 'executed',
      answeredAt: new Date().toISOString(),
    });
    const path = '/callbacks/institution';
    const own = JSON.stringify({ feedback: [feedback(a!.code, 1), feedback(a!.code, 2)] });
    const genuine = createSigner(a!.code, a!.privateKey!);
    expect(
      verifier.verifyAll({
        method: 'POST',
        path,
        body: own,
        headers: { ...signRequest(genuine, { method: 'POST', path, body: own }) },
      }).items.length,
    ).toBe(2);
    const forger = createSigner(a!.code, generateKeyPairText().privateKey);
    expect(() =>
      verifier.verifyAll({
        method: 'POST',
        path,
        body: own,
        headers: { ...signRequest(forger, { method: 'POST', path, body: own }) },
      }),
    ).toThrow(SignatureError);
    // a's genuine key, but one item speaks for b
    const mixed = JSON.stringify({ feedback: [feedback(a!.code, 3), feedback(b!.code, 4)] });
    expect(() =>
      verifier.verifyAll({
        method: 'POST',
        path,
        body: mixed,
        headers: { ...signRequest(genuine, { method: 'POST', path, body: mixed }) },
      }),
    ).toThrow(SignatureError);
  });
});

describe('batches exactly once under injected faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ faults: 'chaos' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('every item is executed exactly once and answered, feedback arriving in batched callbacks too', async () => {
    const world = h.sim.simulator.world;
    const byInstitution = new Map<string, Item[]>();
    for (const level of world.gangs[0]!.levels.keys()) {
      for (const index of world.gangs[0]!.levels[level]!.keys()) {
        const m = muleAccount(h.sim, level, index);
        const account = { number: m.number, name: m.name };
        const items = byInstitution.get(m.institution) ?? [];
        for (let n = 0; n < 4; n++) {
          items.push(item({ type: 'stop-payment', ...envelope(requestId('csp')), account, amount: 1_00 }));
          items.push(
            item({ type: 'holder-query', ...envelope(requestId('chq')), account: { number: m.number } }),
          );
        }
        byInstitution.set(m.institution, items);
      }
    }
    const all = [...byInstitution].flatMap(([institution, items]) =>
      items.map((i) => ({ institution, id: i.idempotencyKey })),
    );
    // each institution's items are sent twice over, concurrently, as two confused dispatchers would
    const jobs = [...byInstitution].flatMap(([institution, items]) => [
      sendAllUntilAccepted(h.client, institution, items),
      sendAllUntilAccepted(h.client, institution, [...items].reverse()),
    ]);
    const results = await Promise.all(jobs);
    expect(results.some((r) => r.exchanges > 1)).toBe(true);
    const answered = new Set<string>();
    for (let round = 0; answered.size < all.length; round++) {
      for (const f of h.byFeedbackId.values()) answered.add(f.requestId);
      if (round > 0 && round % 10 === 0) {
        for (const r of all) {
          if (answered.has(r.id)) continue;
          const status = await h.client.getStatus(r.institution, r.id);
          if (status.kind === 'ok' && status.value.feedback) answered.add(r.id);
        }
      }
      await sleep(50);
    }
    for (const r of all) expect(h.sim.simulator.executionCount(r.institution, r.id)).toBe(1);
    expect(h.sim.simulator.stats().duplicateExecutions).toBe(0);
    const cb = h.sim.callbackStats();
    expect(cb.batches).toBeGreaterThan(0);
    expect(cb.dropped + cb.duplicated).toBeGreaterThan(0);
  });
});
