import { describe, expect, it } from 'vitest';
import { registerSimulateCommand } from '../../../src/cli/commands/simulate-command.js';
import { EXIT_USAGE } from '../../../src/cli/program.js';
import { runCommands } from '../run-commands.js';

// Usage errors are found before anything connects, so these need no broker.
const simulate = (...args: string[]) => runCommands([registerSimulateCommand], 'simulate', ...args);

describe('cdc-streams simulate usage errors', () => {
  it('exits 2 naming an unknown partitioning strategy', async () => {
    const result = await simulate('--partitioning', 'round-robin', '--brokers', 'localhost:1');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain("argument 'round-robin' is invalid. Allowed choices are table, primary-key, transaction.");
  });

  it('exits 2 for a payment timeout under a minute', async () => {
    const result = await simulate('--payment-timeout', '30', '--brokers', 'localhost:1');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain("'30' is not an integer from 60");
  });

  it('exits 2 with the simulator\'s reason when a partition increase does not grow the topic', async () => {
    const result = await simulate('--partitions', '4', '--partition-increase', '3@100', '--brokers', 'localhost:1');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(/^cdc-streams: bad simulation flags: .*partitionIncrease\.to/);
  });

  it('exits 2 when no brokers are given, before simulating anything', async () => {
    const previous = process.env['KAFKA_BROKERS'];
    delete process.env['KAFKA_BROKERS'];
    try {
      const result = await simulate('--orders', '10');
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toBe('cdc-streams: no Kafka brokers: pass --brokers host:port or set KAFKA_BROKERS (or run `cdc-streams kafka start`)\n');
    } finally {
      if (previous !== undefined) process.env['KAFKA_BROKERS'] = previous;
    }
  });
});
