/**
 * Keys of the simulated institutions. Derived from the seed (sha256 of a label → Ed25519 seed),
 * so `levee sim keys --seed N` prints the very keys `levee sim --seed N` signs with and Levee
 * can be configured without exchanging files. Never use derived keys outside a simulation.
 */
import { createHash } from 'node:crypto';
import type { KeysFile } from '../institution-protocol/keys-file.js';
import { keyPairFromSeed } from '../institution-protocol/signing.js';
import type { InstitutionInfo } from './institutions.js';

export const LEVEE_SIM_KEY_ID = 'levee-1';

function derived(label: string) {
  return keyPairFromSeed(createHash('sha256').update(`levee-sim-key/${label}`).digest());
}

export function simKeysFile(options: {
  seed: number;
  institutions: readonly InstitutionInfo[];
  /** Base URL of the simulator, e.g. http://127.0.0.1:7100 */
  baseUrl: string;
}): KeysFile {
  const levee = derived(`${options.seed}/levee`);
  return {
    format: 'levee.institution-keys/1',
    levee: { keyId: LEVEE_SIM_KEY_ID, publicKey: levee.publicKey, privateKey: levee.privateKey },
    institutions: options.institutions.map((inst) => {
      const pair = derived(`${options.seed}/${inst.code}`);
      return {
        code: inst.code,
        name: inst.name,
        kind: inst.kind,
        baseUrl: `${options.baseUrl.replace(/\/$/, '')}/inst/${inst.code}`,
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
      };
    }),
  };
}
