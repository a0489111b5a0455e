/** Shapes of levee.ledger/1 (input) and levee.trace/1 (output); see docs/tracing.md. */

export const TRACE_RULES = ['fifo', 'lifo', 'libr', 'prorata'] as const;
export type TraceRule = (typeof TRACE_RULES)[number];

export const PARTY_ROLES = ['victim', 'own', 'third-party', 'unknown'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface LedgerParty {
  id: string;
  role: PartyRole;
}

export interface LedgerAccount {
  id: string;
  opening?: number;
  sink?: string;
}

export interface LedgerTransfer {
  id: string;
  from: string;
  to: string;
  amount: number;
  time: string;
}

export interface Ledger {
  format: 'levee.ledger/1';
  currency?: string;
  about?: string;
  parties: LedgerParty[];
  accounts: LedgerAccount[];
  transfers: LedgerTransfer[];
}

export interface TraceAccount {
  balance: number;
  byOrigin: Record<string, number>;
}

export interface TraceVictim {
  sent: number;
  located: Record<string, number>;
  sinks: Record<string, number>;
}

export interface TraceGap {
  account: string;
  transfer: string;
  amount: number;
}

export interface TraceDocument {
  format: 'levee.trace/1';
  rule: TraceRule;
  accounts: Record<string, TraceAccount>;
  victims: Record<string, TraceVictim>;
  gaps: TraceGap[];
}

export function isTraceRule(value: string): value is TraceRule {
  return (TRACE_RULES as readonly string[]).includes(value);
}

/** Origin role codes used by the engines: claimants (victim, third-party) sort below 2. */
export const ROLE_VICTIM = 0;
export const ROLE_THIRD_PARTY = 1;
export const ROLE_OWN = 2;
export const ROLE_UNKNOWN = 3;

export function roleCode(role: PartyRole): number {
  switch (role) {
    case 'victim':
      return ROLE_VICTIM;
    case 'third-party':
      return ROLE_THIRD_PARTY;
    case 'own':
      return ROLE_OWN;
    default:
      return ROLE_UNKNOWN;
  }
}
