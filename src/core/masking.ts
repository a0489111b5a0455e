/** Masking of personal data for lists. The full value is shown only through an audited reveal. */

export function maskIdNumber(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
}

export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(value.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(value.length);
  return `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
}
