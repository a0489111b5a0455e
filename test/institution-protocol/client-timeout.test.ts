import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstitutionClient } from '../../src/institution-protocol/client.js';
import { createSigner, keyPairFromSeed } from '../../src/institution-protocol/signing.js';

/**
 * The client's per-exchange timeout: an institution that never answers, or stops half-way
 * through its answer, is a retry with reason "timeout"; a caller's own signal still aborts.
 */
const signer = createSigner('levee-1', keyPairFromSeed(new Uint8Array(32).fill(3)).privateKey);
const body = '{"type":"holder-query"}';
const held: ServerResponse[] = [];
const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (req.url?.startsWith('/silent/')) held.push(res);
      else if (req.url?.startsWith('/stalls/')) {
        // Headers and half a body, then nothing.
        res.writeHead(202, { 'content-type': 'application/json' });
        res.write('{"requestId":');
        held.push(res);
      } else {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"requestId":"R1","status":"received"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function clientFor(path: string, timeoutMs: number): InstitutionClient {
  return new InstitutionClient({
    signer,
    endpoints: new Map([['B01', { baseUrl: `${base}/${path}/inst/B01`, timeoutMs }]]),
  });
}

describe('institution client timeouts', () => {
  it('answers in time: accepted, sent signed and as JSON', async () => {
    const client = clientFor('ok', 2_000);
    const outcome = await client.sendRaw('B01', 'holder-query', body, 'req-ok-000000001');
    await client.close();
    expect(outcome.kind).toBe('accepted');
    const request = seen.find((s) => s.url.startsWith('/ok/'))!;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe('req-ok-000000001');
    expect(request.headers['x-levee-signature']).toBeTruthy();
  });

  it('an institution that never answers is a retry for timeout', async () => {
    const client = clientFor('silent', 150);
    const outcome = await client.sendRaw('B01', 'holder-query', body, 'req-silent-00001');
    await client.close();
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'timeout', detail: 'no answer within 150 ms' });
  });

  it('an answer that stops half-way is a retry for timeout', async () => {
    const client = clientFor('stalls', 150);
    const outcome = await client.sendRaw('B01', 'holder-query', body, 'req-stalls-00001');
    await client.close();
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'timeout' });
  });

  it("a caller's own signal aborts the exchange (thrown, not a retry)", async () => {
    const client = clientFor('silent', 10_000);
    const controller = new AbortController();
    const sending = client.sendRaw('B01', 'holder-query', body, 'req-abort-000001', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(sending).rejects.toThrow();
    await client.close();
  });
});
