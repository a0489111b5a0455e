/**
 * Request and callback signatures: Ed25519 (node:crypto) over a canonical string.
 *
 *   LEVEE-SIG-V1\n
 *   <METHOD>\n                 upper case, e.g. POST
 *   <path>\n                   path and query exactly as sent, e.g. /inst/ICBC/v1/freezes
 *   <timestamp>\n              X-Levee-Timestamp: Unix time in milliseconds, decimal
 *   <nonce>\n                  X-Levee-Nonce: 16-64 chars of base64url, fresh per request
 *   <idempotency key>\n        Idempotency-Key header, or empty
 *   <sha256(body), hex>        of the exact body bytes (empty body: hash of "")
 *
 * The signature travels base64-encoded in X-Levee-Signature, the signer's key id in
 * X-Levee-Key-Id. Keys are raw 32-byte Ed25519 keys, base64-encoded in configuration files.
 * Ed25519 was chosen over HMAC so that an institution never holds a secret able to forge Levee's
 * requests (and Levee never holds one able to forge an institution's feedback).
 */
import * as crypto from 'node:crypto';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { SignatureError } from './errors.js';

export const SIGNATURE_SCHEME = 'LEVEE-SIG-V1';

export const HEADERS = {
  keyId: 'x-levee-key-id',
  timestamp: 'x-levee-timestamp',
  nonce: 'x-levee-nonce',
  signature: 'x-levee-signature',
  idempotencyKey: 'idempotency-key',
} as const;

export interface SignedHeaders {
  'x-levee-key-id': string;
  'x-levee-timestamp': string;
  'x-levee-nonce': string;
  'x-levee-signature': string;
  'idempotency-key'?: string;
}

/**
 * Signed headers, and the JSON content type of a message with a body, as undici's flat
 * [name, value, …] list (what undici would make of an object itself, after more checks): how
 * Levee's client and the simulator's callbacks send them.
 */
export function headerList(signed: SignedHeaders, withJsonBody: boolean): string[] {
  const list: string[] = [];
  for (const name of Object.keys(signed) as (keyof SignedHeaders)[]) {
    const value = signed[name];
    if (value !== undefined) list.push(name, value);
  }
  if (withJsonBody) list.push('content-type', 'application/json');
  return list;
}

export interface CanonicalParts {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  idempotencyKey: string;
  body: string | Uint8Array;
}

/**
 * SHA-256, hex. `crypto.hash` (Node ≥ 20.12) hashes in one call without a Hash object: every
 * signed message and every received request is hashed, and createHash().update().digest() cost
 * about three times as much.
 */
