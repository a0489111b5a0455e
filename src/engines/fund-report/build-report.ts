/**
 * The fund analysis report (levee.fund-report/1): per victim and per account, the money located,
 * frozen and lost to each sink under the chosen rule, with the other three rules' figures beside
 * it; the Art. 8 return proposal; every figure footnoted with the transfers behind it; and what
 * is needed to compute it again. Pure: the ledger, the frozen amounts and the parameters in, one
 * object out, the same bytes every time (`fundReportJson`).
 *
 * Every figure is taken from the engines, never recomputed here: balances, located and sink
 * amounts are `fastTrace` under each rule; the frozen part of an account and the returns are
 * `proposeArt8Returns` (with `victimInflow` as the traced weights); footnotes are
 * `explainAccounts`. This module only arranges them, sums rows, and checks the inputs.
 */
import { createHash } from 'node:crypto';
import {
  type Art8Result,
  type FrozenAccount,
  type ProportionalBase,
  proposeArt8Returns,
} from '../restitution/index.js';
import {
  type CompiledLedger,
  canonicalJson,
  compileLedger,
  explainAccounts,
  fastTrace,
  type PartyRole,
  TRACE_RULES,
  type TraceDocument,
  type TraceRule,
  victimInflow,
} from '../tracing/index.js';
import { buildFootnotes, type FootnoteIndex, noteKey } from './footnotes.js';
import { publicNoticeText } from './public-notice.js';
import { FundReportError } from './report-error.js';
import {
  type AccountOriginRow,
  type AccountReport,
  ENGINE_VERSION,
  FUND_REPORT_FORMAT,
  type Figure,
  type FundReport,
  type FundReportInput,
  type ProposalAccount,
  type ReportInputs,
  type ReportReturn,
  type ReportVictimInput,
  type ReturnProposal,
  type SummaryFigure,
  type VictimAccountRow,
  type VictimReport,
  type VictimSinkRow,
} from './report-types.js';

export const DEFAULT_PATHS_PER_FOOTNOTE = 20;

const ROLE_NAMES: PartyRole[] = ['victim', 'third-party', 'own', 'unknown'];

type ByRule = Record<TraceRule, number>;

