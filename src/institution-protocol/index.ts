/** Public surface of the institution protocol (types, schemas, signing, client, callback side). */
export * from './backoff.js';
export * from './callback-route.js';
export * from './callback-verifier.js';
export * from './client.js';
export * from './deadlines.js';
export * from './errors.js';
export * from './idempotency.js';
export * from './keys-file.js';
export * from './replay-guard.js';
export * from './schemas.js';
export * from './signing.js';
export * from './validate.js';
