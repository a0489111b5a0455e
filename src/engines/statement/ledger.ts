/**
 * A parsed statement → levee.ledger/1 (see the tracing-ledger format). The statement's own
 * account is a traced account whose opening balance is the balance before its earliest row;
 * each counterparty with an account number or a name becomes a traced account too. A credit
 * from X to the account is the transfer X → account, a debit is account → X. Rows without any
 * counterparty go to a cash sink (取现/ATM summaries) or an out-of-scope sink, or come from an
 * unknown-origin party — the gap is shown, not hidden. Nothing here decides who is a victim:
 * roles are the analyst's to set.
 *
 * When a file holds the statements of several accounts that paid each other, the same transfer
 * appears twice (A's debit row and B's credit row); the credit mirror of a debit with the same
 * accounts, amount and instant is dropped and counted.
 */
import { MappingError } from './errors.js';
import type { StatementTransaction } from './fields.js';
import type { Reconciliation } from './reconcile.js';
import { UNKNOWN_ACCOUNT } from './statement-parser.js';

export interface LedgerParty {
  readonly id: string;
  readonly role: 'victim' | 'own' | 'third-party' | 'unknown';
  readonly name?: string;
}

export interface LedgerAccount {
  readonly id: string;
  readonly opening?: number;
  readonly sink?: string;
  readonly name?: string;
  readonly institution?: string;
  /** True for the accounts whose statements were imported. */
  readonly statement?: boolean;
}

export interface LedgerTransfer {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly time: string;
  readonly serial?: string;
  readonly summary?: string;
  readonly channel?: string;
  readonly fingerprint: string;
  /** "sheet!line" of the statement row. */
  readonly row: string;
}

export interface Ledger {
  readonly format: 'levee.ledger/1';
  readonly currency: 'CNY';
  readonly about?: string;
  readonly import?: Record<string, unknown>;
  readonly parties: LedgerParty[];
  readonly accounts: LedgerAccount[];
  readonly transfers: LedgerTransfer[];
}

export interface LedgerOptions {
  /** Prefix of transfer ids (default "t"); e.g. the batch id. Must not contain ':'. */
  readonly idPrefix?: string;
  readonly about?: string;
  readonly import?: Record<string, unknown>;
  /** Name and institution of the statement's own account. */
  readonly accountName?: string;
  readonly institution?: string;
  /**
   * Counterparties that only ever send money (never receive, not a statement account) become
   * parties of role "unknown" instead of accounts, so a trace names them as origins (the analyst
   * then marks victims) instead of reporting their money as a gap. Default false: accounts.
   */
  readonly sendersAsParties?: boolean;
}

export const CASH_SINK = 'CASH';
export const OUT_OF_SCOPE_SINK = 'UNKNOWN-OUT';
export const UNKNOWN_SOURCE = 'UNKNOWN-IN';
export const CASH_SOURCE = 'CASH-IN';
export const INTEREST_SOURCE = 'INTEREST';

const CASH_WORDS = /取现|取款|现金|atm|柜面取|存现|现存|存款机/i;
const INTEREST_WORDS = /利息|结息|息/;

/** An id safe for the ledger: no ':' and no whitespace. */
export function ledgerId(text: string): string {
  return text.replace(/[:\s]+/g, '-');
}

interface Pending {
  readonly tx: StatementTransaction;
  readonly seq: number;
}

export class LedgerBuilder {
  private readonly rows: Pending[] = [];
  private seq = 0;

  add(tx: StatementTransaction): void {
    if (tx.account === UNKNOWN_ACCOUNT)
      throw new MappingError(
        `line ${tx.line} of sheet "${tx.sheet}": the statement does not say whose account it is; pass the account id`,
      );
    this.rows.push({ tx, seq: this.seq++ });
  }

