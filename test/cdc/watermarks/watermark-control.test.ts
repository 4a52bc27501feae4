import { describe, expect, it } from 'vitest';
import { InvalidWatermarkControlError } from '../../../src/cdc/cdc-errors.js';
import {
  decodeWatermarkControl,
  encodeWatermarkControl,
  readWatermarkControl,
  watermarkControlRecord,
  type WatermarkControl,
} from '../../../src/cdc/watermarks/watermark-control.js';
import { CONTROL_HEADER } from '../../../src/common/constants.js';
import { streamRecord } from '../../../src/processor/stream-record.js';

const control: WatermarkControl = {
  type: 'watermark',
  inputTopic: 'dts.sale',
  inputPartition: 2,
  partitionCount: 4,
  shards: [{ serverId: '101', gtidSequence: 18446744073709551615n, timestamp: 1_700_000_000_000 }],
};

describe('watermark control records', () => {
  it('encode to compact JSON with the GTID sequence as a decimal string and decode back exactly', () => {
    const bytes = encodeWatermarkControl(control);
    expect(bytes.toString()).toBe(
      '{"type":"watermark","inputTopic":"dts.sale","inputPartition":2,"partitionCount":4,' +
        '"shards":[{"serverId":"101","gtidSequence":"18446744073709551615","timestamp":1700000000000}]}',
    );
    expect(decodeWatermarkControl(bytes)).toEqual(control);
  });

  it('travel as bytes marked with the control header, and are also read from an in-process object', () => {
    const record = watermarkControlRecord(control, 5);
    expect(record.headers[CONTROL_HEADER]).toBe('watermark');
    expect(record.value).toEqual(encodeWatermarkControl(control));
    expect(readWatermarkControl(record)).toEqual(control);
    expect(readWatermarkControl(streamRecord(null, control, 5))).toEqual(control);
  });

  it('leave other control records alone', () => {
    expect(readWatermarkControl(streamRecord(null, { type: 'something-else' }, 0))).toBeUndefined();
    expect(readWatermarkControl(streamRecord(null, Buffer.from('{}'), 0, { [CONTROL_HEADER]: 'other' }))).toBeUndefined();
  });

  it('reject a broken watermark with a clear error', () => {
    expect(() => decodeWatermarkControl(Buffer.from('not json'))).toThrow(InvalidWatermarkControlError);
    const bad = Buffer.from(JSON.stringify({ ...JSON.parse(encodeWatermarkControl(control).toString()), partitionCount: 2 }));
    expect(() => decodeWatermarkControl(bad)).toThrow('partitionCount 2 does not cover partition 2');
    const badSeq = Buffer.from(
      '{"type":"watermark","inputTopic":"t","inputPartition":0,"partitionCount":1,"shards":[{"serverId":"1","gtidSequence":"x1","timestamp":1}]}',
    );
    expect(() => decodeWatermarkControl(badSeq)).toThrow("t/0: shard 1: gtidSequence 'x1' is not a decimal");
  });
});
