/**
 * The case ledger in levee.ledger/1 terms. Accounts are keyed "<institution>/<account>", victims
 * "V<victim id>"; other payers into case accounts are parties with the role the tracing rules give
 * them. Linked cases (shared accounts) are traced together, so the export covers the whole linked
 * component and each movement appears once, whichever source reported it.
 */
import { createHash } from 'node:crypto';
import { LeveeError } from '../core/errors.js';
import type { Db } from '../repositories/audit.repository.js';
import {
  insertTransfers,
  ledgerRows,
  linkedComponent,
  upsertAccount,
  upsertParty,
} from '../repositories/case-ledger.repository.js';

export const LEDGER_FORMAT = 'levee.ledger/1';

export function accountKey(institution: string, account: string): string {
  return `${institution}/${account}`;
}

export function victimKey(victimId: number): string {
  return `V${victimId}`;
}

export function transferFingerprint(
  from: string,
  to: string,
  amount: number,
  atIso: string,
  serial: string,
): string {
  return createHash('sha256').update([from, to, amount, atIso, serial].join('|')).digest('hex');
}

export interface LedgerTransferInput {
  from:
    | { party: string; role: 'victim' | 'own' | 'third-party' | 'unknown'; label: string }
    | { institution: string; account: string; holder: string };
  to: { institution: string; account: string; holder: string; sink?: string | undefined };
  amount: number;
  at: string;
  channel?: string | undefined;
  serial?: string | undefined;
}

/** Add transfers to a case's ledger (accounts and parties created as needed); returns how many were new. */
export async function addLedgerTransfers(
  db: Db,
  caseId: number,
  source: string,
  sourceRef: string,
  transfers: LedgerTransferInput[],
  nowIso: string,
  level = 1,
): Promise<number> {
  const rows = [];
  for (const t of transfers) {
    let fromKey: string;
    if ('party' in t.from) {
      fromKey = t.from.party;
      await upsertParty(db, { case_id: caseId, key: fromKey, role: t.from.role, label: t.from.label });
    } else {
      fromKey = accountKey(t.from.institution, t.from.account);
      await upsertAccount(db, {
        case_id: caseId,
        institution_code: t.from.institution,
        account: t.from.account,
        holder_name: t.from.holder,
        level,
        state: 'new',
        sink: null,
        first_seen_at: nowIso,
        updated_at: nowIso,
      });
    }
    const toKey = accountKey(t.to.institution, t.to.account);
    await upsertAccount(db, {
      case_id: caseId,
      institution_code: t.to.institution,
      account: t.to.account,
      holder_name: t.to.holder,
      level: 'party' in t.from ? level : level + 1,
      state: t.to.sink ? 'cashed-out' : 'new',
      sink: t.to.sink ?? null,
      first_seen_at: nowIso,
      updated_at: nowIso,
    });
    const at = new Date(t.at).toISOString();
    rows.push({
      case_id: caseId,
      source,
      source_ref: sourceRef,
      from_key: fromKey,
      to_key: toKey,
      amount: t.amount,
      at,
      channel: t.channel ?? '',
      serial: t.serial ?? '',
      counterparty_name: 'party' in t.from ? t.from.label : t.from.holder,
      fingerprint: transferFingerprint(fromKey, toKey, t.amount, at, t.serial ?? ''),
      withdrawn: 0,
      created_at: nowIso,
    });
  }
  return insertTransfers(db, rows);
}

export interface LedgerDocument {
  format: typeof LEDGER_FORMAT;
  currency: 'CNY';
  about: string;
  parties: { id: string; role: string; label?: string }[];
  accounts: {
    id: string;
    opening?: number;
    sink?: string;
    institution: string;
    account: string;
    holder: string;
  }[];
  transfers: { id: string; from: string; to: string; amount: number; time: string; source: string }[];
}

/** The levee.ledger/1 document of a case and the cases linked to it. */
export async function exportCaseLedger(
  db: Db,
  caseId: number,
): Promise<{ document: LedgerDocument; caseIds: number[] }> {
  const caseIds = await linkedComponent(db, caseId);
  const { accounts, transfers, parties } = await ledgerRows(db, caseIds);
  const partyMap = new Map<string, { id: string; role: string; label: string }>();
  for (const p of parties)
    if (!partyMap.has(p.key)) partyMap.set(p.key, { id: p.key, role: p.role, label: p.label });
  const accountMap = new Map<string, LedgerDocument['accounts'][number]>();
  for (const a of accounts) {
    const key = accountKey(a.institution_code, a.account);
    const existing = accountMap.get(key);
    if (!existing) {
      accountMap.set(key, {
        id: key,
        institution: a.institution_code,
        account: a.account,
        holder: a.holder_name,
        ...(Number(a.opening) > 0 ? { opening: Number(a.opening) } : {}),
        ...(a.sink ? { sink: a.sink } : {}),
      });
    } else if (a.sink && !existing.sink) existing.sink = a.sink;
  }
  const seen = new Set<string>();
  const out: LedgerDocument['transfers'] = [];
  for (const t of transfers) {
    if (seen.has(t.fingerprint)) continue;
    seen.add(t.fingerprint);
    if (!accountMap.has(t.to_key))
      throw new LeveeError(
        'LEVEE_INTERNAL',
        `case ledger transfer ${t.id} goes to unknown account ${t.to_key}`,
      );
    out.push({
      id: `T${t.id}`,
      from: t.from_key,
      to: t.to_key,
      amount: Number(t.amount),
      time: t.at,
      source: `${t.source}:${t.source_ref}`,
    });
  }
  return {
    caseIds,
    document: {
      format: LEDGER_FORMAT,
      currency: 'CNY',
      about: `Levee case ledger of case${caseIds.length > 1 ? 's' : ''} ${caseIds.join(', ')}`,
      parties: [...partyMap.values()],
      accounts: [...accountMap.values()],
      transfers: out,
    },
  };
}
