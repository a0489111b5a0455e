import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackVerifier } from '../../src/institution-protocol/callback-verifier.js';
import { SignatureError } from '../../src/institution-protocol/errors.js';
import { leveeSideOf } from '../../src/institution-protocol/keys-file.js';
import { createSigner, generateKeyPairText, signRequest } from '../../src/institution-protocol/signing.js';
import {
  envelope,
  type Harness,
  muleAccount,
  requestId,
  sendUntilAccepted,
  sleep,
  startHarness,
} from './_harness.js';

describe('simulator server: signatures, replay, idempotency', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  function freezeBody() {
    const m = muleAccount(h.sim, 1, 0);
    return {
      inst: m.institution,
      body: JSON.stringify({ type: 'freeze', ...envelope(), account: { number: m.number, name: m.name } }),
    };
  }

  async function post(inst: string, body: string, headers: object) {
    const response = await request(`${h.sim.url}/inst/${inst}/v1/freezes`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    return {
      status: response.statusCode,
      json: (await response.body.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  function signed(inst: string, body: string, overrides: { timestamp?: number; key?: string } = {}) {
    const levee = leveeSideOf(h.sim.keys);
    const signer = overrides.key ? createSigner(levee.signer.keyId, overrides.key) : levee.signer;
    const key = JSON.parse(body).requestId as string;
    return signRequest(signer, {
      method: 'POST',
      path: `/inst/${inst}/v1/freezes`,
      body,
      idempotencyKey: key,
      timestamp: overrides.timestamp,
    });
  }

  it('accepts a well-signed request', async () => {
    const { inst, body } = freezeBody();
    const r = await post(inst, body, { ...signed(inst, body) });
    expect(r.status).toBe(202);
    expect(r.json['status']).toBe('accepted');
  });

  it('refuses a bad signature, a tampered body, an old timestamp and a replayed nonce', async () => {
    const { inst, body } = freezeBody();
    const wrongKey = await post(inst, body, signed(inst, body, { key: generateKeyPairText().privateKey }));
    expect([wrongKey.status, wrongKey.json['code']]).toEqual([401, 'SIGNATURE_INVALID']);

    const headers = signed(inst, body);
    const tampered = await post(inst, body.replace('"freeze"', '"freeze" '), headers);
    expect([tampered.status, tampered.json['code']]).toEqual([401, 'SIGNATURE_INVALID']);

    const old = await post(inst, body, signed(inst, body, { timestamp: Date.now() - 6 * 60_000 }));
    expect([old.status, old.json['code']]).toEqual([401, 'TIMESTAMP_OUT_OF_WINDOW']);

    const fresh = signed(inst, body);
    expect((await post(inst, body, fresh)).status).toBe(202);
    const again = await post(inst, body, fresh);
    expect([again.status, again.json['code']]).toEqual([401, 'NONCE_REPLAYED']);

    const { ['x-levee-signature']: _drop, ...unsigned } = signed(inst, body);
    const missing = await post(inst, body, unsigned);
    expect([missing.status, missing.json['code']]).toEqual([401, 'SIGNATURE_MISSING']);
    // none of the refused attempts was executed; the accepted one once
    await sleep(50);
    expect(h.sim.simulator.executionCount(inst, JSON.parse(body).requestId)).toBe(1);
  });

  it('same key + same body → same answer, executed once; same key + other body → 409', async () => {
    const { inst, body } = freezeBody();
    const first = await post(inst, body, signed(inst, body));
    const second = await post(inst, body, signed(inst, body));
    expect(second.status).toBe(202);
    expect(second.json).toEqual(first.json);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const other = body.replace('"caseNumber":"', '"caseNumber":"X');
    const key = JSON.parse(body).requestId as string;
    const levee = leveeSideOf(h.sim.keys);
    const conflict = await post(
      inst,
      other,
      signRequest(levee.signer, {
        method: 'POST',
        path: `/inst/${inst}/v1/freezes`,
        body: other,
        idempotencyKey: key,
      }),
    );
    expect([conflict.status, conflict.json['code']]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    await sleep(50);
    expect(h.sim.simulator.executionCount(inst, key)).toBe(1);
  });

  it('answers by signed callback that Levee verifies, and by polling', async () => {
    const m = muleAccount(h.sim, 0, 0);
    const id = requestId('hq');
    await sendUntilAccepted(h.client, m.institution, {
      type: 'holder-query',
      ...envelope(id),
      account: { number: m.number },
    });
    while (![...h.byFeedbackId.values()].some((f) => f.requestId === id)) await sleep(10);
    const feedback = [...h.byFeedbackId.values()].find((f) => f.requestId === id)!;
    expect(feedback.type).toBe('holder-query');
    expect(feedback.body && 'name' in feedback.body && feedback.body.name).toBe(m.name);
    const polled = await h.client.getStatus(m.institution, id);
    expect(polled.kind === 'ok' && polled.value.feedback?.feedbackId).toBe(feedback.feedbackId);
    const page = await h.client.getFeedback(m.institution, 0, 1000);
    expect(page.kind === 'ok' && page.value.items.some((f) => f.feedbackId === feedback.feedbackId)).toBe(
      true,
    );
  });

  it('Levee refuses a forged callback: wrong key, or an institution speaking for another', async () => {
    const levee = leveeSideOf(h.sim.keys);
    const verifier = new CallbackVerifier({ keyring: levee.keyring });
    const [a, b] = h.sim.keys.institutions;
    const feedback = {
      type: 'freeze',
      feedbackId: `${a!.code}-999`,
      seq: 999,
      institution: a!.code,
      requestId: 'forged-request-1',
      result: 'executed',
      answeredAt: new Date().toISOString(),
    };
    const body = JSON.stringify(feedback);
    const path = '/callbacks/institution';
    const forger = createSigner(a!.code, generateKeyPairText().privateKey);
    expect(() =>
      verifier.verify({
        method: 'POST',
        path,
        body,
        headers: { ...signRequest(forger, { method: 'POST', path, body }) },
      }),
    ).toThrow(SignatureError);
    const other = createSigner(b!.code, b!.privateKey!);
    expect(() =>
      verifier.verify({
        method: 'POST',
        path,
        body,
        headers: { ...signRequest(other, { method: 'POST', path, body }) },
      }),
    ).toThrow(SignatureError);
    // over HTTP the callback route answers 401 and records nothing
    const before = h.received.length;
    const response = await request(h.callbackUrl, {
      method: 'POST',
      headers: { ...signRequest(forger, { method: 'POST', path, body }), 'content-type': 'application/json' },
      body,
    });
    expect(response.statusCode).toBe(401);
    await response.body.dump();
    expect(h.received.length).toBe(before);
  });

  it('refuses unknown institutions and bad bodies before anything is recorded', async () => {
    const m = muleAccount(h.sim, 0, 0);
    await expect(
      h.client.send('NOSUCHBANK', { type: 'holder-query', ...envelope(), account: { number: m.number } }),
    ).rejects.toThrow(/unknown institution/);
    const body = JSON.stringify({ type: 'freeze', ...envelope(), account: { number: '12AB', name: 'x' } });
    const r = await post(m.institution, body, signed(m.institution, body));
    expect([r.status, r.json['code'], r.json['field']]).toEqual([400, 'VALIDATION', 'account.number']);
  });
});

describe('exactly once under injected faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ faults: 'chaos' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('every request is executed exactly once and every answer arrives (callback or polling)', async () => {
    const world = h.sim.simulator.world;
    const requests: { institution: string; id: string }[] = [];
    const jobs: Promise<unknown>[] = [];
    let k = 0;
    for (const level of world.gangs[0]!.levels.keys()) {
      for (const index of world.gangs[0]!.levels[level]!.keys()) {
        const m = muleAccount(h.sim, level, index);
        const account = { number: m.number, name: m.name };
        const kinds = [
          { type: 'stop-payment' as const, ...envelope(requestId('sp')), account, amount: 1_000_000 },
          { type: 'freeze' as const, ...envelope(requestId('fz')), account },
          {
            type: 'transaction-query' as const,
            ...envelope(requestId('tq')),
            account,
            from: new Date(Date.now() - 3600_000).toISOString(),
            to: new Date().toISOString(),
          },
        ];
        for (const req of kinds) {
          requests.push({ institution: m.institution, id: req.requestId });
          jobs.push(sendUntilAccepted(h.client, m.institution, req));
          // every third request is also sent twice at once, as a confused dispatcher would
          if (k++ % 3 === 0) jobs.push(sendUntilAccepted(h.client, m.institution, req));
        }
      }
    }
    const results = (await Promise.all(jobs)) as { attempts: number }[];
    expect(results.length).toBeGreaterThan(requests.length);
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    // wait for an answer to every request: callbacks first, polling for the dropped ones
    const answered = new Map<string, string>();
    for (let round = 0; answered.size < requests.length; round++) {
      for (const f of h.byFeedbackId.values()) answered.set(f.requestId, f.result);
      if (round > 0 && round % 10 === 0) {
        for (const r of requests) {
          if (answered.has(r.id)) continue;
          const status = await h.client.getStatus(r.institution, r.id);
          if (status.kind === 'ok' && status.value.feedback) answered.set(r.id, status.value.feedback.result);
        }
      }
      await sleep(50);
    }
    for (const r of requests) expect(h.sim.simulator.executionCount(r.institution, r.id)).toBe(1);
    expect(h.sim.simulator.stats().duplicateExecutions).toBe(0);
    for (const r of requests) expect(['executed', 'partially-executed']).toContain(answered.get(r.id));
    // the faults really happened
    const cb = h.sim.callbackStats();
    expect(cb.dropped + cb.duplicated).toBeGreaterThan(0);
    expect(h.received.length).toBeGreaterThan(h.byFeedbackId.size);
  });
});
