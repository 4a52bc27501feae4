import { describe, expect, it } from 'vitest';
import { InvalidWatermarkControlError } from '../../../src/cdc/cdc-errors.js';
import { eventTimeWatermarkRecord, readEventTimeWatermark } from '../../../src/cdc/watermarks/event-time-watermark.js';
import { CONTROL_HEADER } from '../../../src/common/constants.js';
import { streamRecord } from '../../../src/processor/stream-record.js';

describe('event-time watermark control records', () => {
  it('round-trip through bytes with the control header and the watermark as their timestamp', () => {
    const watermark = { type: 'event-time-watermark' as const, timeWatermark: 1999, shards: [{ serverId: '7', gtidSequence: 2n, timestamp: 2000 }] };
    const record = eventTimeWatermarkRecord(watermark);
    expect(record.headers[CONTROL_HEADER]).toBe('event-time-watermark');
    expect(record.timestamp).toBe(1999);
    expect(record.value.toString()).toBe('{"type":"event-time-watermark","timeWatermark":1999,"shards":[{"serverId":"7","gtidSequence":"2","timestamp":2000}]}');
    expect(readEventTimeWatermark(record)).toEqual(watermark);
  });

  it('ignore other control records and reject a broken one', () => {
    expect(readEventTimeWatermark(streamRecord(null, Buffer.from('{}'), 0, { [CONTROL_HEADER]: 'watermark' }))).toBeUndefined();
    expect(() => readEventTimeWatermark(streamRecord(null, Buffer.from('{}'), 0, { [CONTROL_HEADER]: 'event-time-watermark' }))).toThrow(
      InvalidWatermarkControlError,
    );
  });
});
