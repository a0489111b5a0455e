/** Graph, trace, rule comparison and the live event stream of a case. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';
import { enterSmallCase, victimReport } from '../helpers/small-case.js';

describe('case analysis', () => {
  let t: TestApp;
  let analyst: Session;
  let caseId: number;
  let baseUrl: string;

  const intake = (idFirst17: string, account: string, amount: number, time: string) =>
    analyst.request(
      'POST',
      '/api/cases',
      victimReport(idFirst17, `受害人${idFirst17.slice(-3)}`, account, amount, time),
    );

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    analyst = await t.login('analyst');
    ({ caseId } = await enterSmallCase(t, analyst, '受害人001'));
  });
  afterAll(async () => t?.close());

  it('draws the graph: victims, accounts by level with state and located money, transfers', async () => {
    const graph = (await analyst.request('GET', `/api/cases/${caseId}/graph?rule=fifo`)).json();
    expect(graph.victims).toHaveLength(1);
    expect(graph.victims[0].sent).toBe(100_000_00);
    const byKey = Object.fromEntries(graph.accounts.map((a: { key: string }) => [a.key, a]));
    expect(byKey['ICBC/6222020000000000001']).toMatchObject({
      level: 1,
      located: 10_000_00,
      balance: 10_000_00,
      institutionName: '中国工商银行',
      reached: true,
    });
    expect(byKey['CCB/6217000000000002']).toMatchObject({ level: 2, located: 60_000_00, state: 'new' });
    expect(byKey['ALIPAY/MERCHANT-1']).toMatchObject({ sink: 'merchant', state: 'cashed-out' });
    expect(graph.edges.map((e: { amount: number }) => e.amount)).toEqual([100_000_00, 60_000_00, 30_000_00]);
  });

  it('traces under a chosen rule and compares the four', async () => {
    const trace = (await analyst.request('GET', `/api/cases/${caseId}/trace?rule=lifo`)).json();
    expect(trace.rule).toBe('lifo');
    const victim = Object.keys(trace.victims)[0]!;
    expect(trace.victims[victim]).toEqual({
      sent: 100_000_00,
      located: { 'ICBC/6222020000000000001': 10_000_00, 'CCB/6217000000000002': 60_000_00 },
      sinks: { 'ALIPAY/MERCHANT-1': 30_000_00 },
    });
    const compare = (await analyst.request('GET', `/api/cases/${caseId}/trace/compare`)).json();
    expect(compare.rules).toEqual(['fifo', 'lifo', 'libr', 'prorata']);
    for (const rule of compare.rules)
      expect(compare.victims[victim][rule]).toEqual({ located: 70_000_00, sinks: 30_000_00 });
    const bad = await analyst.request('GET', `/api/cases/${caseId}/trace?rule=average`);
    expect(bad.statusCode).toBe(400);
  });

  it('streams a notice when a linked case changes the picture', async () => {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/api/cases/${caseId}/events`, {
      headers: { cookie: analyst.cookie },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const received: Promise<string> = (async () => {
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('event: case')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return text;
    })();
    // A second victim pays into the same mule account: the cases link and the first case hears of it.
    const second = (
      await intake('42010219900101001', '6222020000000000001', 5_000_00, '2026-11-20T11:00:00+08:00')
    ).json();
    expect(second.linkedCases).toEqual([caseId]);
    const text = await received;
    controller.abort();
    expect(text).toMatch(new RegExp(`"caseId":${caseId}`));
    expect(text).toMatch(/"kind":"(timeline|graph)"/);
  });
});
