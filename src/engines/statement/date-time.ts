/**
 * Transaction times as statements write them → ISO 8601 with an offset. A time without a stated
 * offset is China local time (UTC+8, no daylight saving since 1991); every result is written
 * with +08:00 so that equal instants compare equal as text.
 *
 * Accepted: "2023-10-27 14:05:06", "2023/10/27", "2023.10.27 9:05", "2023-10-27T14:05:06Z",
 * "20231027", "20231027 140506", "20231027140506", "2023年10月27日 14时05分", Excel serial
 * numbers (1900 system with its phantom 29 February 1900, or the 1904 system), and a date and a
 * time in separate columns ("14:05:06", "140506", "14时05分", an Excel day fraction).
 * Day-first and month-first forms (27/10/2023) are refused: they are ambiguous.
 */
import { toHalfWidth } from './normalize.js';

export type TimeResult =
  | { readonly kind: 'time'; readonly iso: string; readonly epochMs: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly reason: string };

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Minutes east of UTC as stated in the text, or undefined for local (UTC+8). */
  offset: number | undefined;
  hasTime: boolean;
}

interface Clock {
  h: number;
  mi: number;
  s: number;
  ms: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string } | { ok: 'empty' };

const CHINA_OFFSET_MIN = 480;
const DAY_MS = 86_400_000;

const ISO_LIKE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})日?\s*(?:(\d{1,2})[时:](\d{1,2})(?:[分:]?(\d{1,2})秒?|分)?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(?:T|\s*)(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,6}))?)?$/;
const SERIAL_TEXT = /^\d{1,5}(?:\.\d+)?$/;
const CLOCK = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?$/;
const CLOCK_CN = /^(\d{1,2})时(\d{1,2})分(?:(\d{1,2})秒)?$/;
const CLOCK_DIGITS = /^\d{3,6}$/;

export interface DateOptions {
  /** The workbook uses the 1904 date system (old Mac Excel). */
  readonly date1904?: boolean;
}

/** One cell holding a date or a date-time; optionally a second cell holding the time of day. */
export function parseDateTime(dateCell: unknown, timeCell?: unknown, options: DateOptions = {}): TimeResult {
  const date = parseDatePart(dateCell, options);
  if (date.ok === 'empty') {
    if (timeCell === undefined) return { kind: 'empty' };
    // A "time" column that carries the whole date-time is fine on its own.
    const whole = parseDatePart(timeCell, options);
    if (whole.ok === true && whole.value.hasTime) return finish(whole.value);
    return { kind: 'empty' };
  }
  if (date.ok === false) return { kind: 'invalid', reason: date.reason };
  const parts = date.value;
  if (timeCell !== undefined && !isEmptyCell(timeCell)) {
    const whole = parseDatePart(timeCell, options);
    if (whole.ok === true && whole.value.hasTime && !(typeof timeCell === 'number' && timeCell < 1)) {
      if (whole.value.y !== parts.y || whole.value.mo !== parts.mo || whole.value.d !== parts.d) {
        return { kind: 'invalid', reason: `time column date ${describe(timeCell)} differs from date column` };
      }
      return finish(whole.value);
    }
    const clock = parseClock(timeCell);
    if (clock.ok === false) return { kind: 'invalid', reason: clock.reason };
    if (clock.ok === true) Object.assign(parts, clock.value, { hasTime: true });
  }
  return finish(parts);
}

function isEmptyCell(cell: unknown): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

function describe(cell: unknown): string {
  return JSON.stringify(typeof cell === 'string' ? cell.trim() : cell);
}

function finish(p: Parts): TimeResult {
  const offset = p.offset ?? CHINA_OFFSET_MIN;
  const epochMs = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms) - offset * 60_000;
  if (p.offset !== undefined || p.ms !== 0) return { kind: 'time', iso: formatChina(epochMs), epochMs };
  // Local time already: write the parts (validated by checkParts) without a Date round trip.
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  const iso = `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}:${two(p.s)}+08:00`;
  return { kind: 'time', iso, epochMs };
}

/** Epoch ms → "2023-10-27T14:05:06+08:00" (milliseconds only when present). */
export function formatChina(epochMs: number): string {
  const d = new Date(epochMs + CHINA_OFFSET_MIN * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '') +
    '+08:00'
  );
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function checkParts(p: Parts, raw: string): Parsed<Parts> {
  if (p.y < 1900 || p.y > 2999) return { ok: false, reason: `year ${p.y} out of range in ${raw}` };
  if (p.mo < 1 || p.mo > 12) return { ok: false, reason: `month ${p.mo} does not exist in ${raw}` };
  if (p.d < 1 || p.d > daysInMonth(p.y, p.mo))
    return { ok: false, reason: `day ${p.d} does not exist in ${p.y}-${p.mo} in ${raw}` };
  if (p.h > 23 || p.mi > 59 || p.s > 59) return { ok: false, reason: `time out of range in ${raw}` };
  return { ok: true, value: p };
}

function fraction(digits: string | undefined): number {
  return digits ? Math.round(Number(`0.${digits}`) * 1000) : 0;
}

