/**
 * Ground truth as `levee.ledger/1` (/work/shared/formats/tracing-ledger.md): the gangs' mule
 * accounts are the traced accounts (opening = their own money before the scheme), victims are
 * parties with role victim, other money entering a mule account is a party — `own` for the
 * holder's cash deposits, `third-party` for payments from ordinary people — and the ATMs,
 * merchants and crypto OTC dealers that received money from mules are sinks (cash, merchant,
 * exchange). Extra fields (institution, number, level, gang, channel) are ignored by readers.
 */
import { isoCst } from './clock.js';
import type { World } from './world.js';

export interface LedgerFile {
  format: 'levee.ledger/1';
  about: string;
  currency: 'CNY';
  parties: { id: string; role: 'victim' | 'own' | 'third-party' | 'unknown' }[];
  accounts: {
    id: string;
    opening?: number;
    sink?: string;
    institution: string;
    number: string;
    gang?: string;
    level?: number;
  }[];
  transfers: { id: string; from: string; to: string; amount: number; time: string; channel: string }[];
}

export function exportLedger(world: World, options: { upTo?: number } = {}): LedgerFile {
  const ledger = world.ledger;
  const upTo = options.upTo ?? world.now;
  const accountId = (a: number): string => {
    const inst = world.institutions[ledger.inst[a] as number]?.code ?? '?';
    return `${inst}-${ledger.number[a]}`;
  };
  const mules = new Map<number, { gang: string; level: number }>();
  for (const gang of world.gangs)
    for (const [k, level] of gang.levels.entries())
      for (const a of level) mules.set(a, { gang: gang.id, level: k + 1 });

  const parties = new Map<string, LedgerFile['parties'][number]>();
  for (const v of world.victims) parties.set(v.id, { id: v.id, role: 'victim' });
  const sinks = new Set<number>();
  const transfers: LedgerFile['transfers'] = [];
  for (let t = 0; t < ledger.transferCount; t++) {
    const time = ledger.tTime[t] as number;
    if (time > upTo) break;
    const from = ledger.tFrom[t] as number;
    const to = ledger.tTo[t] as number;
    const fromMule = mules.has(from);
    if (!fromMule && !mules.has(to)) continue;
    let fromId: string;
    if (fromMule) fromId = accountId(from);
    else if (from < 0) {
      fromId = `OWN-${accountId(to)}`;
      parties.set(fromId, { id: fromId, role: 'own' });
    } else if (world.victimOfAccount.has(from)) fromId = world.victimOfAccount.get(from) as string;
    else {
      fromId = `TP-${accountId(from)}`;
      parties.set(fromId, { id: fromId, role: 'third-party' });
    }
    if (!mules.has(to)) {
      if (!ledger.isSink(to)) continue; // mules only pay mules or sinks; anything else is out of the trail
      sinks.add(to);
    }
    transfers.push({
      id: `T${String(t + 1).padStart(9, '0')}`,
      from: fromId,
      to: accountId(to),
      amount: ledger.tAmount[t] as number,
      time: isoCst(time),
      channel: ledger.transferView(t).channel,
    });
  }
  const accounts: LedgerFile['accounts'] = [];
  for (const [a, info] of mules) {
    const opening = openingBalance(world, a);
    accounts.push({
      id: accountId(a),
      ...(opening > 0 ? { opening } : {}),
      institution: world.institutions[ledger.inst[a] as number]?.code ?? '',
      number: ledger.number[a] as string,
      gang: info.gang,
      level: info.level,
    });
  }
  for (const s of [...sinks].sort((x, y) => x - y)) {
    accounts.push({
      id: accountId(s),
      sink: ledger.sinkKind[s] as string,
      institution: world.institutions[ledger.inst[s] as number]?.code ?? '',
      number: ledger.number[s] as string,
    });
  }
  return {
    format: 'levee.ledger/1',
    about: `levee sim ground truth: seed ${world.scenario.seed}, ${world.victims.length} victims, ${world.gangs.length} gangs, up to ${isoCst(upTo)}${world.scenario.about ? ` — ${world.scenario.about}` : ''}`,
    currency: 'CNY',
    parties: [...parties.values()],
    accounts,
    transfers,
  };
}

/** Balance an account had before its first transfer (its own money at the start). */
function openingBalance(world: World, account: number): number {
  const ledger = world.ledger;
  const first = ledger.movements[account]?.[0];
  if (first === undefined) return ledger.balance[account] as number;
  const amount = ledger.tAmount[first] as number;
  return ledger.tFrom[first] === account
    ? (ledger.tFromAfter[first] as number) + amount
    : (ledger.tToAfter[first] as number) - amount;
}

export class LedgerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerFormatError';
  }
}

/**
 * Check a levee.ledger/1 document against the format's input rules and replay it: unique ids
 * without ':', positive integer amounts, times with an offset, known ids, no sink debited, and —
 * stricter than the format, because the simulator knows everything — no account ever short.
 */
export function checkLedgerFile(file: LedgerFile): { balances: Map<string, number> } {
  if (file.format !== 'levee.ledger/1') throw new LedgerFormatError('format must be levee.ledger/1');
  const parties = new Set<string>();
  for (const p of file.parties) {
    if (p.id.includes(':') || parties.has(p.id))
      throw new LedgerFormatError(`bad or duplicate party ${p.id}`);
    if (!['victim', 'own', 'third-party', 'unknown'].includes(p.role))
      throw new LedgerFormatError(`party ${p.id}: role`);
    parties.add(p.id);
  }
  const balances = new Map<string, number>();
  const sinks = new Set<string>();
  for (const a of file.accounts) {
    if (a.id.includes(':') || balances.has(a.id))
      throw new LedgerFormatError(`bad or duplicate account ${a.id}`);
    if (a.opening !== undefined && !(Number.isSafeInteger(a.opening) && a.opening >= 0))
      throw new LedgerFormatError(`account ${a.id}: opening`);
    balances.set(a.id, a.opening ?? 0);
    if (a.sink) sinks.add(a.id);
  }
  const ids = new Set<string>();
  let last = Number.NEGATIVE_INFINITY;
  for (const t of file.transfers) {
    if (ids.has(t.id) || t.id.includes(':')) throw new LedgerFormatError(`bad or duplicate transfer ${t.id}`);
    ids.add(t.id);
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
      throw new LedgerFormatError(`transfer ${t.id}: amount`);
    if (!/([+-]\d{2}:\d{2}|Z)$/.test(t.time) || Number.isNaN(Date.parse(t.time)))
      throw new LedgerFormatError(`transfer ${t.id}: time`);
    const time = Date.parse(t.time);
    if (time < last) throw new LedgerFormatError(`transfer ${t.id}: out of time order`);
    last = time;
    if (!balances.has(t.to)) throw new LedgerFormatError(`transfer ${t.id}: unknown to ${t.to}`);
    if (parties.has(t.from)) {
      // money from outside
    } else if (balances.has(t.from)) {
      if (sinks.has(t.from)) throw new LedgerFormatError(`transfer ${t.id}: debits sink ${t.from}`);
      const after = (balances.get(t.from) as number) - t.amount;
      if (after < 0) throw new LedgerFormatError(`transfer ${t.id}: ${t.from} goes short by ${-after}`);
      balances.set(t.from, after);
    } else throw new LedgerFormatError(`transfer ${t.id}: unknown from ${t.from}`);
    balances.set(t.to, (balances.get(t.to) as number) + t.amount);
  }
  return { balances };
}
