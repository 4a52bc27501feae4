import { describe, expect, it } from 'vitest';
import { isLateRecord } from '../../../src/cdc/resequencer/late-flag.js';
import { ResequencerProcessor, resequencerProcessor } from '../../../src/cdc/processors/resequencer-processor.js';
import type { ResequencerEntry, ShardState } from '../../../src/cdc/resequencer/resequencer-types.js';
import { readEventTimeWatermark } from '../../../src/cdc/watermarks/event-time-watermark.js';
import { encodeWatermarkControl, watermarkControlRecord, type WatermarkControl } from '../../../src/cdc/watermarks/watermark-control.js';
import { CONTROL_HEADER } from '../../../src/common/constants.js';
import { ConfigError } from '../../../src/common/errors.js';
import { streamRecord, type StreamRecord } from '../../../src/processor/stream-record.js';
import { bufferKeyStore, stringKeyStore } from '../../support/fake-key-value-store.js';
import { FakeProcessorContext } from '../../support/fake-processor-context.js';

interface Value {
  readonly source: { serverId: string; gtid: string; gtidSequence: bigint; fileName: string; position: bigint; rowIndex: number; timestamp: number };
}

const event = (seq: number): StreamRecord<string, Value> =>
  streamRecord('order-1', { source: { serverId: '7', gtid: `u:${seq}`, gtidSequence: BigInt(seq), fileName: 'f', position: 4n, rowIndex: 0, timestamp: seq * 1000 } }, seq * 1000);

const control = (seq: number): WatermarkControl => ({
  type: 'watermark',
  inputTopic: 'dts.sale',
  inputPartition: 0,
  partitionCount: 1,
  shards: [{ serverId: '7', gtidSequence: BigInt(seq), timestamp: seq * 1000 }],
});

async function setup(options: Partial<ConstructorParameters<typeof ResequencerProcessor<string, Value>>[0]> = {}) {
  const context = new FakeProcessorContext<string, Value>(0, 'resequence')
    .addStore(bufferKeyStore<ResequencerEntry<string, Value>>('held'))
    .addStore(stringKeyStore<ShardState>('shards'))
    .addStore(bufferKeyStore<number>('released'));
  const processor = new ResequencerProcessor<string, Value>({ storeName: 'held', shardsStoreName: 'shards', ...options });
  await processor.init(context);
  return { context, processor };
}

describe('ResequencerProcessor', () => {
  it('releases held events in source order when a watermark control record (object or bytes) passes them', async () => {
    const { context, processor } = await setup();
    await processor.process(event(3));
    await processor.process(event(2));
    expect(context.forwarded).toEqual([]);
    await processor.processControl(watermarkControlRecord(control(2), 0));
    await processor.processControl(streamRecord(null, encodeWatermarkControl(control(3)), 0, { [CONTROL_HEADER]: 'watermark' }));
    await processor.onBatchEnd();
    expect(context.forwarded.map((f) => f.record.value.source.gtidSequence)).toEqual([2n, 3n]);
  });

  it("releases at the end of the batch what the batch's control records allow, not at each of them", async () => {
    const { context, processor } = await setup();
    await processor.process(event(2));
    await processor.process(event(3));
    await processor.processControl(watermarkControlRecord(control(2), 0));
    await processor.processControl(watermarkControlRecord(control(3), 0));
    expect(context.forwarded).toEqual([]);
    await processor.onBatchEnd();
    expect(context.forwarded.map((f) => f.record.value.source.gtidSequence)).toEqual([2n, 3n]);
    expect(context.output.map((o) => o.kind)).toEqual(['data', 'data', 'control']);
  });

  it('drops a redelivery that arrives in the same batch as the control record covering it', async () => {
    const { context, processor } = await setup();
    await processor.process(event(2));
    await processor.processControl(watermarkControlRecord(control(2), 0));
    // A redelivery of 2 after the watermark passed it, in the same batch: dropped, not held again.
    await processor.process(event(2));
    await processor.process(event(3));
    await processor.onBatchEnd();
    expect(context.forwarded.map((f) => f.record.value.source.gtidSequence)).toEqual([2n]);
    expect(processor.metrics?.duplicatesDropped).toBe(1);
    await processor.processControl(watermarkControlRecord(control(3), 0));
    await processor.onBatchEnd();
    expect(context.forwarded.map((f) => f.record.value.source.gtidSequence)).toEqual([2n, 3n]);
  });

  it("holds the task's committed offset at the oldest held event (the held store has no changelog) until it is released", async () => {
    const { context, processor } = await setup();
    context.metadata = { topic: 'app-resequence-repartition', partition: 0, offset: '2050' };
    await processor.process(event(3));
    context.metadata = { topic: 'app-resequence-repartition', partition: 0, offset: '5000' };
    await processor.process(event(4));
    expect(context.heldOffset).toBe('2048');
    await processor.processControl(watermarkControlRecord(control(3), 0));
    await processor.onBatchEnd();
    expect(context.heldOffset).toBe('4096');
    await processor.processControl(watermarkControlRecord(control(4), 0));
    await processor.onBatchEnd();
    expect(context.heldOffset).toBeUndefined();
  });

  it('forwards the event-time watermark after the events it covers', async () => {
    const { context, processor } = await setup();
    await processor.process(event(2));
    await processor.processControl(watermarkControlRecord(control(2), 0));
    await processor.onBatchEnd();
    expect(context.output.map((o) => o.kind)).toEqual(['data', 'control']);
    expect(readEventTimeWatermark(context.controls[0] as StreamRecord<unknown, unknown>)?.timeWatermark).toBe(1999);
  });

  it('passes other control records on unchanged', async () => {
    const { context, processor } = await setup();
    const other = streamRecord(null, { type: 'something-else' }, 0, { [CONTROL_HEADER]: 'other' });
    await processor.processControl(other);
    expect(context.controls).toEqual([other]);
  });

  it("under 'emit-and-flag' releases a stalled shard on its wall-clock check with the late header", async () => {
    const { context, processor } = await setup({ policy: 'emit-and-flag', maxHoldMs: 1000, releasedStoreName: 'released' });
    expect(context.scheduledIntervals('wall-clock')).toEqual([250]);
    await processor.process(event(5));
    context.systemTime = 0;
    await context.punctuate();
    context.systemTime = 1000;
    await context.punctuate();
    expect(context.forwarded.map((f) => isLateRecord(f.record))).toEqual([true]);
    expect(processor.metrics?.stalls).toBe(1);
  });

  it('rejects options that cannot work when the topology is built', () => {
    expect(() => resequencerProcessor({ storeName: 'held', shardsStoreName: 'shards', policy: 'emit-and-flag' })).toThrow(ConfigError);
    expect(() => resequencerProcessor<string, Value>({ storeName: 'held', shardsStoreName: 'shards', fastPath: { counter: () => 1n } })).toThrow('countersStoreName');
    expect(() => resequencerProcessor({ storeName: 'held', shardsStoreName: 'shards', maxHoldMs: 0 })).toThrow('maxHoldMs must be positive');
  });
});
