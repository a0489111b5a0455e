/**
 * Seeded synthetic mule networks for the tracing benchmark. Victims pay level-1 accounts; money
 * is split and forwarded level by level (each chain 4–6 levels deep, "fast in, fast out"), mixed
 * with the mules' own deposits, innocent third-party payments and opening balances, and cashed
 * out at sinks (cash, merchant, exchange). A few debits exceed the known balance, as incomplete
 * statements do. Same seed, same network.
 */
import type { PartyRole, RawColumns } from '../src/engines/tracing/index.js';

export interface MuleNetworkOptions {
  transfers: number;
  accounts?: number;
  victims?: number;
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function muleNetwork(o: MuleNetworkOptions): RawColumns {
  const n = o.transfers;
  const rnd = mulberry32(o.seed ?? 20231027);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const nAcc = o.accounts ?? Math.min(1_000_000, Math.max(1000, Math.round(n / 10)));
  const nVictims = o.victims ?? Math.min(10_000, Math.max(10, Math.round(n / 100)));
  const nSink = Math.max(3, Math.round(nAcc / 200));
  const nMule = nAcc - nSink;
  const nOwn = Math.max(10, Math.round(nAcc / 100));
  const nThird = Math.max(10, Math.round(nAcc / 100));

  const parties: { id: string; role: PartyRole }[] = [];
  for (let v = 0; v < nVictims; v++) parties.push({ id: `V${pad(v, 5)}`, role: 'victim' });
  for (let p = 0; p < nOwn; p++) parties.push({ id: `OWN${pad(p, 5)}`, role: 'own' });
  for (let p = 0; p < nThird; p++) parties.push({ id: `X${pad(p, 5)}`, role: 'third-party' });

  // Mule accounts by level: 1 (15%), then 2..6 evenly; each has a chain depth of 4, 5 or 6.
  const level = new Uint8Array(nMule);
  const depth = new Uint8Array(nMule);
  const byLevel: number[][] = [[], [], [], [], [], [], []];
  const accounts: RawColumns['accounts'] = [];
  for (let a = 0; a < nMule; a++) {
    const l = a < nMule * 0.15 ? 1 : 2 + Math.floor(((a - nMule * 0.15) / (nMule * 0.85)) * 5);
    level[a] = Math.min(l, 6);
    depth[a] = int(4, 6);
    byLevel[level[a]!]!.push(a);
    accounts.push({ id: `M${pad(a, 7)}`, opening: rnd() < 0.1 ? int(1, 500) * 1000 : 0, sink: false });
  }
  for (let s = 0; s < nSink; s++)
    accounts.push({ id: `S${['CASH', 'MERC', 'EXCH'][s % 3]}${pad(s, 5)}`, opening: 0, sink: true });

  const balance = new Float64Array(nAcc);
  for (let a = 0; a < nMule; a++) balance[a] = accounts[a]!.opening;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const amount = new Float64Array(n);
  const timeMs = new Float64Array(n);
  const timeSub = new Int32Array(n);
  const RING = 4096;
  const ring = new Int32Array(RING);
  let ringLen = 0;
  let ringHead = 0;
  const activate = (a: number) => {
    ring[ringHead] = a;
    ringHead = (ringHead + 1) % RING;
    if (ringLen < RING) ringLen++;
  };
  let t = Date.parse('2023-01-01T00:00:00+08:00');
  const pick = (list: number[]) => list[Math.floor(rnd() * list.length)]!;
  for (let i = 0; i < n; i++) {
    t += int(0, 3) * 1000; // equal times are common
    timeMs[i] = t;
    const r = rnd();
    let src = -1;
    if (r >= 0.14 && ringLen > 0) {
      const cand = ring[(ringHead - 1 - Math.floor(rnd() * ringLen) + RING * 2) % RING]!;
      if (balance[cand]! > 0) src = cand;
    }
    if (src < 0) {
      // Money from outside: victims mostly, then the mules' own money and innocent payers.
      let party: number;
      let dst: number;
      let x: number;
      if (r < 0.03) {
        party = nVictims + int(0, nOwn - 1);
        dst = int(0, nMule - 1);
        x = int(1, 200) * 1000;
      } else if (r < 0.06) {
        party = nVictims + nOwn + int(0, nThird - 1);
        dst = pick(byLevel[int(2, 5)]!);
        x = int(1, 100) * 1000;
      } else {
        party = int(0, nVictims - 1);
        dst = pick(byLevel[1]!);
        x = int(100, 50_000) * 1000;
      }
      from[i] = -(party + 1);
      to[i] = dst;
      amount[i] = x;
      balance[dst]! += x;
      activate(dst);
      continue;
    }
    const b = balance[src]!;
    const roll = rnd();
    let x = roll < 0.5 ? b : Math.max(1, Math.floor(b * (0.2 + 0.6 * rnd())));
    if (roll > 0.985) x = b + int(1, 50) * 1000; // beyond the known balance: a gap
    const lvl = level[src]!;
    const dst =
      lvl >= depth[src]! || rnd() < 0.05 ? nMule + int(0, nSink - 1) : pick(byLevel[Math.min(lvl + 1, 6)]!);
    from[i] = src;
    to[i] = dst;
    amount[i] = x;
    balance[src] = Math.max(0, b - x);
    balance[dst]! += x;
    if (dst < nMule) activate(dst);
    if (balance[src]! > 0) activate(src);
  }
  const transferIds = new Proxy({ length: n } as ArrayLike<string>, {
    get: (target, p) => (p === 'length' ? target.length : typeof p === 'string' ? `t${p}` : undefined),
  });
  return { currency: 'CNY', parties, accounts, from, to, amount, timeMs, timeSub, transferIds };
}

/** The same network as levee.ledger/1 JSON text and as the three CSV tables. */
export function* csvLines(raw: RawColumns, table: 'parties' | 'accounts' | 'transfers'): Generator<string> {
  if (table === 'parties') {
    yield 'id,role\n';
    for (const p of raw.parties) yield `${p.id},${p.role}\n`;
  } else if (table === 'accounts') {
    yield 'id,opening,sink\n';
    for (const a of raw.accounts) yield `${a.id},${a.opening || ''},${a.sink ? 'cash' : ''}\n`;
  } else {
    yield 'id,from,to,amount,time\n';
    const chunk: string[] = [];
    for (let i = 0; i < raw.from.length; i++) {
      chunk.push(transferRow(raw, i));
      if (chunk.length === 10_000) {
        yield chunk.join('');
        chunk.length = 0;
      }
    }
    yield chunk.join('');
  }
}

function sourceId(raw: RawColumns, f: number): string {
  return f < 0 ? raw.parties[-f - 1]!.id : raw.accounts[f]!.id;
}

function isoTime(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

function transferRow(raw: RawColumns, i: number): string {
  return `t${i},${sourceId(raw, raw.from[i]!)},${raw.accounts[raw.to[i]!]!.id},${raw.amount[i]},${isoTime(raw.timeMs[i]!)}\n`;
}

export function ledgerJson(raw: RawColumns): string {
  const parts: string[] = [
    '{"format":"levee.ledger/1","currency":"CNY","parties":',
    JSON.stringify(raw.parties),
    ',"accounts":',
    JSON.stringify(
      raw.accounts.map((a) => ({
        id: a.id,
        ...(a.opening ? { opening: a.opening } : {}),
        ...(a.sink ? { sink: 'cash' } : {}),
      })),
    ),
    ',"transfers":[',
  ];
  for (let i = 0; i < raw.from.length; i++) {
    if (i > 0) parts.push(',');
    parts.push(
      `{"id":"t${i}","from":"${sourceId(raw, raw.from[i]!)}","to":"${raw.accounts[raw.to[i]!]!.id}","amount":${raw.amount[i]},"time":"${isoTime(raw.timeMs[i]!)}"}`,
    );
  }
  parts.push(']}');
  return parts.join('');
}