function byRule(f: (rule: TraceRule) => number): ByRule {
  return Object.fromEntries(TRACE_RULES.map((r) => [r, f(r)])) as ByRule;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fen(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new FundReportError('bad-input', `${what} must be whole fen ≥ 0, got ${JSON.stringify(value)}`);
  return value;
}

/** SHA-256 of the ledger's canonical JSON: the same document gives the same fingerprint whatever its key order. */
export function ledgerFingerprint(ledger: unknown): string {
  return createHash('sha256').update(canonicalJson(ledger)).digest('hex');
}

/** The report as canonical JSON: keys sorted, one space per level, final newline; byte-identical for equal input. */
export function fundReportJson(report: FundReport): string {
  return canonicalJson(report);
}

interface AccountInfo {
  institution?: string;
  number?: string;
  holder?: string;
}

/** Extra fields some ledgers carry (case ledgers: institution/account/holder; the simulator: institution/number). */
function accountInfo(ledger: unknown): Map<string, AccountInfo> {
  const out = new Map<string, AccountInfo>();
  const accounts = (ledger as { accounts?: unknown }).accounts;
  if (!Array.isArray(accounts)) return out;
  for (const a of accounts as Record<string, unknown>[]) {
    const info: AccountInfo = {};
    const number = typeof a['account'] === 'string' ? a['account'] : a['number'];
    if (typeof a['institution'] === 'string' && a['institution'] !== '') info.institution = a['institution'];
    if (typeof number === 'string' && number !== '') info.number = number;
    if (typeof a['holder'] === 'string' && a['holder'] !== '') info.holder = a['holder'];
    if (typeof a['id'] === 'string') out.set(a['id'], info);
  }
  return out;
}

function partyLabels(ledger: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const parties = (ledger as { parties?: unknown }).parties;
  if (!Array.isArray(parties)) return out;
  for (const p of parties as Record<string, unknown>[])
    if (typeof p['id'] === 'string' && typeof p['label'] === 'string' && p['label'] !== '')
      out.set(p['id'], p['label']);
  return out;
}

function accountLabel(id: string, info: AccountInfo | undefined): string {
  if (!info?.number) return `账户${id}`;
  const holder = info.holder ? `（户名${info.holder}）` : '';
  return `${info.institution ?? ''}账户${info.number}${holder}`;
}

function checkInput(input: FundReportInput, ledger: CompiledLedger): ReportInputs {
  if (!(TRACE_RULES as readonly string[]).includes(input.rule))
    throw new FundReportError(
      'bad-input',
      `rule must be one of ${TRACE_RULES.join(', ')}, got "${input.rule}"`,
    );
  if (input.proportionalBase !== 'loss' && input.proportionalBase !== 'traced')
    throw new FundReportError(
      'bad-input',
      `proportionalBase must be loss or traced, got "${input.proportionalBase}"`,
    );
  if (typeof input.generatedAt !== 'string' || Number.isNaN(Date.parse(input.generatedAt)))
    throw new FundReportError(
      'bad-input',
      `generatedAt must be an ISO time, got ${JSON.stringify(input.generatedAt)}`,
    );
  const cap = input.pathsPerFootnote ?? DEFAULT_PATHS_PER_FOOTNOTE;
  if (!Number.isSafeInteger(cap) || cap < 1)
    throw new FundReportError('bad-input', `pathsPerFootnote must be a whole number ≥ 1, got ${cap}`);
  const accounts = new Set(ledger.accountIds);
  const frozen: Record<string, number> = {};
  for (const account of Object.keys(input.frozen).sort(cmp)) {
    if (!accounts.has(account))
      throw new FundReportError('unknown-account', `frozen account "${account}" is not in the ledger`);
    frozen[account] = fen(input.frozen[account], `frozen amount of "${account}"`);
  }
  const untraceable = [...new Set(input.untraceable ?? [])].sort(cmp);
  for (const account of untraceable)
    if (!accounts.has(account))
      throw new FundReportError('unknown-account', `untraceable account "${account}" is not in the ledger`);
  const roleOf = new Map(ledger.originIds.map((id, o) => [id, ROLE_NAMES[ledger.originRole[o]!]!]));
  const seen = new Set<string>();
  const victims: ReportVictimInput[] = [];
  for (const v of input.victims ?? []) {
    if (typeof v.id !== 'string' || v.id === '') throw new FundReportError('bad-input', 'a victim has no id');
    if (seen.has(v.id)) throw new FundReportError('bad-input', `victim "${v.id}" is listed twice`);
    const role = roleOf.get(v.id);
    if (role !== undefined && role !== 'victim')
      throw new FundReportError(
        'unknown-victim',
        `"${v.id}" is a party of role ${role} in the ledger, not a victim`,
      );
    seen.add(v.id);
    victims.push({ id: v.id, name: String(v.name ?? v.id), loss: fen(v.loss, `loss of victim "${v.id}"`) });
  }
  for (const s of input.sources)
    if (typeof s.kind !== 'string' || typeof s.ref !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256))
      throw new FundReportError(
        'bad-input',
        `source ${JSON.stringify(s)}: needs kind, ref and a SHA-256 in hex`,
      );
  return {
    rule: input.rule,
    proportionalBase: input.proportionalBase,
    frozen,
    victims: victims.sort((a, b) => cmp(a.id, b.id)),
    untraceable,
    caseNos: [...input.caseNos],
    sources: input.sources.map((s) => ({ kind: s.kind, ref: s.ref, sha256: s.sha256 })),
    generatedAt: input.generatedAt,
    pathsPerFootnote: cap,
  };
}

function proposalFor(
  ledger: CompiledLedger,
  rule: TraceRule,
  doc: TraceDocument,
  inputs: ReportInputs,
  losses: Record<string, number>,
  roles: Record<string, PartyRole>,
): { result: Art8Result; inflow: Map<string, Map<string, number>> } {
  const frozenAccounts = Object.keys(inputs.frozen);
  const inflow = victimInflow(ledger, rule, frozenAccounts);
  const untraceable = new Set(inputs.untraceable);
  const accounts: FrozenAccount[] = frozenAccounts.map((account) => ({
    account,
    // What is frozen beyond the balance the ledger explains is not attributed (see beyondTrace).
    frozen: Math.min(inputs.frozen[account]!, doc.accounts[account]!.balance),
    held: doc.accounts[account]!.byOrigin,
    traceable: !untraceable.has(account),
    contributors: Object.fromEntries(inflow.get(account)!),
  }));
  const result = proposeArt8Returns({ rule, roles, losses, accounts, base: inputs.proportionalBase });
  return { result, inflow };
}

