import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readCommittedFilterInstalled } from '../../../src/runtime/kafka/kafkajs-fixes.js';
import '../../../src/runtime/kafka/kafkajs.js';

// kafkajs' own consumer batch (consumer/batch.js), as the consumer builds one from a fetch response.
const require = createRequire(import.meta.url);
const Batch = require('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: object,
) => { messages: Array<{ offset: string }> };

const record = (offset: number, producerId: string, control = false, key = Buffer.from('k')) => ({
  offset: String(offset),
  key: control ? Buffer.from([0, 0, 0, 0]) : key,
  value: Buffer.from('v'),
  isControlRecord: control,
  batchContext: { producerId, inTransaction: true },
});

describe('kafkajs with our fixes loaded first', () => {
  it('builds its consumer batches with our read_committed filter', () => {
    expect(readCommittedFilterInstalled()).toBe(true);
    // Two transactions aborted in the reverse order they began, then a committed record of a third producer.
    const messages = [record(0, '1'), record(1, '2'), record(2, '1'), record(3, '2', true), record(4, '1', true), record(5, '3')];
    const batch = new Batch('t', '0', {
      partition: 0,
      highWatermark: '7',
      messages,
      abortedTransactions: [
        { producerId: '2', firstOffset: '1' },
        { producerId: '1', firstOffset: '0' },
      ],
    });
    expect(batch.messages.map((m) => m.offset)).toEqual(['5']);
  });
});
