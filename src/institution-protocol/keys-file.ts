/**
 * The key/endpoint configuration shared by Levee and institutions (`levee.institution-keys/1`):
 * Levee's key pair and, per institution, its code, base URL and public key. Private keys are
 * present only for the party that signs with them (the simulator's file carries all of them).
 */
import { type Static, Type } from '@sinclair/typebox';
import { RequestValidationError } from './errors.js';
import type { EndpointDirectory, InstitutionEndpoint } from './client.js';
import { createSigner, Keyring, type Signer } from './signing.js';
import { isValid } from './validate.js';

export const KeysFile = Type.Object({
  format: Type.Literal('levee.institution-keys/1'),
  levee: Type.Object({
    keyId: Type.String({ minLength: 1 }),
    publicKey: Type.String(),
    privateKey: Type.Optional(Type.String()),
  }),
  institutions: Type.Array(
    Type.Object({
      code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }),
      name: Type.String(),
      kind: Type.Union([Type.Literal('bank'), Type.Literal('payment')]),
      baseUrl: Type.String(),
      publicKey: Type.String(),
      privateKey: Type.Optional(Type.String()),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
});
export type KeysFile = Static<typeof KeysFile>;

export function parseKeysFile(json: unknown): KeysFile {
  if (!isValid(KeysFile, json)) throw new RequestValidationError('not a levee.institution-keys/1 document');
  return json as KeysFile;
}

/** What Levee needs from a keys file: its signer, the institutions' public keys and endpoints. */
export function leveeSideOf(file: KeysFile): {
  signer: Signer;
  keyring: Keyring;
  endpoints: EndpointDirectory;
} {
  if (!file.levee.privateKey)
    throw new RequestValidationError('the keys file has no Levee private key', 'levee.privateKey');
  const endpoints = new Map<string, InstitutionEndpoint>(
    file.institutions.map((i) => [
      i.code,
      { baseUrl: i.baseUrl, ...(i.timeoutMs ? { timeoutMs: i.timeoutMs } : {}) },
    ]),
  );
  return {
    signer: createSigner(file.levee.keyId, file.levee.privateKey),
    keyring: new Keyring(file.institutions.map((i) => [i.code, i.publicKey] as [string, string])),
    endpoints,
  };
}