function sumFigures(rows: Figure[]): Figure {
  const notes = [...new Set(rows.flatMap((r) => r.notes))].sort((a, b) => a - b);
  return {
    amount: rows.reduce((s, r) => s + r.amount, 0),
    notes,
    byRule: byRule((r) => rows.reduce((s, row) => s + row.byRule[r], 0)),
  };
}

function summed(rows: { byRule: ByRule; amount: number }[]): SummaryFigure {
  return {
    amount: rows.reduce((s, r) => s + r.amount, 0),
    byRule: byRule((r) => rows.reduce((s, row) => s + row.byRule[r], 0)),
  };
}

export function buildFundReport(input: FundReportInput): FundReport {
  const ledger = compileLedger(input.ledger);
  const inputs = checkInput(input, ledger);
  const rule = inputs.rule;
  const docs = byRuleDocs(ledger);
  const doc = docs[rule];
  const info = accountInfo(input.ledger);
  const labels = partyLabels(input.ledger);
  const roles: Record<string, PartyRole> = {};
  ledger.originIds.forEach((id, o) => {
    roles[id] = ROLE_NAMES[ledger.originRole[o]!]!;
  });

  // Victims: those listed (with names and declared losses) and every victim of the ledger.
  const listed = new Map(inputs.victims.map((v) => [v.id, v]));
  const victimIds = [...new Set([...listed.keys(), ...Object.keys(doc.victims)])].sort(cmp);
  const losses: Record<string, number> = {};
  for (const v of victimIds) losses[v] = listed.get(v)?.loss ?? doc.victims[v]?.sent ?? 0;

  const proposals = {} as Record<TraceRule, { result: Art8Result; inflow: Map<string, Map<string, number>> }>;
  for (const r of TRACE_RULES) proposals[r] = proposalFor(ledger, r, docs[r], inputs, losses, roles);
  const attributedIn = (r: TraceRule, account: string): Record<string, number> =>
    proposals[r].result.accounts.find((a) => a.account === account)?.attributed ?? {};

  const notes: FootnoteIndex = buildFootnotes(explainAccounts(ledger, rule), inputs.pathsPerFootnote);
  const noteOf = (account: string, origin: string): number[] => {
    const id = notes.byKey.get(noteKey(account, origin));
    return id === undefined ? [] : [id];
  };

  const sinkKind = new Map<string, string>();
  const ledgerAccounts = (input.ledger as { accounts: { id: string; sink?: string }[] }).accounts;
  for (const a of ledgerAccounts) if (typeof a.sink === 'string' && a.sink !== '') sinkKind.set(a.id, a.sink);

  const victims: VictimReport[] = victimIds.map((v) => {
    const sent = doc.victims[v]?.sent ?? 0;
    const located: VictimAccountRow[] = [];
    const sinks: VictimSinkRow[] = [];
    const accountsOf = (key: 'located' | 'sinks') =>
      [...new Set(TRACE_RULES.flatMap((r) => Object.keys(docs[r].victims[v]?.[key] ?? {})))].sort(cmp);
    for (const account of accountsOf('located'))
      located.push({
        account,
        amount: doc.victims[v]?.located[account] ?? 0,
        notes: noteOf(account, v),
        byRule: byRule((r) => docs[r].victims[v]?.located[account] ?? 0),
      });
    for (const account of accountsOf('sinks'))
      sinks.push({
        account,
        sink: sinkKind.get(account) ?? 'sink',
        amount: doc.victims[v]?.sinks[account] ?? 0,
        notes: noteOf(account, v),
        byRule: byRule((r) => docs[r].victims[v]?.sinks[account] ?? 0),
      });
    const frozen: VictimAccountRow[] = [];
    for (const account of Object.keys(inputs.frozen)) {
      const figures = byRule((r) => attributedIn(r, account)[v] ?? 0);
      if (TRACE_RULES.every((r) => figures[r] === 0)) continue;
      frozen.push({ account, amount: figures[rule], notes: noteOf(account, v), byRule: figures });
    }
    const returns = proposals[rule].result.accounts.flatMap((a) => a.returns.filter((x) => x.victim === v));
    const direct = returns.filter((x) => x.basis !== 'art8-3').reduce((s, x) => s + x.amount, 0);
    const proportional = returns.filter((x) => x.basis === 'art8-3').reduce((s, x) => s + x.amount, 0);
    const loss = losses[v]!;
    return {
      id: v,
      name: listed.get(v)?.name ?? labels.get(v) ?? v,
      loss,
      sent,
      notInLedger: Math.max(0, loss - sent),
      located,
      frozen,
      sinks,
      totals: {
        located: sumFigures(located),
        frozen: sumFigures(frozen),
        sinks: sumFigures(sinks),
        proposedReturn: {
          amount: direct + proportional,
          direct,
          proportional,
          byRule: byRule((r) => proposals[r].result.totals[v] ?? 0),
        },
      },
    };
  });

  const untraceable = new Set(inputs.untraceable);
  const accounts: AccountReport[] = ledger.accountIds.map((id) => {
    const balance = doc.accounts[id]!.balance;
    const frozenHere = inputs.frozen[id] ?? 0;
    const origins = [
      ...new Set(TRACE_RULES.flatMap((r) => Object.keys(docs[r].accounts[id]!.byOrigin))),
    ].sort(cmp);
    const rows: AccountOriginRow[] = origins.map((o) => {
      const frozenByRule = byRule((r) => attributedIn(r, id)[o] ?? 0);
      return {
        origin: o,
        role: roles[o]!,
        amount: doc.accounts[id]!.byOrigin[o] ?? 0,
        notes: noteOf(id, o),
        byRule: byRule((r) => docs[r].accounts[id]!.byOrigin[o] ?? 0),
        frozen: frozenByRule[rule],
        frozenByRule,
      };
    });
    const a = info.get(id) ?? {};
    const sink = sinkKind.get(id);
    return {
      id,
      ...(a.institution !== undefined ? { institution: a.institution } : {}),
      ...(a.number !== undefined ? { number: a.number } : {}),
      ...(a.holder !== undefined ? { holder: a.holder } : {}),
      ...(sink !== undefined ? { sink } : {}),
      balance,
      frozen: frozenHere,
      frozenBeyondTrace: Math.max(0, frozenHere - balance),
      untraceable: untraceable.has(id),
      origins: rows,
    };
  });

  const returnProposal = proposalSection(inputs, proposals[rule].result, proposals[rule].inflow, {
    losses,
    roles,
    noteOf,
    doc,
    info,
    names: new Map(victims.map((v) => [v.id, v.name])),
  });

  const victimTotal = (pick: (v: VictimReport) => Figure) => summed(victims.map(pick));
  const summary: FundReport['summary'] = {
    victims: victims.length,
    accounts: ledger.accountIds.length,
    transfers: ledger.transferCount,
    loss: victims.reduce((s, v) => s + v.loss, 0),
    sent: victims.reduce((s, v) => s + v.sent, 0),
    notInLedger: victims.reduce((s, v) => s + v.notInLedger, 0),
    located: victimTotal((v) => v.totals.located),
    lostToSinks: victimTotal((v) => v.totals.sinks),
    frozen: Object.values(inputs.frozen).reduce((s, x) => s + x, 0),
    frozenVictimMoney: victimTotal((v) => v.totals.frozen),
    frozenBeyondTrace: accounts.reduce((s, a) => s + a.frozenBeyondTrace, 0),
    gaps: { count: doc.gaps.length, amount: doc.gaps.reduce((s, g) => s + g.amount, 0) },
    proposedReturn: summed(victims.map((v) => v.totals.proposedReturn)),
    proposedDirect: returnProposal.direct,
    proposedProportional: returnProposal.proportional,
    remainingFrozen: returnProposal.remaining,
    publicNoticeRequired: returnProposal.publicNoticeRequired,
  };

  return {
    format: FUND_REPORT_FORMAT,
    generatedAt: inputs.generatedAt,
    caseNos: inputs.caseNos,
    currency: ledger.currency,
    rule,
    rules: [...TRACE_RULES],
    parameters: {
      rule,
      proportionalBase: inputs.proportionalBase,
      unfrozenCharge: 'non-claimants-first',
      rounding: 'largest-remainder, ties to the smaller id',
      pathsPerFootnote: inputs.pathsPerFootnote,
      untraceable: inputs.untraceable,
    },
    summary,
    victims,
    accounts,
    gaps: doc.gaps.map((g) => ({ ...g })),
    returnProposal,
    footnotes: notes.list,
    transfers: notes.transfers,
    reproducibility: {
      ledgerSha256: ledgerFingerprint(input.ledger),
      ledgerCanonicalization:
        'levee canonical JSON (keys sorted by code unit, 1-space indent, final newline)',
      engine: 'levee tracing (fast engine; explanations by the reference engine) + restitution art8-2016',
      engineVersion: ENGINE_VERSION,
      rule,
      proportionalBase: inputs.proportionalBase,
      sources: inputs.sources,
      command: `levee report ledger.json --inputs inputs.json --format json`,
      inputs,
    },
  };
}

