/**
 * From a header row to a column mapping: which column holds which Levee field. A mapping comes
 * from a preset (matched by header words) or from an explicit mapping object — what the mapping
 * screen saves for a source. Explicit mappings are plain JSON, remembered per layout under the
 * header fingerprint (MappingMemory), so the next statement in the same layout maps itself.
 */
import { MappingError } from './errors.js';
import { type Cell, type Field, FIELD_LABELS, FIELDS, isField } from './fields.js';
import { headerFingerprint } from './fingerprint.js';
import { cellText, normalizeHeader } from './normalize.js';
import { CREDIT_WORDS, DEBIT_WORDS, type HeaderIndex, indexPreset, type Preset } from './presets.js';

/** What an analyst chose for a layout. Columns by header text, or by 0-based index. */
export interface ExplicitMapping {
  readonly version?: 1;
  /** Free text: the source this mapping was made for ("某银行 对公明细 2023"). */
  readonly source?: string;
  /** headerFingerprint of the header row it was made for (set when remembered). */
  readonly fingerprint?: string;
  /** 1-based row number of the header within the sheet; 0 = the file has no header row. */
  readonly headerRow?: number;
  /** Only this sheet (by name) is read. */
  readonly sheet?: string;
  readonly columns: Partial<Record<Field, string | number>>;
  readonly debitWords?: readonly string[];
  readonly creditWords?: readonly string[];
}

/** Remembered mappings, keyed by header fingerprint. Serialisable as is. */
export interface MappingMemory {
  readonly format: 'levee.statement-mappings/1';
  readonly mappings: Record<string, ExplicitMapping>;
}

export interface ResolvedMapping {
  /** Preset name, or 'explicit'. */
  readonly preset: string;
  readonly columns: Partial<Record<Field, number>>;
  readonly headers: readonly string[];
  readonly headerLine: number;
  readonly fingerprint: string;
  /** Header texts of columns no field uses. */
  readonly unmapped: readonly string[];
  readonly debitWords: ReadonlySet<string>;
  readonly creditWords: ReadonlySet<string>;
}

export interface HeaderMatch {
  readonly columns: Partial<Record<Field, number>>;
  readonly missing: readonly Field[];
  readonly matched: number;
}

/** A header needs a time (date or date-time) and an amount (one column, or debit and credit). */
export function missingFields(columns: Partial<Record<Field, number>>): Field[] {
  const missing: Field[] = [];
  if (columns.date === undefined && columns.time === undefined) missing.push('time');
  if (columns.amount === undefined) {
    if (columns.debit === undefined && columns.credit === undefined) missing.push('amount');
    else if (columns.debit === undefined) missing.push('debit');
    else if (columns.credit === undefined) missing.push('credit');
  }
  return missing;
}

/** Match a candidate header row against a preset's words. */
export function matchHeader(cells: readonly Cell[], index: HeaderIndex): HeaderMatch {
  const best = new Map<Field, { col: number; rank: number }>();
  let matched = 0;
  for (let col = 0; col < cells.length; col++) {
    const cell = cells[col];
    if (typeof cell !== 'string') continue;
    const hits = index.byWord.get(normalizeHeader(cell));
    if (!hits) continue;
    matched++;
    for (const { field, rank } of hits) {
      const current = best.get(field);
      if (current === undefined || rank < current.rank) best.set(field, { col, rank });
    }
  }
  const columns: Partial<Record<Field, number>> = {};
  const used = new Set<number>();
  // Fields claim columns in FIELDS order, so a word listed for two fields goes to the first.
  for (const field of FIELDS) {
    const hit = best.get(field);
    if (hit && !used.has(hit.col)) {
      columns[field] = hit.col;
      used.add(hit.col);
    }
  }
  // Separate debit and credit columns carry the sign; a further "amount" column is redundant.
  if (columns.debit !== undefined && columns.credit !== undefined) delete columns.amount;
  return { columns, missing: missingFields(columns), matched };
}

function words(base: readonly string[], extra: readonly string[] | undefined): Set<string> {
  return new Set([...base, ...(extra ?? [])].map(normalizeHeader));
}

