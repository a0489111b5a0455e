import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createSigner,
  Keyring,
  keyPairFromSeed,
  signRequest,
  verifySignature,
} from '../../src/institution-protocol/signing.js';

// The worked signing example of docs/institution-protocol.md, recomputed.
describe('docs/institution-protocol.md worked example', () => {
  const doc = readFileSync(new URL('../../docs/institution-protocol.md', import.meta.url), 'utf8');
  const body =
    '{"type":"stop-payment","requestId":"SP-20231027-000001","caseNumber":"A4201002023102700001","authority":{"code":"420100","name":"武汉市公安局反诈中心"},"document":{"number":"武公(反诈)止字[2023]0001号"},"issuedAt":"2023-10-27T14:05:00+08:00","account":{"number":"6222021234567890128","name":"张伟"},"amount":5000000}';

  it('gives the keys, body and signature printed on the page', () => {
    const pair = keyPairFromSeed(new Uint8Array(32).fill(1));
    const headers = signRequest(createSigner('levee-1', pair.privateKey), {
      method: 'POST',
      path: '/levee/v1/stop-payments',
      body,
      idempotencyKey: 'SP-20231027-000001',
      timestamp: 1698386700000,
      nonce: 'q8Zk1v3S2yXo0cWmB7nEJg',
    });
    expect(doc).toContain(pair.publicKey);
    expect(doc).toContain(pair.privateKey);
    expect(doc).toContain(body);
    expect(doc).toContain(`X-Levee-Signature: ${headers['x-levee-signature']}`);
    const keyring = new Keyring([['levee-1', pair.publicKey]]);
    expect(
      verifySignature(keyring, {
        method: 'POST',
        path: '/levee/v1/stop-payments',
        body,
        headers: { ...headers },
      }).keyId,
    ).toBe('levee-1');
  });
});
