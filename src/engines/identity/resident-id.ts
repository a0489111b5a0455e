/**
 * Resident ID numbers (GB 11643-1999): 17 digits and a check character by ISO 7064 MOD 11-2;
 * digits 7–14 are the birth date, which must be a real date. Region codes 81/82/83 are the
 * residence permits of Hong Kong, Macau and Taiwan residents.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type ResidentIdProblem = 'length' | 'characters' | 'birth-date' | 'check-digit';

export interface ResidentIdResult {
  readonly valid: boolean;
  readonly problem?: ResidentIdProblem;
  readonly birthDate?: string;
  readonly residencePermit?: 'HK' | 'MO' | 'TW';
}

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function checkResidentId(input: string): ResidentIdResult {
  const value = input.trim().toUpperCase();
  if (value.length !== 18) return { valid: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { valid: false, problem: 'characters' };
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1900 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { valid: false, problem: 'birth-date' };
  }
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return { valid: false, problem: 'check-digit' };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const permit = ({ '81': 'HK', '82': 'MO', '83': 'TW' } as const)[value.slice(0, 2) as '81' | '82' | '83'];
  return permit ? { valid: true, birthDate, residencePermit: permit } : { valid: true, birthDate };
}
