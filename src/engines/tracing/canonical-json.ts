/**
 * Canonical JSON for levee.trace/1 and friends: object keys sorted code unit by code unit (the
 * order of the published vectors), one space of indentation per level, a final newline. Written
 * by hand because JSON.stringify puts integer-like keys (account "12345") first whatever the
 * insertion order. Same value in, same bytes out.
 */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, pad: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const inner = `${pad} `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[\n');
    value.forEach((v, i) => {
      out.push(inner);
      write(v, inner, out);
      out.push(i + 1 < value.length ? ',\n' : '\n');
    });
    out.push(`${pad}]`);
    return;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort(cmp);
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  keys.forEach((k, i) => {
    out.push(inner, JSON.stringify(k), ': ');
    write((value as Record<string, unknown>)[k], inner, out);
    out.push(i + 1 < keys.length ? ',\n' : '\n');
  });
  out.push(`${pad}}`);
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  out.push('\n');
  return out.join('');
}
