import { DtsWriter, resolveWriterOptions } from '../../src/sim/dts-writer.js';
import type { BinlogItem } from '../../src/sim/model/binlog.js';
import type { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import { INPUT } from './sale-orders-harness.js';

/**
 * Hand-built binlog items through the simulator's own DTS writer (real encoding, BEGIN/COMMIT around
 * each partition's share, heartbeats to every partition), piped step by step so a test can look at
 * the output between steps. No redeliveries: these tests are about the lifecycle, not the transport.
 */
export class BinlogFeeder {
  private readonly writer: DtsWriter;

  constructor(
    private readonly driver: TopologyTestDriver,
    partitions: number,
    strategy: 'primary-key' | 'table' | 'transaction' = 'table',
    private readonly topic = INPUT,
  ) {
    this.writer = new DtsWriter(resolveWriterOptions({ partitions, strategy, redelivery: { probability: 0, maxMessages: 1 } }));
  }

  async feed(...items: BinlogItem[]): Promise<void> {
    const messages = items.flatMap((item) => this.writer.write(item));
    // Flush what the packers still hold, so each step reaches the topic now.
    messages.push(...this.writer.end());
    for (const m of messages) {
      await this.driver.pipeRawInput(this.topic, m.key ?? null, m.value, { partition: m.partition, timestamp: m.timestamp });
    }
  }
}
