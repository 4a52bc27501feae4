import { describe, expect, it } from 'vitest';
import { decodeInputRecords, decodeOutputRecords, encodeInputRecords, encodeOutputRecords } from '../../../src/runtime/threads/record-codec.js';
import type { InputRecord, OutputRecord } from '../../../src/runtime/task/input-record.js';

describe('record codec between threads', () => {
  it('carries input records exactly: null and empty keys, bytes and text headers, joined records, big values', () => {
    const records: InputRecord[] = [
      { topic: 'dts.sale', partition: 3, offset: '9007199254740993', key: null, value: Buffer.from([0, 1, 2]), timestamp: 1_700_000_000_123, headers: {} },
      { topic: 'app-x-repartition', partition: 0, offset: '5', endOffset: '9', key: Buffer.alloc(0), value: Buffer.alloc(300_000, 7), timestamp: -1, headers: { 'cdc-streams.control': 'watermark', raw: Buffer.from([255, 0]) } },
      { topic: 'été', partition: 65_535, offset: '0', key: Buffer.from('k'), value: null, timestamp: 0.5, headers: { 'ключ': 'значение' } },
    ];
    expect(decodeInputRecords(encodeInputRecords(records))).toEqual(records);
  });

  it('carries output records and changelog writes with their store', () => {
    const records: OutputRecord[] = [
      { topic: 'out', partition: 1, key: Buffer.from('a'), value: Buffer.from('b'), timestamp: 2, headers: { h: 'v' } },
      { topic: 'app-orders-changelog', partition: 4, key: Buffer.from('k'), value: null, timestamp: 3, headers: {} },
    ];
    expect(decodeOutputRecords(encodeOutputRecords(records))).toEqual(records);
    expect(decodeOutputRecords(encodeOutputRecords(records, ['s1', 's2']), true).map((r) => r.store)).toEqual(['s1', 's2']);
  });
});