export function resolveFromPreset(
  cells: readonly Cell[],
  preset: Preset,
  match: HeaderMatch,
  headerLine: number,
): ResolvedMapping {
  const headers = cells.map(cellText);
  const usedCols = new Set(Object.values(match.columns));
  return {
    preset: preset.name,
    columns: match.columns,
    headers,
    headerLine,
    fingerprint: headerFingerprint(cells),
    unmapped: headers.filter((h, i) => h !== '' && !usedCols.has(i)),
    debitWords: words(DEBIT_WORDS, preset.debitWords),
    creditWords: words(CREDIT_WORDS, preset.creditWords),
  };
}

export function validateExplicitMapping(mapping: ExplicitMapping): void {
  if (
    mapping === null ||
    typeof mapping !== 'object' ||
    typeof mapping.columns !== 'object' ||
    !mapping.columns
  )
    throw new MappingError(
      'a mapping must be an object with a "columns" object (field → header text or index)',
    );
  for (const [field, target] of Object.entries(mapping.columns)) {
    if (!isField(field))
      throw new MappingError(`mapping names an unknown field "${field}"; fields are: ${FIELDS.join(', ')}`);
    if (typeof target === 'number' ? !Number.isInteger(target) || target < 0 : typeof target !== 'string')
      throw new MappingError(`mapping of "${field}" must be a header text or a 0-based column index`);
  }
  const indices: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) if (mapping.columns[f] !== undefined) indices[f] = 0;
  const missing = missingFields(indices);
  if (missing.length > 0)
    throw new MappingError(`mapping lacks ${missing.map((f) => `${f} (${FIELD_LABELS[f]})`).join(', ')}`);
}

/** Does this row carry every header text the explicit mapping names? */
export function explicitHeaderMatches(cells: readonly Cell[], mapping: ExplicitMapping): boolean {
  const names = new Set(cells.map(normalizeHeader));
  return Object.values(mapping.columns).every((t) => typeof t === 'number' || names.has(normalizeHeader(t)));
}

export function resolveExplicit(
  cells: readonly Cell[] | undefined,
  mapping: ExplicitMapping,
  headerLine: number,
): ResolvedMapping {
  const headers = (cells ?? []).map(cellText);
  const normalized = (cells ?? []).map(normalizeHeader);
  const columns: Partial<Record<Field, number>> = {};
  for (const field of FIELDS) {
    const target = mapping.columns[field];
    if (target === undefined) continue;
    if (typeof target === 'number') {
      columns[field] = target;
      continue;
    }
    const col = normalized.indexOf(normalizeHeader(target));
    if (col < 0)
      throw new MappingError(`mapping says ${field} is column "${target}", which the header lacks`);
    columns[field] = col;
  }
  const usedCols = new Set(Object.values(columns));
  return {
    preset: 'explicit',
    columns,
    headers,
    headerLine,
    fingerprint: cells ? headerFingerprint(cells) : '',
    unmapped: headers.filter((h, i) => h !== '' && !usedCols.has(i)),
    debitWords: words(DEBIT_WORDS, mapping.debitWords),
    creditWords: words(CREDIT_WORDS, mapping.creditWords),
  };
}

/** The explicit mapping equivalent to a resolved one, ready to be remembered. */
export function toExplicitMapping(resolved: ResolvedMapping, source?: string): ExplicitMapping {
  const columns: Partial<Record<Field, string | number>> = {};
  for (const field of FIELDS) {
    const col = resolved.columns[field];
    if (col === undefined) continue;
    const header = resolved.headers[col];
    columns[field] = header ? header : col;
  }
  return {
    version: 1,
    ...(source ? { source } : {}),
    fingerprint: resolved.fingerprint,
    headerRow: resolved.headerLine,
    columns,
  };
}

export function emptyMemory(): MappingMemory {
  return { format: 'levee.statement-mappings/1', mappings: {} };
}

export function rememberMapping(memory: MappingMemory, mapping: ExplicitMapping): MappingMemory {
  if (!mapping.fingerprint)
    throw new MappingError('only a mapping with a header fingerprint can be remembered');
  return { ...memory, mappings: { ...memory.mappings, [mapping.fingerprint]: mapping } };
}

export function recallMapping(memory: MappingMemory, fingerprint: string): ExplicitMapping | undefined {
  return Object.hasOwn(memory.mappings, fingerprint) ? memory.mappings[fingerprint] : undefined;
}

export function isMappingMemory(value: unknown): value is MappingMemory {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'levee.statement-mappings/1' &&
    typeof (value as { mappings?: unknown }).mappings === 'object'
  );
}

export function presetIndex(preset: Preset): HeaderIndex {
  return indexPreset(preset);
}
