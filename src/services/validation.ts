/**
 * Field checks shared by services: each throws a LEVEE_VALIDATION error naming the field and
 * what is wrong with the value, before anything is written.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { LeveeError } from '../core/errors.js';
import { checkResidentId } from '../engines/identity/resident-id.js';

const ID_PROBLEMS = {
  length: 'must be 18 characters',
  characters: 'must be 17 digits followed by a digit or X',
  'birth-date': 'has a birth date (characters 7–14) that is not a real date',
  'check-digit': 'has a wrong check character (GB 11643, ISO 7064 MOD 11-2): check for a typing error',
} as const;

export function validResidentId(value: string, field: string): string {
  const result = checkResidentId(value);
  if (!result.valid)
    throw new LeveeError('LEVEE_VALIDATION', `${field} "${value}" ${ID_PROBLEMS[result.problem!]}`, {
      field,
    });
  return value.trim().toUpperCase();
}

/** Chinese mobile numbers per the current numbering plan (offline metadata from libphonenumber). */
export function validMobile(value: string, field: string): string {
  const parsed = parsePhoneNumberFromString(value, 'CN');
  if (!parsed?.isValid())
    throw new LeveeError('LEVEE_VALIDATION', `${field} "${value}" is not a valid phone number`, { field });
  return parsed.nationalNumber;
}

export function validCardNumber(value: string, field: string): string {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits))
    throw new LeveeError('LEVEE_VALIDATION', `${field} "${value}" must be 12 to 19 digits`, { field });
  return digits;
}