export const sha256Hex: (body: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (body) => crypto.hash('sha256', body, 'hex')
    : (body) => createHash('sha256').update(body).digest('hex');

export function canonicalString(parts: CanonicalParts): string {
  return [
    SIGNATURE_SCHEME,
    parts.method.toUpperCase(),
    parts.path,
    parts.timestamp,
    parts.nonce,
    parts.idempotencyKey,
    sha256Hex(parts.body),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Keys

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A key pair as stored in configuration: raw 32-byte keys in base64. */
export interface KeyPairText {
  publicKey: string;
  privateKey: string;
}

export function generateKeyPairText(): KeyPairText {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: exportPublicKey(publicKey), privateKey: exportPrivateKey(privateKey) };
}

/** Deterministic key pair from a 32-byte seed (the simulator derives its keys this way). */
export function keyPairFromSeed(seed: Uint8Array): KeyPairText {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const privateKey = importPrivateKey(Buffer.from(seed).toString('base64'));
  return {
    publicKey: exportPublicKey(createPublicKey(privateKey)),
    privateKey: exportPrivateKey(privateKey),
  };
}

export function importPrivateKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new RangeError('an Ed25519 private key is 32 bytes (base64)');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function importPublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes (base64)');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function exportPublicKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length).toString('base64');
}

export function exportPrivateKey(key: KeyObject): string {
  return key
    .export({ format: 'der', type: 'pkcs8' })
    .subarray(PKCS8_ED25519_PREFIX.length)
    .toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Signer and keyring

export interface Signer {
  readonly keyId: string;
  signCanonical(canonical: string): string;
  /** The same signature made on libuv's thread pool, off the caller's event loop (optional). */
  signCanonicalAsync?(canonical: string): Promise<string>;
}

export function createSigner(keyId: string, privateKeyBase64: string): Signer {
  const key = importPrivateKey(privateKeyBase64);
  return {
    keyId,
    signCanonical: (canonical) => sign(null, Buffer.from(canonical, 'utf8'), key).toString('base64'),
    signCanonicalAsync: (canonical) =>
      new Promise((resolve, reject) =>
        sign(null, Buffer.from(canonical, 'utf8'), key, (error, signature) =>
          error ? reject(error) : resolve(signature.toString('base64')),
        ),
      ),
  };
}

/** Public keys by key id (the institution's code, or Levee's key id). */
export class Keyring {
  private readonly keys = new Map<string, KeyObject>();
  constructor(entries: Iterable<[keyId: string, publicKeyBase64: string]> = []) {
    for (const [id, key] of entries) this.add(id, key);
  }
  add(keyId: string, publicKeyBase64: string): void {
    this.keys.set(keyId, importPublicKey(publicKeyBase64));
  }
  get(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }
  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }
}

/** 128 random bits as 32 hex characters (a subset of base64url); randomUUID draws from a cached pool. */
export function randomNonce(): string {
  return randomUUID().replace(/-/g, '');
}

export interface SignInput {
  method: string;
  path: string;
  body: string | Uint8Array;
  idempotencyKey?: string;
  /** Unix ms; defaults to Date.now(). */
  timestamp?: number;
  nonce?: string;
}

/** The headers to add to a request (or callback) signed by `signer`. */
export function signRequest(signer: Signer, input: SignInput): SignedHeaders {
  const { canonical, timestamp, nonce } = toSign(input);
  return signedHeaders(signer, input, timestamp, nonce, signer.signCanonical(canonical));
}

/** `signRequest` with the signature made on the thread pool when the signer can. */
export async function signRequestAsync(signer: Signer, input: SignInput): Promise<SignedHeaders> {
  const { canonical, timestamp, nonce } = toSign(input);
  const signature = signer.signCanonicalAsync
    ? await signer.signCanonicalAsync(canonical)
    : signer.signCanonical(canonical);
  return signedHeaders(signer, input, timestamp, nonce, signature);
}

function toSign(input: SignInput): { canonical: string; timestamp: string; nonce: string } {
  const timestamp = String(input.timestamp ?? Date.now());
  const nonce = input.nonce ?? randomNonce();
  const canonical = canonicalString({
    method: input.method,
    path: input.path,
    timestamp,
    nonce,
    idempotencyKey: input.idempotencyKey ?? '',
    body: input.body,
  });
  return { canonical, timestamp, nonce };
}

function signedHeaders(
  signer: Signer,
  input: SignInput,
  timestamp: string,
  nonce: string,
  signature: string,
): SignedHeaders {
  const headers: SignedHeaders = {
    'x-levee-key-id': signer.keyId,
    'x-levee-timestamp': timestamp,
    'x-levee-nonce': nonce,
    'x-levee-signature': signature,
  };
  if (input.idempotencyKey !== undefined) headers['idempotency-key'] = input.idempotencyKey;
  return headers;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface SignatureFields {
  keyId: string;
  timestamp: number;
  nonce: string;
  idempotencyKey: string | undefined;
}

type SignedMessage = { method: string; path: string; headers: HeaderBag; body: string | Uint8Array };

/** The headers' fields checked for form, the key looked up and the canonical string to verify. */
function toVerify(
  keyring: Keyring,
  input: SignedMessage,
): { fields: SignatureFields; key: KeyObject; canonical: Buffer; signature: Buffer } {
  const keyId = header(input.headers, HEADERS.keyId);
  const timestampText = header(input.headers, HEADERS.timestamp);
  const nonce = header(input.headers, HEADERS.nonce);
  const signature = header(input.headers, HEADERS.signature);
  if (!keyId || !timestampText || !nonce || !signature)
    throw new SignatureError(
      'SIGNATURE_MISSING',
      'x-levee-key-id, -timestamp, -nonce and -signature are required',
    );
  if (!/^\d{1,16}$/.test(timestampText))
    throw new SignatureError('SIGNATURE_INVALID', 'x-levee-timestamp must be Unix milliseconds');
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce))
    throw new SignatureError('SIGNATURE_INVALID', 'x-levee-nonce must be 16-64 base64url characters');
  const key = keyring.get(keyId);
  if (!key) throw new SignatureError('UNKNOWN_KEY', `key id "${keyId}" is not known`);
  const idempotencyKey = header(input.headers, HEADERS.idempotencyKey);
  const canonical = canonicalString({
    method: input.method,
    path: input.path,
    timestamp: timestampText,
    nonce,
    idempotencyKey: idempotencyKey ?? '',
    body: input.body,
  });
  return {
    fields: { keyId, timestamp: Number(timestampText), nonce, idempotencyKey },
    key,
    canonical: Buffer.from(canonical, 'utf8'),
    signature: Buffer.from(signature, 'base64'),
  };
}

const mismatch = () => new SignatureError('SIGNATURE_INVALID', 'the signature does not match the request');

/**
 * Check the signature of a received request against `keyring`. Returns the parsed signature
 * fields (for the replay guard); throws SignatureError. Does not check time or nonce reuse.
 */
export function verifySignature(keyring: Keyring, input: SignedMessage): SignatureFields {
  const { fields, key, canonical, signature } = toVerify(keyring, input);
  let ok = false;
  try {
    ok = verify(null, canonical, key, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw mismatch();
  return fields;
}

/**
 * `verifySignature` with the Ed25519 check on libuv's thread pool: the caller's event loop spends
 * ~25 µs on it instead of ~120 µs (what a server receiving many signed messages spends most on).
 */
export async function verifySignatureAsync(keyring: Keyring, input: SignedMessage): Promise<SignatureFields> {
  const { fields, key, canonical, signature } = toVerify(keyring, input);
  const ok = await new Promise<boolean>((resolve) => {
    try {
      verify(null, canonical, key, signature, (error, valid) => resolve(!error && valid));
    } catch {
      resolve(false);
    }
  });
  if (!ok) throw mismatch();
  return fields;
}
