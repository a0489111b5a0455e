import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_ERRORS } from '../../src/institution-protocol/errors.js';
import { buildOpenApiDocument } from '../../src/institution-protocol/openapi.js';
import { REQUEST_TYPES } from '../../src/institution-protocol/schemas.js';

describe('docs/institution-protocol.openapi.json', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../../docs/institution-protocol.openapi.json', import.meta.url), 'utf8'),
  );
  const generated = buildOpenApiDocument();

  it('is what src/institution-protocol/openapi.ts generates (run `node dist/src/institution-protocol/openapi.js`)', () => {
    expect(committed).toEqual(generated);
  });

  it('has one POST per request type, both polling endpoints and the feedback webhook', () => {
    const paths = generated['paths'] as Record<string, Record<string, unknown>>;
    for (const spec of Object.values(REQUEST_TYPES)) expect(paths[spec.path]?.['post']).toBeDefined();
    expect(paths['/v1/requests/{requestId}']?.['get']).toBeDefined();
    expect(paths['/v1/feedback']?.['get']).toBeDefined();
    expect((generated['webhooks'] as Record<string, unknown>)['feedback']).toBeDefined();
  });

  it('lists every protocol error code, and every $ref resolves', () => {
    const components = generated['components'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(components['x-error-codes']!).sort()).toEqual(Object.keys(PROTOCOL_ERRORS).sort());
    const refs = JSON.stringify(generated).match(/"\$ref":"#\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const r of new Set(refs)) {
      const path = r.slice(8, -1).split('/').slice(1);
      let node: unknown = generated;
      for (const part of path) node = (node as Record<string, unknown>)[part];
      expect(node, r).toBeDefined();
    }
  });
});
