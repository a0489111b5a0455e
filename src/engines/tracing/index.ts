/** The fund-flow tracing engine (pure, no I/O). See docs/tracing.md. */
import { type CompiledLedger, compileLedger } from './compiled-ledger.js';
import { traceFast } from './lot-engine.js';
import { referenceHoldings, traceReference } from './reference-engine.js';
import { buildTraceDocument } from './trace-document.js';
import type { TraceDocument, TraceRule } from './types.js';

export * from './types.js';
export { LedgerError, type LedgerErrorKind } from './ledger-error.js';
export {
  compileColumns,
  compileLedger,
  LedgerBuilder,
  type CompiledLedger,
  type RawColumns,
} from './compiled-ledger.js';
export { canonicalJson } from './canonical-json.js';
export { largestRemainder, compareIds } from './apportion.js';
export { traceFast, type PieceListener } from './lot-engine.js';
export { traceReference } from './reference-engine.js';
export { buildTraceDocument, type Holdings } from './trace-document.js';

/** An implementation of the trace: compiled ledger + rule → levee.trace/1. */
export type TraceImpl = (ledger: CompiledLedger, rule: TraceRule) => TraceDocument;

export const fastTrace: TraceImpl = (ledger, rule) =>
  buildTraceDocument(ledger, rule, traceFast(ledger, rule).holdings);

export const referenceTrace: TraceImpl = (ledger, rule) =>
  buildTraceDocument(ledger, rule, referenceHoldings(ledger, traceReference(ledger, rule)));

/** Validates, compiles and traces a parsed levee.ledger/1 document with the fast engine. */
export function trace(ledgerDoc: unknown, rule: TraceRule): TraceDocument {
  return fastTrace(compileLedger(ledgerDoc), rule);
}
export { explainAccount, explainAccounts, type ExplainDocument } from './explain.js';
export { poisonReach, type PoisonDocument, victimInflow } from './poison.js';
export { CsvTableReader, splitCsvLine } from './csv-ledger.js';
export { ruleTable } from './rule-table.js';
