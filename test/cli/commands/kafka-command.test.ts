import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePort } from '../../../src/cli/commands/kafka-command.js';

describe('parsePort', () => {
  it('accepts 1 to 65535', () => {
    expect(parsePort('1')).toBe(1);
    expect(parsePort('9092')).toBe(9092);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['0', '65536', '-1', '9092.5', 'abc', '', '9092x'])('rejects %j as a usage error', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
  });
});
