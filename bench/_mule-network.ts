/**
 * Seeded synthetic mule networks for the tracing benchmark. Victims pay level-1 accounts; money
 * is split and forwarded level by level (each chain 4–6 levels deep, "fast in, fast out"), mixed
 * with the mules' own deposits, innocent third-party payments and opening balances, and cashed
 * out at sinks (cash, merchant, exchange). A few debits exceed the known balance, as incomplete
 * statements do. Same seed, same network.
 *
 * Gangs. The accounts are split among gangs (default one per 5,000 mule accounts), each working
 * its own sub-network: its victims pay its level-1 accounts, every next hop is drawn from the
 * same gang's next level, its own money goes to its own accounts, and it cashes out mostly at its
 * own sinks (one transfer in ten to a few sinks every gang shares: the big exchanges). A gang is
 * active for a stretch of the case — its cards are used for a while, then dropped — and `active`
 * gangs (default 16) work at the same time, their transfers interleaved. Account ids are shuffled,
 * so a gang's accounts are spread over the whole id space (and the engine's arrays) as real card
 * numbers are. Innocent third-party payers pay into any gang. `gangs: 1` is one network where
 * every next hop is drawn from the whole next level (the benchmark's earlier shape: every account
 * mixes money of a large share of all victims).
 */
import type { PartyRole, RawColumns } from '../src/engines/tracing/index.js';

export interface MuleNetworkOptions {
  transfers: number;
  accounts?: number;
  victims?: number;
  seed?: number;
  /** number of gangs (sub-networks); default one per 5,000 mule accounts */
  gangs?: number;
  /** gangs working at the same time; default 16 */
  active?: number;
}

