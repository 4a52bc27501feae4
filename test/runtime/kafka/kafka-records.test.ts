import type { Batch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isFencing, toHeaders, toInputRecords } from '../../../src/runtime/kafka/kafka-records.js';

describe('kafka records', () => {
  it('turns our own headers back into text and leaves other headers as bytes', () => {
    const headers = toHeaders({ 'cdc-streams.control': Buffer.from('watermark'), trace: Buffer.from([0xff]), many: [Buffer.from('a'), Buffer.from('b')] });
    expect(headers['cdc-streams.control']).toBe('watermark');
    expect(headers['trace']).toEqual(Buffer.from([0xff]));
    expect(headers['many']).toEqual(Buffer.from('a'));
  });

  it('skips records below the task position and keeps the rest in order', () => {
    const batch = {
      topic: 't',
      partition: 2,
      messages: [4, 5, 6].map((o) => ({ offset: String(o), key: null, value: Buffer.from(`v${o}`), timestamp: '1000', headers: {} })),
    } as unknown as Batch;
    expect(toInputRecords(batch, 5n).map((r) => [r.offset, r.value?.toString(), r.partition, r.timestamp])).toEqual([
      ['5', 'v5', 2, 1000],
      ['6', 'v6', 2, 1000],
    ]);
  });

  it('recognises fenced-producer errors and nothing else', () => {
    expect(isFencing(Object.assign(new Error('There is a newer producer with the same transactionalId'), { type: 'PRODUCER_FENCED' }))).toBe(true);
    expect(isFencing(new Error('INVALID_PRODUCER_EPOCH'))).toBe(true);
    expect(isFencing(new Error('The request included a message larger than the max message size'))).toBe(false);
  });
});
