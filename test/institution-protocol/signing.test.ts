import { describe, expect, it } from 'vitest';
import { ReplayError, SignatureError } from '../../src/institution-protocol/errors.js';
import { ReplayGuard } from '../../src/institution-protocol/replay-guard.js';
import {
  canonicalString,
  createSigner,
  generateKeyPairText,
  Keyring,
  keyPairFromSeed,
  sha256Hex,
  signRequest,
  signRequestAsync,
  verifySignature,
  verifySignatureAsync,
} from '../../src/institution-protocol/signing.js';

const pair = keyPairFromSeed(new Uint8Array(32).fill(7));
const signer = createSigner('levee-1', pair.privateKey);
const keyring = new Keyring([['levee-1', pair.publicKey]]);
const body = '{"type":"holder-query"}';
const input = { method: 'POST', path: '/inst/ICBC/v1/holder-queries', body, idempotencyKey: 'req-00000001' };

describe('signing', () => {
  it('builds the documented canonical string', () => {
    expect(
      canonicalString({
        ...input,
        timestamp: '1698386400000',
        nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
        idempotencyKey: 'req-00000001',
      }),
    ).toBe(
      [
        'LEVEE-SIG-V1',
        'POST',
        '/inst/ICBC/v1/holder-queries',
        '1698386400000',
        'AAAAAAAAAAAAAAAAAAAAAA',
        'req-00000001',
        sha256Hex(body),
      ].join('\n'),
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is deterministic for a seed (Ed25519) and verifies', () => {
    const a = signRequest(signer, { ...input, timestamp: 1, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' });
    const b = signRequest(createSigner('levee-1', keyPairFromSeed(new Uint8Array(32).fill(7)).privateKey), {
      ...input,
      timestamp: 1,
      nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(a['x-levee-signature']).toBe(b['x-levee-signature']);
    const fields = verifySignature(keyring, { ...input, headers: { ...a } });
    expect(fields).toEqual({
      keyId: 'levee-1',
      timestamp: 1,
      nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
      idempotencyKey: 'req-00000001',
    });
  });

  it('signs and verifies the same off the event loop (thread pool)', async () => {
    const fixed = { ...input, timestamp: 1, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const a = await signRequestAsync(signer, fixed);
    expect(a).toEqual(signRequest(signer, fixed));
    expect(await verifySignatureAsync(keyring, { ...input, headers: { ...a } })).toEqual(
      verifySignature(keyring, { ...input, headers: { ...a } }),
    );
    await expect(
      verifySignatureAsync(keyring, { ...input, body: `${body} `, headers: { ...a } }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a changed body, path, method or idempotency key, another key, and missing headers', () => {
    const headers = { ...signRequest(signer, input) };
    const bad = (override: Partial<typeof input>, h: Record<string, string> = headers) => {
      try {
        verifySignature(keyring, { ...input, ...override, headers: h });
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(SignatureError);
        return (error as SignatureError).code;
      }
    };
    expect(bad({})).toBe('accepted');
    expect(bad({ body: `${body} ` })).toBe('SIGNATURE_INVALID');
    expect(bad({ path: '/inst/CCB/v1/holder-queries' })).toBe('SIGNATURE_INVALID');
    expect(bad({ method: 'PUT' })).toBe('SIGNATURE_INVALID');
    expect(bad({}, { ...headers, 'idempotency-key': 'req-00000002' })).toBe('SIGNATURE_INVALID');
    const other = signRequest(createSigner('levee-1', generateKeyPairText().privateKey), input);
    expect(bad({}, { ...other })).toBe('SIGNATURE_INVALID');
    expect(bad({}, { ...headers, 'x-levee-key-id': 'stranger' })).toBe('UNKNOWN_KEY');
    const { 'x-levee-nonce': _n, ...noNonce } = headers;
    expect(bad({}, noNonce)).toBe('SIGNATURE_MISSING');
  });
});

describe('replay guard', () => {
  it('refuses old and future timestamps and a reused nonce, and forgets nonces only after the window', () => {
    let now = 1_000_000_000;
    const guard = new ReplayGuard({ windowMs: 1000, now: () => now });
    const code = (f: () => void) => {
      try {
        f();
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(ReplayError);
        return (error as ReplayError).code;
      }
    };
    expect(code(() => guard.check('k', now - 1001, 'n1'))).toBe('TIMESTAMP_OUT_OF_WINDOW');
    expect(code(() => guard.check('k', now + 1001, 'n1'))).toBe('TIMESTAMP_OUT_OF_WINDOW');
    expect(code(() => guard.check('k', now, 'n1'))).toBe('ok');
    expect(code(() => guard.check('k', now, 'n1'))).toBe('NONCE_REPLAYED');
    expect(code(() => guard.check('other-key', now, 'n1'))).toBe('ok');
    for (let step = 0; step < 10; step++) {
      now += 300;
      // while the first timestamp could still pass the window check, the nonce stays remembered
      if (now - 1_000_000_000 <= 1000)
        expect(code(() => guard.check('k', 1_000_000_000, 'n1'))).toBe('NONCE_REPLAYED');
      guard.check('k', now, `fill-${step}`);
    }
    expect(guard.size).toBeGreaterThan(1);
    now += 5000;
    guard.check('k', now, 'late');
    expect(guard.size).toBe(1);
  });
});
