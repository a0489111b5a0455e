/**
 * Mobile numbers of mainland China. Validity comes from libphonenumber's offline metadata (the
 * service layer calls it); this module adds what the metadata does not say: virtual-operator
 * (MVNO) ranges, which carry far higher fraud rates and deserve a risk flag.
 */

/** Three-digit prefixes allocated to virtual operators (170/171 and 162/165/167 ranges). */
const VIRTUAL_PREFIXES = ['170', '171', '162', '165', '167'];

export function isVirtualOperatorNumber(nationalNumber: string): boolean {
  return nationalNumber.length === 11 && VIRTUAL_PREFIXES.includes(nationalNumber.slice(0, 3));
}
