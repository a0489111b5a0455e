/**
 * Times of a case are shown in Beijing time whatever the browser's zone: officers, institutions and
 * the reports all speak UTC+8, and a statement line must read the same on every screen.
 */
const ZONE = 'Asia/Shanghai';

export function formatCaseTime(iso: string | null | undefined, locale: string, seconds = false): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
  });
}

/** Wall-clock fields typed in the form, read as Beijing time: "2026-11-20T14:05:00+08:00". */
export function beijingIso(wallClock: string): string {
  return `${wallClock}+08:00`;
}

/** Milliseconds left until a deadline split for display; `expired` when it has passed. */
export function remaining(
  deadlineIso: string,
  now: number,
): { expired: boolean; hours: number; minutes: number } {
  const left = Date.parse(deadlineIso) - now;
  if (Number.isNaN(left) || left <= 0) return { expired: true, hours: 0, minutes: 0 };
  const minutes = Math.floor(left / 60_000);
  return { expired: false, hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

/** Field paths from the server ("payments[1].time", "victim.idNumber") as Ant Design name paths. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of field.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (match === null) return [field];
    path.push(match[1] ?? part);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  // "artefacts[0]" names a row: its message belongs under the value.
  if (typeof path[path.length - 1] === 'number') path.push(path[0] === 'artefacts' ? 'value' : 'account');
  return path;
}
