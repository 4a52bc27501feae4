import { ConfigError } from '../common/errors.js';

/**
 * MySQL time columns as every CDC format here delivers them: text. A TIMESTAMP names an instant and
 * carries a zone (`2025-11-11 02:00:00 +00:00`, `2025-11-11T02:00:00Z`); a DATETIME is a wall-clock
 * reading with no zone (`2025-11-11 10:00:00`) and means an instant only in the zone the source
 * database wrote it in — which the topology is told (`sourceTimeZone`, default UTC), as Debezium's own
 * consumers must be.
 */
const SQL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ?(?:([+-])(\d{2}):?(\d{2})|(Z)))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws ConfigError unless `zone` is an IANA time zone (or `UTC`) this runtime knows. */
export function checkTimeZone(zone: string): string {
  try {
    formatterFor(zone);
  } catch (error) {
    throw new ConfigError(`'${zone}' is not a time zone (expected an IANA name such as UTC or Asia/Shanghai)`, error);
  }
  return zone;
}

/**
 * A SQL DATETIME or TIMESTAMP string as epoch milliseconds, or undefined when it is not one (a zero
 * date, a day that does not exist, a malformed string). A value with a zone is that instant; a value
 * without one is read as wall-clock time in `zone`. Across a DST change it resolves as Java's
 * `LocalDateTime.atZone` does: a reading that occurs twice means the earlier instant, one that does
 * not occur is moved forward by the length of the gap.
 */
export function parseSqlDateTime(value: string, zone: string): number | undefined {
  const m = SQL_DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, zh, zm, z] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(wall);
  // Date.UTC rolls Feb 30 over into March; a value that does not round-trip names no day.
  if (year < 1 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  if (z !== undefined) return wall;
  if (sign !== undefined) {
    const offsetMinutes = Number(zh) * 60 + Number(zm);
    if (Number(zm) > 59) return undefined;
    return wall - (sign === '-' ? -1 : 1) * offsetMinutes * 60_000;
  }
  return wallClockToInstant(wall, zone);
}

/** `YYYY-MM-DD hh:mm:ss[.fff]`: the wall-clock reading in `zone` of an instant, as a DATETIME holds it. */
export function formatSqlDateTime(epochMs: number, zone: string): string {
  const local = new Date(epochMs + offsetAt(epochMs, zone));
  const iso = local.toISOString();
  const millis = local.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`}`;
}

function wallClockToInstant(wall: number, zone: string): number {
  const day = 86_400_000;
  const before = offsetAt(wall - day, zone);
  const after = offsetAt(wall + day, zone);
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetAt(early, zone) === before;
  const lateValid = offsetAt(late, zone) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  // In a gap: the reading is moved forward by the gap, which is the instant under the earlier offset.
  return early;
}

/** How far `zone`'s wall clock is ahead of UTC at the instant, in ms. */
function offsetAt(epochMs: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const seconds = Math.floor(epochMs / 1000) * 1000;
  const parts = formatterFor(zone).formatToParts(new Date(seconds));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - seconds;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}
