/**
 * Checks a victim's report field by field before anything is saved. Errors stop the save and name
 * the field (`payments[1].time`); warnings are shown and kept with the case. Offline only: the
 * phone metadata and the public-suffix list ship inside the packages.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parse as parseDomain } from 'tldts';
import { checkBankCard } from '../engines/identity/bank-card.js';
import { isVirtualOperatorNumber } from '../engines/identity/mobile.js';
import { checkResidentId } from '../engines/identity/resident-id.js';
import { ARTEFACT_KINDS, PAYMENT_CHANNELS, SCAM_TYPE_CODES } from './scam-taxonomy.js';

export interface IntakeInput {
  scamType: string;
  narrative: string;
  reportedAt?: string | undefined;
  victim: { name: string; idNumber: string; phone: string; address: string; unitId: number };
  payments: {
    time: string;
    amount: number;
    channel: string;
    institution: string;
    account: string;
    accountName: string;
    fromAccount?: string | undefined;
  }[];
  artefacts?: { kind: string; value: string }[] | undefined;
}

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

export interface CheckedIntake {
  errors: FieldIssue[];
  warnings: FieldIssue[];
  victimIdNumber: string;
  victimPhone: string;
  payments: { paidAt: string; account: string }[];
  artefacts: { kind: string; value: string; normalized: string; flags: string[] }[];
}

const ID_MESSAGES: Record<string, string> = {
  length: 'must be 18 characters',
  characters: 'must be 17 digits followed by a digit or X',
  'birth-date': 'holds a birth date that does not exist',
  'check-digit': 'has a wrong check character; look for a typing error',
};

/** ISO 8601 with an explicit offset or Z; returns the instant in UTC, or undefined. */
export function parseInstant(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function checkIntake(
  input: IntakeInput,
  knownInstitutions: ReadonlySet<string>,
  now: Date,
): CheckedIntake {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const error = (field: string, code: string, message: string) => errors.push({ field, code, message });
  const warn = (field: string, code: string, message: string) => warnings.push({ field, code, message });

  if (!SCAM_TYPE_CODES.includes(input.scamType))
    error('scamType', 'unknown', `"${input.scamType}" is not a scam type; see GET /api/scam-types`);
  if (input.reportedAt !== undefined) {
    const at = parseInstant(input.reportedAt);
    if (!at) error('reportedAt', 'time', `"${input.reportedAt}" is not an ISO 8601 time with an offset`);
    else if (Date.parse(at) > now.getTime() + 60_000)
      error('reportedAt', 'future', 'the report cannot be dated in the future');
  }

  const id = checkResidentId(input.victim.idNumber);
  if (!id.valid)
    error('victim.idNumber', id.problem!, `ID number "${input.victim.idNumber}" ${ID_MESSAGES[id.problem!]}`);
  const phone = parsePhoneNumberFromString(input.victim.phone, 'CN');
  let victimPhone = input.victim.phone.trim();
  if (!phone?.isValid())
    error('victim.phone', 'phone', `"${input.victim.phone}" is not a valid phone number`);
  else {
    victimPhone = phone.country === 'CN' ? phone.nationalNumber : phone.number;
    if (phone.country === 'CN' && isVirtualOperatorNumber(phone.nationalNumber)) {
      warn(
        'victim.phone',
        'virtual-operator',
        `${victimPhone} is a virtual-operator number; confirm the victim's contact number`,
      );
    }
  }

  if (input.payments.length === 0)
    error('payments', 'empty', 'a report needs at least one payment by the victim');
  const payments = input.payments.map((p, i) => {
    const field = `payments[${i}]`;
    const paidAt = parseInstant(p.time);
    if (!paidAt)
      error(
        `${field}.time`,
        'time',
        `"${p.time}" is not an ISO 8601 time with an offset (e.g. 2026-11-26T14:05:00+08:00)`,
      );
    else if (Date.parse(paidAt) > now.getTime() + 60_000)
      error(`${field}.time`, 'future', `payment time ${p.time} is in the future`);
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0)
      error(`${field}.amount`, 'amount', `amount must be a whole number of fen above 0, got ${p.amount}`);
    if (!(PAYMENT_CHANNELS as readonly string[]).includes(p.channel))
      error(
        `${field}.channel`,
        'channel',
        `"${p.channel}" is not a channel (${PAYMENT_CHANNELS.join(', ')})`,
      );
    if (!knownInstitutions.has(p.institution))
      error(
        `${field}.institution`,
        'institution',
        `"${p.institution}" is not a known institution; see GET /api/institutions`,
      );
    const card = checkBankCard(p.account);
    if (!card.valid) {
      error(
        `${field}.account`,
        card.problem!,
        `account "${p.account}" ${card.problem === 'characters' ? 'may only hold digits' : 'must have 8 to 30 digits'}`,
      );
    } else {
      if (card.warnings.includes('luhn'))
        warn(
          `${field}.account`,
          'luhn',
          `card ${card.digits} fails the Luhn check; many Chinese debit cards do — confirm it with the victim`,
        );
      if (card.warnings.includes('not-unionpay-length'))
        warn(
          `${field}.account`,
          'card-length',
          `card ${card.digits} starts with 62 but is not 16–19 digits long`,
        );
    }
    return { paidAt: paidAt ?? '', account: card.digits };
  });

  const artefacts = (input.artefacts ?? []).map((a, i) => {
    const field = `artefacts[${i}]`;
    const value = a.value.trim();
    const flags: string[] = [];
    let normalized = value;
    if (!(ARTEFACT_KINDS as readonly string[]).includes(a.kind))
      error(`${field}.kind`, 'kind', `"${a.kind}" is not an artefact kind (${ARTEFACT_KINDS.join(', ')})`);
    else if (a.kind === 'phone') {
      const number = parsePhoneNumberFromString(value, 'CN');
      if (number?.isValid()) {
        normalized = number.number;
        if (number.country !== 'CN') flags.push('foreign');
        if (number.country === 'CN' && isVirtualOperatorNumber(number.nationalNumber))
          flags.push('virtual-operator');
      } else {
        // Scam numbers are often spoofed or odd (short codes, hidden numbers): keep them, but say so.
        flags.push('unparsed');
        warn(`${field}.value`, 'phone', `"${value}" is not a valid phone number; kept as written`);
      }
    } else if (a.kind === 'url') {
      const parsed = parseDomain(value.includes('://') ? value : `http://${value}`);
      if (!parsed.hostname || (!parsed.isIp && !parsed.domain))
        error(`${field}.value`, 'url', `"${value}" has no valid domain or address`);
      else {
        normalized = parsed.hostname;
        if (parsed.isIp) flags.push('ip-address');
      }
    }
    return { kind: a.kind, value, normalized, flags };
  });

  return {
    errors,
    warnings,
    victimIdNumber: input.victim.idNumber.trim().toUpperCase(),
    victimPhone,
    payments,
    artefacts,
  };
}
