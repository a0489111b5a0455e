import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.js';
import { sampleReport } from '../helpers/reports.js';
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

  it('adds the cases and tasks of the subtree for the roles that may read them', async () => {
    const analyst = await t.login('analyst');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const intake = await analyst.request(
      'POST',
      '/api/cases',
      sampleReport(await t.unitId('WH-JA-DZ-01'), `${yesterday}T09:05:00+08:00`),
    );
    expect(intake.statusCode, intake.body).toBe(201);
    const caseId = intake.json().case.id;
    await t.ctx.disposal.idle();
    await t.ctx.store.db
      .updateTable('case_account')
      .set({ state: 'frozen', frozen_amount: 12_345_00 })
      .where('case_id', '=', caseId)
      .execute();
    const task = await analyst.request('POST', `/api/cases/${caseId}/tasks`, {
      kind: 'visit_victim',
      assigneeUnitId: await t.unitId('WH-JA-DZ'),
      instructions: '回访受害人',
    });
    expect(task.statusCode, task.body).toBe(201);

    const city = (await analyst.request('GET', '/api/dashboard')).json().figures;
    expect(city.cases).toEqual({ open: 1, reportedToday: 1, lossToday: 50_000_00, frozen: 12_345_00 });
    expect(city.tasks).toEqual({ active: 1, overdue: 0 });
    // Another district's subtree has none of it.
    const other = (await analyst.request('GET', `/api/dashboard?unitId=${await t.unitId('WH-JH')}`)).json()
      .figures;
    expect(other.cases).toEqual({ open: 0, reportedToday: 0, lossToday: 0, frozen: 0 });
    expect(other.tasks).toEqual({ active: 0, overdue: 0 });
    // Administrators and liaisons see no case figures; the liaison's dashboard stays what it was.
    const admin = (await (await t.login('admin')).request('GET', '/api/dashboard')).json().figures;
    expect(admin.cases).toBeUndefined();
    expect(admin.tasks).toBeUndefined();
  });
});