export interface MuleNetwork extends RawColumns {
  gangs: number;
  active: number;
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

export function muleNetwork(o: MuleNetworkOptions): MuleNetwork {
  const n = o.transfers;
  const rnd = mulberry32(o.seed ?? 20231027);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const nAcc = o.accounts ?? Math.min(1_000_000, Math.max(1000, Math.round(n / 10)));
  const nVictims = o.victims ?? Math.min(10_000, Math.max(10, Math.round(n / 100)));
  const nSink = Math.max(3, Math.round(nAcc / 200));
  const nMule = nAcc - nSink;
  const nOwn = Math.max(10, Math.round(nAcc / 100));
  const nThird = Math.max(10, Math.round(nAcc / 100));
  const nGangs = Math.max(1, Math.min(o.gangs ?? Math.round(nMule / 5000), Math.floor(nMule / 50)));
  const nActive = Math.max(1, Math.min(nGangs, o.active ?? 16));
  const nShared = nGangs === 1 ? nSink : 3;

  const parties: { id: string; role: PartyRole }[] = [];
  for (let v = 0; v < nVictims; v++) parties.push({ id: `V${pad(v, 5)}`, role: 'victim' });
  for (let p = 0; p < nOwn; p++) parties.push({ id: `OWN${pad(p, 5)}`, role: 'own' });
  for (let p = 0; p < nThird; p++) parties.push({ id: `X${pad(p, 5)}`, role: 'third-party' });

  // Gang g owns mules [gStart[g], gStart[g+1]); within it level 1 (15%), then 2..6 evenly, so
  // level l of gang g is [lvl[8g+l], lvl[8g+l+1]). Each mule has a chain depth of 4, 5 or 6.
  const gStart = new Int32Array(nGangs + 1);
  for (let g = 0; g <= nGangs; g++) gStart[g] = Math.round((g * nMule) / nGangs);
  const lvl = new Int32Array(8 * nGangs);
  const level = new Uint8Array(nMule);
  const depth = new Uint8Array(nMule);
  const gangOf = new Int32Array(nMule);
  for (let g = 0; g < nGangs; g++) {
    const s = gStart[g]!;
    const size = gStart[g + 1]! - s;
    const l1 = Math.max(1, Math.round(size * 0.15));
    lvl[8 * g + 1] = s;
    for (let l = 2; l <= 7; l++) lvl[8 * g + l] = s + l1 + Math.round(((l - 2) * (size - l1)) / 5);
    for (let l = 1; l <= 6; l++) for (let a = lvl[8 * g + l]!; a < lvl[8 * g + l + 1]!; a++) level[a] = l;
    for (let a = s; a < s + size; a++) gangOf[a] = g;
  }
  // shuffled ids: a gang's accounts are spread over the id space
  const idOf = new Int32Array(nMule);
  for (let a = 0; a < nMule; a++) idOf[a] = a;
  if (nGangs > 1)
    for (let a = nMule - 1; a > 0; a--) {
      const b = int(0, a);
      const t = idOf[a]!;
      idOf[a] = idOf[b]!;
      idOf[b] = t;
    }
  const accounts: RawColumns['accounts'] = [];
  for (let a = 0; a < nMule; a++) {
    depth[a] = int(4, 6);
    accounts.push({ id: `M${pad(idOf[a]!, 7)}`, opening: rnd() < 0.1 ? int(1, 500) * 1000 : 0, sink: false });
  }
  for (let s = 0; s < nSink; s++)
    accounts.push({ id: `S${['CASH', 'MERC', 'EXCH'][s % 3]}${pad(s, 5)}`, opening: 0, sink: true });
  // sinks [0, nShared) are shared; the others are the gangs' own, dealt out in turn
  const gangSinks = nSink - nShared;
  const sinkOf = (g: number): number => {
    if (gangSinks === 0 || rnd() < 0.1) return nMule + int(0, nShared - 1);
    const per = Math.max(1, Math.floor(gangSinks / nGangs));
    return nMule + nShared + ((g * per + int(0, per - 1)) % gangSinks);
  };
  // victims and own parties belong to gang (index mod gangs) when there are enough of them
  const member = (count: number, g: number): number =>
    count >= nGangs ? g + nGangs * int(0, Math.floor((count - 1 - g) / nGangs)) : int(0, count - 1);

  const balance = new Float64Array(nAcc);
  for (let a = 0; a < nMule; a++) balance[a] = accounts[a]!.opening;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const amount = new Float64Array(n);
  const timeMs = new Float64Array(n);
  const timeSub = new Int32Array(n);
  // Each gang has a ring of recently credited accounts (the ones with money to move on).
  const RING = Math.max(256, Math.floor(4096 / nActive));
  const ring = new Int32Array(RING * nGangs);
  const ringLen = new Int32Array(nGangs);
  const ringHead = new Int32Array(nGangs);
  const activate = (a: number) => {
    const g = gangOf[a]!;
    const h = ringHead[g]!;
    ring[g * RING + h] = a;
    ringHead[g] = (h + 1) % RING;
    if (ringLen[g]! < RING) ringLen[g]!++;
  };
  // gangs work in turn: nActive at a time, each for about n / nGangs transfers
  const budget = Math.ceil(n / nGangs);
  const done = new Int32Array(nGangs);
  const active: number[] = [];
  let nextGang = 0;
  while (active.length < nActive) active.push(nextGang++);
  let t = Date.parse('2023-01-01T00:00:00+08:00');
  const pickIn = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
  for (let i = 0; i < n; i++) {
    t += int(0, 3) * 1000; // equal times are common
    timeMs[i] = t;
    const slot = Math.floor(rnd() * active.length);
    const g = active[slot]!;
    if (++done[g]! >= budget && active.length > 0) {
      if (nextGang < nGangs) active[slot] = nextGang++;
      else if (active.length > 1) active.splice(slot, 1);
    }
    const r = rnd();
    let src = -1;
    const len = ringLen[g]!;
    if (r >= 0.14 && len > 0) {
      const cand = ring[g * RING + ((ringHead[g]! - 1 - Math.floor(rnd() * len) + RING * 2) % RING)]!;
      if (balance[cand]! > 0) src = cand;
    }
    if (src < 0) {
      // Money from outside: victims mostly, then the mules' own money and innocent payers.
      let party: number;
      let dst: number;
      let x: number;
      if (r < 0.03) {
        party = nVictims + member(nOwn, g);
        dst = pickIn(gStart[g]!, gStart[g + 1]!);
        x = int(1, 200) * 1000;
      } else if (r < 0.06) {
        party = nVictims + nOwn + int(0, nThird - 1);
        const l = int(2, 5);
        dst = pickIn(lvl[8 * g + l]!, lvl[8 * g + l + 1]!);
        x = int(1, 100) * 1000;
      } else {
        party = member(nVictims, g);
        dst = pickIn(lvl[8 * g + 1]!, lvl[8 * g + 2]!);
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
    const l = level[src]!;
    const next = Math.min(l + 1, 6);
    const dst =
      l >= depth[src]! || rnd() < 0.05 ? sinkOf(g) : pickIn(lvl[8 * g + next]!, lvl[8 * g + next + 1]!);
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
  return {
    currency: 'CNY',
    parties,
    accounts,
    from,
    to,
    amount,
    timeMs,
    timeSub,
    transferIds,
    gangs: nGangs,
    active: nActive,
  };
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
