/** Statement import engine: public surface. See docs/statement-import.md. */
export * from './amount.js';
export * from './csv-tokenizer.js';
export * from './date-time.js';
export * from './encoding.js';
export * from './errors.js';
export * from './fields.js';
export * from './fingerprint.js';
export * from './layout.js';
export * from './ledger.js';
export * from './mapping.js';
export * from './presets.js';
export * from './reconcile.js';
export * from './row-parser.js';
export * from './statement-parser.js';
export * from './transaction.js';
