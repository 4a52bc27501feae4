import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePartitionIncrease, simulationOptionsFromFlags } from '../../src/cli/simulate-options.js';
import { DEFAULT_WRITER_OPTIONS, simulateFlashSale } from '../../src/sim/index.js';

describe('simulationOptionsFromFlags', () => {
  it('maps every flag to the simulator option of docs/simulator.md', () => {
    expect(
      simulationOptionsFromFlags({
        seed: 42,
        orders: 20000,
        shards: 4,
        skus: 3,
        saleDuration: 60,
        paymentTimeout: 900,
        heartbeatInterval: 2,
        partitions: 6,
        partitioning: 'transaction',
        maxMessageBytes: 4096,
        maxEntriesPerMessage: 8,
        redeliveries: 0.01,
        redeliveryMax: 4,
        partitionIncrease: { to: 8, afterTransactions: 5000 },
      }),
    ).toEqual({
      seed: 42,
      orders: 20000,
      shards: 4,
      skus: 3,
      saleDurationSeconds: 60,
      paymentTimeoutSeconds: 900,
      heartbeatIntervalSeconds: 2,
      partitions: 6,
      strategy: 'transaction',
      maxMessageBytes: 4096,
      maxEntriesPerMessage: 8,
      redelivery: { probability: 0.01, maxMessages: 4 },
      partitionIncrease: { to: 8, afterTransactions: 5000 },
    });
  });

  it('leaves absent flags out so the simulator defaults apply', () => {
    expect(simulationOptionsFromFlags({})).toEqual({});
    expect(simulateFlashSale(simulationOptionsFromFlags({})).options.writer.partitions).toBe(DEFAULT_WRITER_OPTIONS.partitions);
  });

  it('keeps the default stretch length when only --redeliveries is given', () => {
    expect(simulationOptionsFromFlags({ redeliveries: 0 }).redelivery).toEqual({
      probability: 0,
      maxMessages: DEFAULT_WRITER_OPTIONS.redelivery.maxMessages,
    });
  });
});

describe('parsePartitionIncrease', () => {
  it('reads <to>@<afterTransactions>', () => {
    expect(parsePartitionIncrease('8@5000')).toEqual({ to: 8, afterTransactions: 5000 });
  });

  it('rejects anything else as a usage error', () => {
    expect(() => parsePartitionIncrease('8')).toThrow(InvalidArgumentError);
    expect(() => parsePartitionIncrease('x@1')).toThrow(/is not <partitions>@<afterTransactions>/);
  });
});