function parseOffset(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function fromMatch(m: RegExpExecArray, offsetText?: string, msDigits?: string): Parts {
  return {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: fraction(msDigits),
    offset: parseOffset(offsetText),
    hasTime: m[4] !== undefined,
  };
}

function parseDatePart(cell: unknown, options: DateOptions): Parsed<Parts> {
  if (isEmptyCell(cell)) return { ok: 'empty' };
  if (cell instanceof Date) {
    // Readers that produce JS dates give them as UTC-based wall clock (Excel has no zone).
    const t = cell.getTime();
    if (Number.isNaN(t)) return { ok: false, reason: 'invalid date value' };
    const d = new Date(t);
    return checkParts(
      {
        y: d.getUTCFullYear(),
        mo: d.getUTCMonth() + 1,
        d: d.getUTCDate(),
        h: d.getUTCHours(),
        mi: d.getUTCMinutes(),
        s: d.getUTCSeconds(),
        ms: d.getUTCMilliseconds(),
        offset: undefined,
        hasTime: t % DAY_MS !== 0,
      },
      d.toISOString(),
    );
  }
  if (typeof cell === 'number') return fromNumber(cell, options);
  if (typeof cell !== 'string') return { ok: false, reason: `not a date: ${describe(cell)}` };
  const text = toHalfWidth(cell).trim();
  const raw = JSON.stringify(cell.trim());
  let m = ISO_LIKE.exec(text);
  if (m) return checkParts(fromMatch(m, m[8], m[7]), raw);
  m = CHINESE.exec(text);
  if (m) return checkParts(fromMatch(m), raw);
  m = COMPACT.exec(text);
  if (m) return checkParts(fromMatch(m, undefined, m[7]), raw);
  if (SERIAL_TEXT.test(text)) return fromNumber(Number(text), options);
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}/.test(text))
    return { ok: false, reason: `${raw} is ambiguous: dates must start with a 4-digit year` };
  return { ok: false, reason: `${raw} is not a date` };
}

function fromNumber(value: number, options: DateOptions): Parsed<Parts> {
  if (!Number.isFinite(value)) return { ok: false, reason: `${value} is not a date` };
  // 20231027 or 20231027140506 stored as a number.
  if (Number.isInteger(value) && value >= 19000101 && value <= 29991231) {
    const m = COMPACT.exec(String(value));
    if (m) return checkParts(fromMatch(m), String(value));
  }
  if (Number.isInteger(value) && value >= 19000101000000 && value <= 29991231235959) {
    const m = COMPACT.exec(String(value));
    if (m) return checkParts(fromMatch(m), String(value));
  }
  return fromSerial(value, options);
}

/**
 * Excel serial → parts. In the 1900 system, serial 1 is 1900-01-01 and serial 60 is the
 * 29 February 1900 that never existed (Lotus 1-2-3's bug, kept by Excel); from serial 61 on,
 * day 0 is 1899-12-30. In the 1904 system serial 0 is 1904-01-01.
 */
function fromSerial(serial: number, options: DateOptions): Parsed<Parts> {
  if (serial < 1 || serial >= 2_958_466)
    return { ok: false, reason: `${serial} is not a date (Excel serials run from 1 to 2958465)` };
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * 86_400);
  if (seconds === 86_400) {
    days += 1;
    seconds = 0;
  }
  let baseMs: number;
  if (options.date1904) baseMs = Date.UTC(1904, 0, 1);
  else if (days === 60)
    return { ok: false, reason: 'Excel serial 60 is 1900-02-29, a day that does not exist' };
  else baseMs = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const d = new Date(baseMs + days * DAY_MS + seconds * 1000);
  return {
    ok: true,
    value: {
      y: d.getUTCFullYear(),
      mo: d.getUTCMonth() + 1,
      d: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
      s: d.getUTCSeconds(),
      ms: 0,
      offset: undefined,
      hasTime: seconds !== 0,
    },
  };
}

function parseClock(cell: unknown): Parsed<Clock> {
  if (isEmptyCell(cell)) return { ok: 'empty' };
  const check = (c: Clock, raw: string): Parsed<Clock> =>
    c.h > 23 || c.mi > 59 || c.s > 59
      ? { ok: false, reason: `time ${raw} out of range` }
      : { ok: true, value: c };
  if (typeof cell === 'number') {
    if (cell >= 0 && cell < 1) {
      const seconds = Math.min(86_399, Math.round(cell * 86_400));
      return {
        ok: true,
        value: {
          h: Math.floor(seconds / 3600),
          mi: Math.floor((seconds % 3600) / 60),
          s: seconds % 60,
          ms: 0,
        },
      };
    }
    if (Number.isInteger(cell) && cell >= 0 && cell <= 235959)
      return parseClock(String(cell).padStart(6, '0'));
    return { ok: false, reason: `${cell} is not a time of day` };
  }
  const text = toHalfWidth(String(cell)).trim();
  const raw = JSON.stringify(text);
  let m = CLOCK.exec(text) ?? CLOCK_CN.exec(text);
  if (m) return check({ h: Number(m[1]), mi: Number(m[2]), s: Number(m[3] ?? 0), ms: fraction(m[4]) }, raw);
  if (CLOCK_DIGITS.test(text)) {
    const digits = text.length <= 4 ? `${text.padStart(4, '0')}00` : text.padStart(6, '0');
    m = /^(\d{2})(\d{2})(\d{2})$/.exec(digits);
    if (m) return check({ h: Number(m[1]), mi: Number(m[2]), s: Number(m[3]), ms: 0 }, raw);
  }
  return { ok: false, reason: `${raw} is not a time of day` };
}
