/**
 * The money-flow graph as the console draws it: victims on the left, then accounts by level
 * (1 = received from a victim), edges carrying amounts. Pure functions, no G6: the G6 component
 * and the screen-reader list both read this model.
 */
import type { CaseDetail, CaseGraph, GraphAccount } from '../api/types.js';

export interface FlowNode {
  id: string;
  kind: 'victim' | 'account';
  /** 0 for victims, the account's level otherwise. */
  level: number;
  title: string;
  subtitle: string;
  state: string;
  sink: string | null;
  amount: number;
  account?: GraphAccount;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  amount: number;
  time: string;
}

export interface FlowModel {
  nodes: FlowNode[];
  edges: FlowEdge[];
  levels: number;
}

/** "6222021234567890128" → "…0128": enough to tell accounts apart on a drawing. */
export function accountTail(account: string): string {
  return account.length <= 4 ? account : `…${account.slice(-4)}`;
}

export function toFlowModel(graph: CaseGraph): FlowModel {
  const nodes: FlowNode[] = [];
  const level = new Map<string, number>();
  for (const v of graph.victims) {
    level.set(v.key, 0);
    nodes.push({
      id: v.key,
      kind: 'victim',
      level: 0,
      title: v.name,
      subtitle: '',
      state: 'victim',
      sink: null,
      amount: v.sent,
    });
  }
  let levels = 0;
  for (const a of graph.accounts) {
    level.set(a.key, a.level);
    levels = Math.max(levels, a.level);
    nodes.push({
      id: a.key,
      kind: 'account',
      level: a.level,
      title: a.holder === '' ? accountTail(a.account) : a.holder,
      subtitle: `${a.institutionName ?? a.institution} ${accountTail(a.account)}`,
      state: a.state,
      sink: a.sink,
      amount: a.balance ?? 0,
      account: a,
    });
  }
  const edges = graph.edges
    .filter((e) => level.has(e.from) && level.has(e.to))
    .map((e) => ({ id: e.id, source: e.from, target: e.to, amount: e.amount, time: e.time }));
  return { nodes, edges, levels };
}

/**
 * Before the graph endpoint answers (or while it is missing) the report itself gives the first
 * column: the victim and the accounts the victim paid into (level 1), nothing queried yet.
 */
export function graphFromReport(detail: CaseDetail, institutionName: (code: string) => string): CaseGraph {
  const victims = detail.victims.map((v) => ({
    key: `V${v.id}`,
    name: v.name,
    sent: detail.payments.filter((p) => p.victimId === v.id).reduce((sum, p) => sum + p.amount, 0),
  }));
  const accounts = new Map<string, GraphAccount>();
  for (const p of detail.payments) {
    const key = `${p.institution}/${p.account}`;
    if (accounts.has(key)) continue;
    accounts.set(key, {
      key,
      institution: p.institution,
      institutionName: institutionName(p.institution),
      account: p.account,
      holder: p.accountName,
      level: 1,
      state: 'new',
      sink: null,
      balance: null,
      located: 0,
      stopped: 0,
      frozen: 0,
    });
  }
  const edges = detail.payments.map((p) => ({
    id: `P${p.id}`,
    from: `V${p.victimId}`,
    to: `${p.institution}/${p.account}`,
    amount: p.amount,
    time: p.time,
  }));
  return { victims, accounts: [...accounts.values()], edges, rule: 'fifo' };
}

/** How many accounts are in each state (for the legend). */
/** Who is in the graph and who paid whom: what a layout depends on (states and amounts do not). */
export function shapeOf(model: FlowModel): string {
  const nodes = model.nodes.map((n) => n.id).join('\u0001');
  const edges = model.edges.map((e) => `${e.id}\u0002${e.source}\u0002${e.target}`).join('\u0001');
  return `${nodes}\u0000${edges}`;
}

export function stateCounts(model: FlowModel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of model.nodes) if (n.kind === 'account') counts.set(n.state, (counts.get(n.state) ?? 0) + 1);
  return counts;
}
