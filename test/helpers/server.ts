/**
 * Levee in-process for tests: a fresh database, migrations applied, the demo city loaded, and the
 * Fastify app ready for inject() (HTTP without sockets) or listening on a free port for a browser.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { createContext, type LeveeContext } from '../../src/context.js';
import { DEMO_PASSWORD } from '../../src/services/demo-seed.js';
import { createTestDatabase } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly ctx: LeveeContext;
  login(username: string, password?: string): Promise<Session>;
  /** The id of a unit of the demo city by its code (WH-JA-DZ-01 is 大智社区). */
  unitId(code: string): Promise<number>;
  close(): Promise<void>;
}

export interface Session {
  readonly cookie: string;
  readonly csrf: string;
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function createTestApp(
  options: {
    database?: 'sqlite' | 'postgres';
    demo?: boolean;
    clock?: Clock;
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(options.database ?? 'sqlite');
  const dataDir = mkdtempSync(join(tmpdir(), 'levee-data-'));
  const config = loadConfig({
    LEVEE_DATABASE_URL: database.url,
    LEVEE_DATA_DIR: dataDir,
    LEVEE_LOG_LEVEL: 'silent',
    LEVEE_DEMO: options.demo === false ? 'false' : 'true',
    ...options.env,
  });
  const ctx = await createContext(config, {
    prepare: true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = await buildApp(ctx);
  await app.ready();
  const login = async (username: string, password = DEMO_PASSWORD): Promise<Session> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login ${username} failed: ${response.statusCode} ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'levee_session');
    const csrf = (response.json() as { csrfToken: string }).csrfToken;
    const cookieHeader = `levee_session=${cookie!.value}`;
    return {
      cookie: cookieHeader,
      csrf,
      request: (method, url, body, headers = {}) =>
        app.inject({
          method: method as 'GET',
          url,
          headers: { cookie: cookieHeader, 'x-csrf-token': csrf, ...headers },
          ...(body === undefined
            ? {}
            : typeof body === 'string'
              ? { payload: body }
              : { payload: body as object }),
        }),
    };
  };
  const unitId = async (code: string) =>
    (await ctx.store.db.selectFrom('unit').select('id').where('code', '=', code).executeTakeFirstOrThrow())
      .id;
  return {
    app,
    ctx,
    login,
    unitId,
    close: async () => {
      await app.close();
      await ctx.close();
      await database.drop();
    },
  };
}

/** A listening server, for the browser tests. */
export async function startTestServer(
  opts: { demo?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const t = await createTestApp({ demo: opts.demo ?? true });
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: t.close };
}
