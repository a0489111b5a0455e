/**
 * Coordinated handling: tasks from a case to units, with deadlines. Two sides, two scopes; every
 * step on the timeline and in the audit log; refusals name the field and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { DATABASES } from '../helpers/databases.js';
import { sampleReport } from '../helpers/reports.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const PASSWORD = 'Tasks-pass-2026';
const HOUR = 3600_000;

class MovableClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

describe.each(DATABASES)('case tasks on %s', (database) => {
  const clock = new MovableClock(Date.parse('2026-11-21T10:00:00+08:00'));
  let t: TestApp;
  let analyst: Session;
  let station: Session;
  let community: Session;
  let jianghan: Session;
  let caseId: number;
  const unit: Record<string, number> = {};

  const rows = async (table: 'case_task' | 'case_event' | 'audit_log') =>
    Number(
      (
        await t.ctx.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const timeline = async (s: Session = analyst) =>
    (await s.request('GET', `/api/cases/${caseId}/timeline`)).json().items as {
      kind: string;
      actor: string;
      summary: string;
      detail: Record<string, unknown>;
    }[];

  beforeAll(async () => {
    // The clock jumps hours ahead; sessions would expire on it.
    t = await createTestApp({
      database,
      clock,
      env: { LEVEE_SESSION_IDLE_MINUTES: '43200', LEVEE_SESSION_TTL_MINUTES: '43200' },
    });
    for (const row of await t.ctx.store.db.selectFrom('unit').select(['id', 'code']).execute()) {
      unit[row.code] = row.id;
    }
    await t.ctx.directory.createUser(
      undefined,
      {
        username: 'district.jianghan',
        displayName: '江汉分局民警',
        role: 'district_officer',
        unitId: unit['WH-JH']!,
        password: PASSWORD,
      },
      { mustChangePassword: false },
    );
    analyst = await t.login('analyst');
    station = await t.login('station.dazhi');
    community = await t.login('community.dazhi');
    jianghan = await t.login('district.jianghan', PASSWORD);
    const intake = await analyst.request(
      'POST',
      '/api/cases',
      sampleReport(unit['WH-JA-DZ-01']!, '2026-11-20T09:05:00+08:00'),
    );
    expect(intake.statusCode, intake.body).toBe(201);
    caseId = intake.json().case.id;
    await t.ctx.disposal.idle();
  });
  afterAll(async () => t?.close());

  it('gives the station a visit with the kind’s default deadline, on the timeline and in the audit log', async () => {
    const audits = await rows('audit_log');
    const created = await analyst.request('POST', `/api/cases/${caseId}/tasks`, {
      kind: 'visit_victim',
      assigneeUnitId: unit['WH-JA-DZ'],
      instructions: '今日上门回访周先生，核实转账经过并做好安抚。',
    });
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({
      caseId,
      kind: 'visit_victim',
      title: '上门走访受害人',
      assigneeName: '大智派出所',
      status: 'open',
      dueAt: '2026-11-22T02:00:00.000Z', // 24 h after 2026-11-21 10:00 +08:00
      deadline: 'on_time',
      createdBy: '李研判',
      caseVisible: true,
      actions: ['cancel', 'reschedule'],
    });
    const entry = (await timeline()).at(-1)!;
    expect(entry).toMatchObject({ kind: 'task.created', actor: 'analyst' });
    expect(entry.summary).toBe(
      `下发协同任务 #${task.id}「上门走访受害人」→ 大智派出所，期限 2026-11-22 10:00`,
    );
    expect(entry.detail).toMatchObject({ taskId: task.id, assigneeUnitId: unit['WH-JA-DZ'] });
    expect(await rows('audit_log')).toBe(audits + 1);
    const audit = await t.ctx.store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'task.create', target_type: 'task', target_id: String(task.id) });
  });

  it('the station finds it in its inbox, accepts it and reports it done; the case side sees each step', async () => {
    const inbox = (await station.request('GET', '/api/tasks?status=active')).json().items;
    expect(inbox).toHaveLength(1);
    const [task] = inbox;
    expect(task.actions).toEqual(['accept', 'complete', 'decline', 'cancel', 'reschedule']);
    expect((await station.request('GET', '/api/tasks/counts')).json()).toEqual({
      open: 1,
      accepted: 0,
      overdue: 0,
    });

    const accepted = await station.request('POST', `/api/tasks/${task.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', acceptedBy: '刘民警', finishedAt: null });

    clock.advance(3 * HOUR);
    const done = await station.request('POST', `/api/tasks/${task.id}/complete`, {
      text: '已上门回访，受害人情绪稳定，补充了两笔转账截图。',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'done',
      deadline: 'done_on_time',
      finishedBy: '刘民警',
      outcome: '已上门回访，受害人情绪稳定，补充了两笔转账截图。',
      actions: [],
    });
    const kinds = (await timeline()).map((e) => e.kind);
    expect(kinds.slice(-3)).toEqual(['task.created', 'task.accepted', 'task.completed']);
    expect((await timeline()).at(-1)!.summary).toContain('已完成：已上门回访');

    const again = await station.request('POST', `/api/tasks/${task.id}/complete`, { text: '再次完成' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe(`task ${task.id}: a task that is done cannot be completed`);
    expect((await station.request('GET', '/api/tasks/counts')).json()).toEqual({
      open: 0,
      accepted: 0,
      overdue: 0,
    });
  });

  it('a unit in another district sees the task it received but not the case, and can give it back', async () => {
    const lead = await analyst.request('POST', `/api/cases/${caseId}/tasks`, {
      kind: 'take_lead',
      assigneeUnitId: unit['WH-JH'],
      instructions: '收款账户开户地在江汉区，请接手嫌疑人落地核查。',
      dueAt: '2026-11-25T18:00:00+08:00',
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const id = lead.json().id;

    const inbox = (await jianghan.request('GET', '/api/tasks')).json().items;
    expect(inbox.map((x: { id: number }) => x.id)).toEqual([id]);
    expect(inbox[0]).toMatchObject({
      caseVisible: false,
      caseNo: lead.json().caseNo,
      actions: ['accept', 'complete', 'decline'],
    });
    expect((await jianghan.request('GET', `/api/cases/${caseId}`)).statusCode).toBe(403);
    expect((await jianghan.request('GET', `/api/cases/${caseId}/tasks`)).statusCode).toBe(403);

    // Neither the station nor the community of the case sees another district's inbox.
    expect((await station.request('GET', `/api/tasks?unitId=${unit['WH-JH']}`)).statusCode).toBe(403);
    expect((await community.request('GET', '/api/tasks')).json().items).toEqual([]);
    expect((await station.request('POST', `/api/tasks/${id}/accept`)).statusCode).toBe(403);

    const noReason = await jianghan.request('POST', `/api/tasks/${id}/decline`, { text: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'LEVEE_REASON_REQUIRED', field: 'text' });

    const declined = await jianghan.request('POST', `/api/tasks/${id}/decline`, {
      text: '该账户开户网点属江岸区，请转江岸分局。',
    });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'declined', deadline: 'closed' });
    const entry = (await timeline()).at(-1)!;
    expect(entry).toMatchObject({ kind: 'task.declined', actor: 'district.jianghan' });
    expect(entry.summary).toContain('（江汉分局）已退回：该账户开户网点属江岸区');
  });

  it('refuses bad tasks naming the field, and writes nothing', async () => {
    const before = [await rows('case_task'), await rows('case_event'), await rows('audit_log')];
    const bad: [Session, Record<string, unknown>, number, string | undefined, RegExp][] = [
      [
        analyst,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JA'] },
        400,
        'assigneeUnitId',
        /district unit does not do/,
      ],
      [analyst, { kind: 'take_lead', assigneeUnitId: 999_999 }, 400, 'assigneeUnitId', /no unit 999999/],
      [analyst, { kind: 'take_lead', assigneeUnitId: unit['ICBC'] }, 400, 'assigneeUnitId', /bank unit/],
      [
        analyst,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JA-DZ'], dueAt: '2026-11-20T10:00:00+08:00' },
        400,
        'dueAt',
        /must be in the future/,
      ],
      [
        analyst,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JA-DZ'], dueAt: '2026-11-22T10:00:00' },
        400,
        'dueAt',
        /with an offset/,
      ],
      [
        analyst,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JA-DZ'], dueAt: '2027-11-22T10:00:00+08:00' },
        400,
        'dueAt',
        /within 90 days/,
      ],
      [analyst, { kind: 'arrest', assigneeUnitId: unit['WH-JA-DZ'] }, 400, undefined, /kind/],
      [
        analyst,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JA-DZ'], instructions: '' },
        400,
        undefined,
        /instructions/,
      ],
      // Tasks go down the chain of command: a station cannot task another district's station.
      [
        station,
        { kind: 'visit_victim', assigneeUnitId: unit['WH-JH-MZ'] },
        403,
        undefined,
        /outside your unit/,
      ],
      // The community may work tasks, not give them.
      [
        community,
        { kind: 'dissuade', assigneeUnitId: unit['WH-JA-DZ-01'] },
        403,
        undefined,
        /lacks permission tasks.write/,
      ],
    ];
    for (const [session, body, status, field, detail] of bad) {
      const response = await session.request('POST', `/api/cases/${caseId}/tasks`, {
        instructions: '请尽快处理。',
        ...body,
      });
      expect(response.statusCode, `${JSON.stringify(body)}: ${response.body}`).toBe(status);
      if (field) expect(response.json().field).toBe(field);
      expect(response.json().detail).toMatch(detail);
    }
    expect([await rows('case_task'), await rows('case_event'), await rows('audit_log')]).toEqual(before);
  });

  it('shows overdue tasks, and the case side can set a new deadline or withdraw the task', async () => {
    const created = await analyst.request('POST', `/api/cases/${caseId}/tasks`, {
      kind: 'dissuade',
      assigneeUnitId: unit['WH-JA-DZ-01'],
      instructions: '受害人仍在与“客服”联系，请网格员立即见面劝阻。',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json().dueAt).toBe(new Date(clock.now().getTime() + 4 * HOUR).toISOString());

    clock.advance(3 * HOUR);
    expect((await community.request('GET', `/api/tasks/${id}`)).json().deadline).toBe('due_soon');
    clock.advance(2 * HOUR);
    expect((await community.request('GET', `/api/tasks/${id}`)).json().deadline).toBe('overdue');
    const overdue = (await analyst.request('GET', '/api/tasks?overdue=true')).json().items;
    expect(overdue.map((x: { id: number }) => x.id)).toEqual([id]);
    expect((await station.request('GET', '/api/tasks/counts')).json()).toEqual({
      open: 1,
      accepted: 0,
      overdue: 1,
    });

    const noReason = await analyst.request('POST', `/api/tasks/${id}/reschedule`, {
      dueAt: '2026-11-22T20:00:00+08:00',
    });
    expect(noReason.statusCode).toBe(400);
    const moved = await analyst.request('POST', `/api/tasks/${id}/reschedule`, {
      dueAt: '2026-11-22T20:00:00+08:00',
      text: '受害人今晚才回家',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      dueAt: '2026-11-22T12:00:00.000Z',
      deadline: 'on_time',
      status: 'open',
    });
    expect((await timeline()).at(-1)!.summary).toContain('期限调整 → 2026-11-22 20:00：受害人今晚才回家');
    // The assignee cannot move its own deadline.
    expect(
      (
        await community.request('POST', `/api/tasks/${id}/reschedule`, {
          dueAt: '2026-11-23T20:00:00+08:00',
          text: '想晚点',
        })
      ).statusCode,
    ).toBe(403);

    const cancelled = await analyst.request('POST', `/api/tasks/${id}/cancel`, {
      text: '受害人已自行到所报案',
    });
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      outcome: '受害人已自行到所报案',
      actions: [],
    });
    expect((await community.request('POST', `/api/tasks/${id}/accept`)).statusCode).toBe(409);
    const all = (await analyst.request('GET', `/api/cases/${caseId}/tasks`)).json().items;
    expect(all.map((x: { status: string }) => x.status)).toEqual(['done', 'declined', 'cancelled']);
  });

  it('two officers pressing at once: one accepts, the other hears that it is taken', async () => {
    const created = await analyst.request('POST', `/api/cases/${caseId}/tasks`, {
      kind: 'verify_account',
      assigneeUnitId: unit['WH-JA-DZ'],
      instructions: '核查王某身份及名下账户。',
    });
    const id = created.json().id;
    const other = await t.login('station.dazhi');
    const results = await Promise.all([
      station.request('POST', `/api/tasks/${id}/accept`),
      other.request('POST', `/api/tasks/${id}/accept`),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const events = (await timeline()).filter((e) => e.kind === 'task.accepted' && e.detail.taskId === id);
    expect(events).toHaveLength(1);
  });
});
