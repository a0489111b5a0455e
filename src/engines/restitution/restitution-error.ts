/** Bad input to a restitution computation (negative amounts, a frozen amount above the balance…). */
export class RestitutionError extends Error {
  override readonly name = 'RestitutionError';
}
