import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

describe('operations endpoints and the API description', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('answers health, readiness and Prometheus metrics without a session', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready' });
    await t.app.inject('/api/units');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(
      /levee_http_request_duration_seconds_count\{method="GET",route="\/api\/units",status="401"\} 1/,
    );
    expect(metrics.body).toMatch(/levee_process_cpu_seconds_total/);
  });

  it('says it is not ready when the database is gone', async () => {
    const broken = await createTestApp();
    await broken.ctx.store.db.destroy();
    const response = await broken.app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('LEVEE_NOT_READY');
    await broken.app.close();
  });

  it('serves an OpenAPI document in which every API route has input and output schemas and problem responses', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const served = t.app.routeTable.filter(
      (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'),
    );
    expect(served.length).toBeGreaterThan(15);
    for (const route of served) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url} missing from OpenAPI`).toBeDefined();
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
      expect(
        Object.keys(operation!.responses).some((code) => /^2\d\d$/.test(code)),
        `${route.method} ${route.url} has no success schema`,
      ).toBe(true);
    }
  });

  it('documents every error code of the catalogue in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(LEVEE_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.status]);
    expect(documented).toEqual(catalogue);
  });

  it('serves the console for non-API paths and a problem for unknown API paths', async () => {
    const api = await t.app.inject('/api/unknown');
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('LEVEE_ROUTE_NOT_FOUND');
    const page = await t.app.inject('/cases/42');
    if (page.statusCode === 200) expect(page.body).toMatch(/<div id="root">/);
    else expect(page.json().code).toBe('LEVEE_ROUTE_NOT_FOUND');
  });
});
