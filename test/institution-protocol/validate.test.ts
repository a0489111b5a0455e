import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/institution-protocol/errors.js';
import { IdempotencyStore } from '../../src/institution-protocol/idempotency.js';
import { IdempotencyConflictError } from '../../src/institution-protocol/errors.js';
import { validateOutgoing } from '../../src/institution-protocol/validate.js';

const now = Date.parse('2024-01-10T12:00:00+08:00');
const envelope = {
  requestId: 'req-0000000001',
  caseNumber: 'A42010020240110001',
  authority: { code: '420100', name: '武汉市公安局反诈中心' },
  document: { number: '武公(反诈)止字[2024]0001号' },
  issuedAt: '2024-01-10T11:59:00+08:00',
};
const account = { number: '6222021234567890123', name: '张伟' };
const institutions = new Set(['ICBC', 'ALIPAY']);

function field(institution: string, body: unknown): string {
  try {
    validateOutgoing(institution, body, { institutions, now });
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return (error as RequestValidationError).field ?? '?';
  }
}

describe('request validation (before anything is queued)', () => {
  it('accepts good requests', () => {
    expect(field('ICBC', { type: 'stop-payment', ...envelope, account, amount: 100 })).toBe('ok');
    expect(
      field('ICBC', {
        type: 'transaction-query',
        ...envelope,
        account,
        from: '2024-01-01T00:00:00+08:00',
        to: '2024-01-10T12:00:00+08:00',
      }),
    ).toBe('ok');
  });

  it('refuses unknown institution, malformed account, amount ≤ 0, window in the future, unknown type', () => {
    expect(field('NOBANK', { type: 'stop-payment', ...envelope, account, amount: 100 })).toBe('institution');
    expect(
      field('ICBC', {
        type: 'stop-payment',
        ...envelope,
        account: { ...account, number: '6222-0212' },
        amount: 100,
      }),
    ).toBe('account.number');
    expect(field('ICBC', { type: 'stop-payment', ...envelope, account, amount: 0 })).toBe('amount');
    expect(field('ICBC', { type: 'stop-payment', ...envelope, account, amount: -5 })).toBe('amount');
    expect(field('ICBC', { type: 'stop-payment', ...envelope, account, amount: 1.5 })).toBe('amount');
    const window = (from: string, to: string) =>
      field('ICBC', { type: 'transaction-query', ...envelope, account, from, to });
    expect(window('2024-01-11T00:00:00+08:00', '2024-01-12T00:00:00+08:00')).toBe('from');
    expect(window('2024-01-01T00:00:00+08:00', '2024-01-12T00:00:00+08:00')).toBe('to');
    expect(window('2024-01-05T00:00:00+08:00', '2024-01-01T00:00:00+08:00')).toBe('to');
    expect(window('2024-01-05', '2024-01-06T00:00:00+08:00')).toBe('from');
    expect(field('ICBC', { type: 'freeze', ...envelope, account, termMonths: 9 })).toBe('termMonths');
    expect(field('ICBC', { type: 'freeze', ...envelope, account, termMonths: 9, majorCase: true })).toBe(
      'ok',
    );
    expect(field('ICBC', { type: 'wire-transfer', ...envelope })).toBe('type');
    expect(field('ICBC', { type: 'freeze', ...envelope, account, colour: 'red' })).not.toBe('ok');
  });
});

describe('idempotency store', () => {
  it('replays the stored answer for the same key and body, and refuses another body', () => {
    const store = new IdempotencyStore<string>();
    const first = store.lookup('ICBC', 'key-00000001', 'body-a');
    expect(first.kind).toBe('new');
    if (first.kind === 'new')
      store.store('ICBC', 'key-00000001', first.bodyHash, { status: 202, body: 'ack-a' });
    expect(store.lookup('ICBC', 'key-00000001', 'body-a')).toEqual({
      kind: 'replay',
      answer: { status: 202, body: 'ack-a' },
    });
    expect(() => store.lookup('ICBC', 'key-00000001', 'body-b')).toThrow(IdempotencyConflictError);
    expect(store.lookup('CCB', 'key-00000001', 'body-b').kind).toBe('new');
  });

  it('forgets keys after the TTL', () => {
    let now = 0;
    const store = new IdempotencyStore<string>({ ttlMs: 1000, now: () => now });
    const r = store.lookup('s', 'key-00000001', 'x');
    if (r.kind === 'new') store.store('s', 'key-00000001', r.bodyHash, { status: 202, body: 'a' });
    now = 1001;
    expect(store.lookup('s', 'key-00000001', 'y').kind).toBe('new');
  });

  it('counts keys across scopes and sweeps the expired ones out', () => {
    let now = 0;
    const store = new IdempotencyStore<string>({ ttlMs: 1000, now: () => now });
    const put = (scope: string, key: string) => {
      const r = store.lookup(scope, key, key);
      if (r.kind === 'new') store.store(scope, key, r.bodyHash, { status: 202, body: key });
    };
    put('a', 'key-00000001');
    put('b', 'key-00000001');
    put('a', 'key-00000001');
    now = 500;
    put('a', 'key-00000002');
    expect(store.size).toBe(3);
    now = 1200;
    put('c', 'key-00000003');
    expect(store.size).toBe(2);
    expect(store.lookup('a', 'key-00000002', 'key-00000002').kind).toBe('replay');
  });
});
