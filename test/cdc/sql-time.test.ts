import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';
import { checkTimeZone, formatSqlDateTime, parseSqlDateTime } from '../../src/cdc/sql-time.js';

describe('parseSqlDateTime', () => {
  it('reads a zone-less DATETIME as wall-clock time in the given zone', () => {
    expect(parseSqlDateTime('2025-11-11 10:00:00', 'Asia/Shanghai')).toBe(Date.UTC(2025, 10, 11, 2));
    expect(parseSqlDateTime('2025-11-11 10:00:00', 'UTC')).toBe(Date.UTC(2025, 10, 11, 10));
    expect(parseSqlDateTime('2025-11-11 10:00:00.123456', 'Asia/Shanghai')).toBe(Date.UTC(2025, 10, 11, 2, 0, 0, 123));
  });

  it('reads a TIMESTAMP with a zone as that instant, whatever zone it is given', () => {
    for (const text of ['2025-11-11 02:00:00 +00:00', '2025-11-11T02:00:00Z', '2025-11-11 10:00:00 +08:00', '2025-11-10 21:00:00-0500']) {
      expect(parseSqlDateTime(text, 'Asia/Shanghai')).toBe(Date.UTC(2025, 10, 11, 2));
    }
  });

  it('resolves DST as Java does: a repeated reading is the earlier instant, a skipped one moves forward by the gap', () => {
    expect(parseSqlDateTime('2025-11-02 01:30:00', 'America/New_York')).toBe(Date.UTC(2025, 10, 2, 5, 30));
    expect(parseSqlDateTime('2025-03-09 02:30:00', 'America/New_York')).toBe(Date.UTC(2025, 2, 9, 7, 30));
  });

  it('returns undefined for what is not a date and time', () => {
    for (const text of ['0000-00-00 00:00:00', '2025-02-30 00:00:00', '2025-11-11 24:00:00', '2025-11-11', 'soon', '2025-11-11 10:00:00 +08:99']) {
      expect(parseSqlDateTime(text, 'UTC')).toBeUndefined();
    }
  });
});

describe('formatSqlDateTime and checkTimeZone', () => {
  it('writes the wall-clock reading a DATETIME would hold, and reads back to the same instant', () => {
    const instant = Date.UTC(2025, 10, 11, 2, 0, 0, 250);
    expect(formatSqlDateTime(instant, 'Asia/Shanghai')).toBe('2025-11-11 10:00:00.250');
    expect(parseSqlDateTime(formatSqlDateTime(instant, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe(instant);
  });

  it('rejects a zone name the runtime does not know', () => {
    expect(checkTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(ConfigError);
  });
});