  /**
   * Build the ledger. `reconciliation` gives each account's opening balance and whether its
   * rows are newest-first (equal-time rows are then taken in reverse file order).
   */
  build(
    reconciliation: Reconciliation | undefined,
    options: LedgerOptions = {},
  ): { ledger: Ledger; mirrored: number; selfTransfers: number } {
    const prefix = options.idPrefix ?? 't';
    if (prefix.includes(':')) throw new MappingError('transfer id prefix must not contain ":"');
    const own = new Set(this.rows.map((r) => r.tx.account));
    const byAccount = new Map(reconciliation?.accounts.map((a) => [a.account, a]) ?? []);
    // Fields written out: a literal starting with a spread and adding a key is V8's slow path on Node 20.
    const ordered = this.rows.map((r) => ({
      tx: r.tx,
      seq: r.seq,
      key: byAccount.get(r.tx.account)?.order === 'newest-first' ? -r.seq : r.seq,
    }));
    ordered.sort((a, b) => a.tx.epochMs - b.tx.epochMs || a.key - b.key);

    const parties = new Map<string, LedgerParty>();
    const accounts = new Map<string, LedgerAccount>();
    for (const id of own) {
      const opening = byAccount.get(id)?.opening;
      accounts.set(ledgerId(id), {
        id: ledgerId(id),
        ...(opening !== undefined && opening > 0 ? { opening } : {}),
        ...(options.accountName ? { name: options.accountName } : {}),
        ...(options.institution ? { institution: options.institution } : {}),
        statement: true,
      });
    }
    const counterparty = (tx: StatementTransaction): string | undefined => {
      const id = tx.counterpartyAccount ?? (tx.counterpartyName ? `NAME-${tx.counterpartyName}` : undefined);
      if (id === undefined) return undefined;
      const key = ledgerId(id);
      if (!accounts.has(key))
        accounts.set(key, {
          id: key,
          ...(tx.counterpartyName ? { name: tx.counterpartyName } : {}),
          ...(tx.counterpartyInstitution ? { institution: tx.counterpartyInstitution } : {}),
        });
      return key;
    };

    const transfers: LedgerTransfer[] = [];
    const debitsBetweenOwn = new Map<string, number>();
    const mirrorKey = (from: string, to: string, tx: StatementTransaction) =>
      `${from}>${to}>${tx.amount}>${tx.epochMs}`;
    let mirrored = 0;
    let selfTransfers = 0;
    // First pass: count debits between statement accounts, so their credit mirrors can be dropped.
    for (const { tx } of ordered) {
      if (tx.direction !== 'debit' || !tx.counterpartyAccount || !own.has(tx.counterpartyAccount)) continue;
      const k = mirrorKey(ledgerId(tx.account), ledgerId(tx.counterpartyAccount), tx);
      debitsBetweenOwn.set(k, (debitsBetweenOwn.get(k) ?? 0) + 1);
    }
    for (const { tx } of ordered) {
      const self = ledgerId(tx.account);
      let other = counterparty(tx);
      if (other === self) {
        selfTransfers++;
        continue;
      }
      if (tx.direction === 'credit' && tx.counterpartyAccount && own.has(tx.counterpartyAccount)) {
        const k = mirrorKey(ledgerId(tx.counterpartyAccount), self, tx);
        const n = debitsBetweenOwn.get(k) ?? 0;
        if (n > 0) {
          debitsBetweenOwn.set(k, n - 1);
          mirrored++;
          continue;
        }
      }
      if (other === undefined) {
        const cash = CASH_WORDS.test(`${tx.summary ?? ''} ${tx.channel ?? ''}`);
        if (tx.direction === 'debit') {
          other = cash ? CASH_SINK : OUT_OF_SCOPE_SINK;
          if (!accounts.has(other)) accounts.set(other, { id: other, sink: cash ? 'cash' : 'out-of-scope' });
        } else {
          other = cash
            ? CASH_SOURCE
            : INTEREST_WORDS.test(tx.summary ?? '')
              ? INTEREST_SOURCE
              : UNKNOWN_SOURCE;
          if (!parties.has(other))
            parties.set(other, { id: other, role: other === INTEREST_SOURCE ? 'own' : 'unknown' });
        }
      }
      const [from, to] = tx.direction === 'credit' ? [other, self] : [self, other];
      transfers.push({
        id: `${prefix}${transfers.length + 1}`,
        from,
        to,
        amount: tx.amount,
        time: tx.time,
        ...(tx.serial ? { serial: tx.serial } : {}),
        ...(tx.summary ? { summary: tx.summary } : {}),
        ...(tx.channel ? { channel: tx.channel } : {}),
        fingerprint: tx.fingerprint,
        row: `${tx.sheet}!${tx.line}`,
      });
    }
    if (options.sendersAsParties) {
      const receivers = new Set(transfers.map((t) => t.to));
      for (const t of transfers) {
        const acc = accounts.get(t.from);
        if (!acc || acc.statement || receivers.has(t.from) || parties.has(t.from)) continue;
        accounts.delete(t.from);
        parties.set(t.from, { id: t.from, role: 'unknown', ...(acc.name ? { name: acc.name } : {}) });
      }
    }
    const ledger: Ledger = {
      format: 'levee.ledger/1',
      currency: 'CNY',
      ...(options.about ? { about: options.about } : {}),
      ...(options.import ? { import: options.import } : {}),
      parties: [...parties.values()],
      accounts: [...accounts.values()],
      transfers,
    };
    return { ledger, mirrored, selfTransfers };
  }
}
