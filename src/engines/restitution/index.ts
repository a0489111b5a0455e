/** Restitution: returning frozen money (2016 rules, Art. 8) and sharing a recovered pool. Pure. */
export { RestitutionError } from './restitution-error.js';
export { allocateCapped } from './capped-allocation.js';
export { type Claimant, type Distribution, netLossProRata, risingTide } from './case-distribution.js';
export {
  type Art8AccountResult,
  type Art8Input,
  type Art8Result,
  type Art8Return,
  attributeFrozen,
  type FrozenAccount,
  type ProportionalBase,
  proposeArt8Returns,
  type ReturnBasis,
} from './art8-returns.js';
