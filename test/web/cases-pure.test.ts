/** The case screens' pure helpers: exact yuan→fen parsing, integer formatting, server field paths, the graph model. */
import { describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../web/src/api/types.js';
import { fieldPath, remaining } from '../../web/src/cases/case-format.js';
import { graphFromReport, shapeOf, stateCounts, toFlowModel } from '../../web/src/cases/graph-model.js';
import { formatFen, formatYuan, parseYuanToFen } from '../../web/src/cases/money.js';

describe('yuan to fen', () => {
  it('parses typed amounts exactly, without float multiplication', () => {
    expect(parseYuanToFen('180000')).toBe(18_000_000);
    expect(parseYuanToFen('120,000.50')).toBe(12_000_050);
    expect(parseYuanToFen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(parseYuanToFen('1.1')).toBe(110);
    expect(parseYuanToFen(' ¥１２３.4元 ')).toBe(12_340);
    expect(parseYuanToFen('9007199254.74')).toBe(900_719_925_474);
  });

  it('refuses what is not a positive amount with at most two decimals', () => {
    for (const bad of ['', '0', '0.00', '-5', '1.234', '1e5', 'abc', '1.2.3', '12345678901234'])
      expect(parseYuanToFen(bad), bad).toBeUndefined();
  });

  it('formats fen with integer arithmetic and grouping', () => {
    expect(formatFen(30_000_050)).toBe('300,000.50');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(-123_456)).toBe('-1,234.56');
    expect(formatYuan(100)).toBe('¥1.00');
    for (const fen of [1, 29, 110, 12_000_050, 900_719_925_474])
      expect(parseYuanToFen(formatFen(fen))).toBe(fen);
  });
});

describe('server field paths', () => {
  it('become Ant Design name paths', () => {
    expect(fieldPath('victim.idNumber')).toEqual(['victim', 'idNumber']);
    expect(fieldPath('payments[1].time')).toEqual(['payments', 1, 'time']);
    expect(fieldPath('artefacts[0]')).toEqual(['artefacts', 0, 'value']);
    expect(fieldPath('scamType')).toEqual(['scamType']);
  });

  it('count deadlines down and call the past expired', () => {
    const now = Date.parse('2026-11-20T00:00:00Z');
    expect(remaining('2026-11-21T23:30:00Z', now)).toEqual({ expired: false, hours: 47, minutes: 30 });
    expect(remaining('2026-11-19T23:59:00Z', now).expired).toBe(true);
  });
});

describe('money-flow model', () => {
  const detail: CaseDetail = {
    case: {
      id: 1,
      caseNo: 'WH-1',
      unitId: 5,
      scamType: 'investment',
      status: 'open',
      automation: 'running',
      lossTotal: 300,
      reportedAt: '2026-11-20T06:00:00Z',
      createdAt: '2026-11-20T06:00:00Z',
    },
    narrative: '',
    victims: [{ id: 7, name: '赵女士', idNumber: 'x', phone: 'y', address: '', unitId: 5 }],
    payments: [
      {
        id: 1,
        victimId: 7,
        time: 't1',
        amount: 100,
        channel: 'atm',
        institution: 'ICBC',
        account: '6222000011112222',
        accountName: '王某',
      },
      {
        id: 2,
        victimId: 7,
        time: 't2',
        amount: 200,
        channel: 'atm',
        institution: 'ICBC',
        account: '6222000011112222',
        accountName: '王某',
      },
    ],
    artefacts: [],
    warnings: [],
    links: [],
    reports: [],
  };

  it('draws the victim and the level-1 accounts from the report while the graph is missing', () => {
    const graph = graphFromReport(detail, (code) => `${code}-name`);
    expect(graph.victims).toEqual([{ key: 'V7', name: '赵女士', sent: 300 }]);
    expect(graph.accounts.map((a) => [a.key, a.level, a.state, a.institutionName])).toEqual([
      ['ICBC/6222000011112222', 1, 'new', 'ICBC-name'],
    ]);
    const model = toFlowModel(graph);
    expect(model.nodes.map((n) => [n.id, n.level])).toEqual([
      ['V7', 0],
      ['ICBC/6222000011112222', 1],
    ]);
    expect(model.edges.map((e) => e.amount)).toEqual([100, 200]);
    expect(stateCounts(model).get('new')).toBe(1);
  });

  it('leaves out edges to accounts the graph does not list', () => {
    const model = toFlowModel({
      victims: [{ key: 'V1', name: 'a', sent: 5 }],
      accounts: [],
      edges: [{ id: 'T1', from: 'V1', to: 'X', amount: 5, time: 't' }],
      rule: 'fifo',
    });
    expect(model.edges).toEqual([]);
  });
});

describe('graph shape (what a new layout depends on)', () => {
  const model = (edges: [string, string, string][], states: string[]) => ({
    nodes: ['V1', 'A', 'B'].map((id, i) => ({
      id,
      kind: (i === 0 ? 'victim' : 'account') as 'victim' | 'account',
      level: i,
      title: id,
      subtitle: '',
      state: states[i] ?? 'new',
      sink: null,
      amount: 100 * i,
    })),
    edges: edges.map(([id, source, target]) => ({ id, source, target, amount: 5, time: '' })),
    levels: 2,
  });

  it('stays the same when only states and amounts change, so the drawing is updated in place', () => {
    const before = model([['t1', 'V1', 'A']], ['victim', 'queried', 'new']);
    const after = model([['t1', 'V1', 'A']], ['victim', 'frozen', 'stop-paid']);
    after.edges[0]!.amount = 999;
    expect(shapeOf(after)).toBe(shapeOf(before));
  });

  it('changes when a transfer or an account appears, so the graph is laid out again', () => {
    const before = model([['t1', 'V1', 'A']], []);
    expect(
      shapeOf(
        model(
          [
            ['t1', 'V1', 'A'],
            ['t2', 'A', 'B'],
          ],
          [],
        ),
      ),
    ).not.toBe(shapeOf(before));
    expect(shapeOf(model([['t1', 'V1', 'B']], []))).not.toBe(shapeOf(before));
    const fewer = model([['t1', 'V1', 'A']], []);
    fewer.nodes.pop();
    expect(shapeOf(fewer)).not.toBe(shapeOf(before));
  });
});
