import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

describe.each(DATABASES)('dashboard on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(async () => t?.close());

  it('counts the subtree’s records and its audit activity per local day', async () => {
    const analyst = await t.login('analyst');
    await t.login('duty');
    const body = (await analyst.request('GET', '/api/dashboard')).json();
    expect(body.figures).toMatchObject({
      units: 20,
      users: 7,
      persons: 5,
      personsByCategory: { victim: 3, at_risk: 2, suspect: 0 },
      loginsToday: 2,
    });
    expect(body.activity).toHaveLength(14);
    const audited = Number(
      (
        await t.ctx.store.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(body.activity.reduce((s: number, d: { events: number }) => s + d.events, 0)).toBe(audited);
    expect(body.activity.at(-1).events).toBe(audited);
    const station = await t.login('station.dazhi');
    const scoped = (await station.request('GET', '/api/dashboard')).json();
    expect(scoped.figures).toMatchObject({ units: 3, users: 2, persons: 2 });
  });
});
