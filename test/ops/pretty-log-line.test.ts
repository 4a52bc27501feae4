import { describe, expect, it } from 'vitest';
import { formatPrettyLine } from '../../src/ops/pretty-log-line.js';

describe('formatPrettyLine', () => {
  it('puts time, level and message first and leaves out pid and hostname', () => {
    const line = JSON.stringify({ level: 'info', time: '2025-01-01T00:00:00.000Z', pid: 1, hostname: 'h', msg: 'hello', n: 3, o: { a: 1 } });
    expect(formatPrettyLine(`${line}\n`)).toBe('2025-01-01T00:00:00.000Z INFO  hello n=3 o={"a":1}\n');
  });

  it('passes a line that is not a JSON object through unchanged', () => {
    expect(formatPrettyLine('not json\n')).toBe('not json\n');
    expect(formatPrettyLine('[1,2]\n')).toBe('[1,2]\n');
  });
});