function byRuleDocs(ledger: CompiledLedger): Record<TraceRule, TraceDocument> {
  return Object.fromEntries(TRACE_RULES.map((r) => [r, fastTrace(ledger, r)])) as Record<
    TraceRule,
    TraceDocument
  >;
}

function proposalSection(
  inputs: ReportInputs,
  result: Art8Result,
  inflow: Map<string, Map<string, number>>,
  ctx: {
    losses: Record<string, number>;
    roles: Record<string, PartyRole>;
    noteOf: (account: string, origin: string) => number[];
    doc: TraceDocument;
    info: Map<string, AccountInfo>;
    names: Map<string, string>;
  },
): ReturnProposal {
  const untraceable = new Set(inputs.untraceable);
  let direct = 0;
  let proportional = 0;
  let remaining = 0;
  const accounts: ProposalAccount[] = result.accounts.map((a) => {
    const frozen = inputs.frozen[a.account]!;
    const beyond = frozen - a.frozen;
    const isUntraceable = untraceable.has(a.account);
    // Money shared in proportion: unknown origins, or everything frozen where deposits cannot be told apart.
    const pooled = Object.keys(a.attributed).filter((o) => isUntraceable || ctx.roles[o] === 'unknown');
    const poolAmount = isUntraceable ? a.frozen : pooled.reduce((s, o) => s + a.attributed[o]!, 0);
    const contributors = inflow.get(a.account)!;
    const weights: Record<string, number> = {};
    for (const v of [...contributors.keys()].sort(cmp))
      weights[v] = inputs.proportionalBase === 'loss' ? (ctx.losses[v] ?? 0) : contributors.get(v)!;
    const returns: ReportReturn[] = a.returns.map((r) => ({
      victim: r.victim,
      amount: r.amount,
      basis: r.basis,
      notes:
        r.basis === 'art8-3'
          ? [...new Set(pooled.flatMap((o) => ctx.noteOf(a.account, o)))].sort((x, y) => x - y)
          : ctx.noteOf(a.account, r.victim),
    }));
    const prop = returns.filter((r) => r.basis === 'art8-3');
    for (const r of returns)
      if (r.basis === 'art8-3') proportional += r.amount;
      else direct += r.amount;
    remaining += a.remaining + beyond;
    const out: ProposalAccount = {
      account: a.account,
      frozen,
      traced: a.frozen,
      attributed: a.attributed,
      untraceable: isUntraceable,
      returns,
      proportional: prop.length > 0,
      publicNoticeDays: a.publicNoticeDays,
      remaining: a.remaining + beyond,
    };
    if (poolAmount > 0) out.weights = weights;
    if (prop.length > 0)
      out.publicNotice = publicNoticeText({
        caseNos: inputs.caseNos,
        account: a.account,
        accountLabel: accountLabel(a.account, ctx.info.get(a.account)),
        frozen,
        pool: poolAmount,
        base: inputs.proportionalBase,
        shares: prop.map((r) => ({
          name: ctx.names.get(r.victim) ?? r.victim,
          amount: r.amount,
          weight: weights[r.victim] ?? 0,
        })),
        days: a.publicNoticeDays,
      });
    return out;
  });
  return {
    method: 'art8-2016',
    rule: inputs.rule,
    base: inputs.proportionalBase as ProportionalBase,
    unfrozenCharge: 'non-claimants-first',
    accounts,
    totals: result.totals,
    direct,
    proportional,
    remaining,
    publicNoticeRequired: accounts.some((a) => a.proportional),
  };
}
