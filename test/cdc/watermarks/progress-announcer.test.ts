import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { ProgressAnnouncer } from '../../../src/cdc/watermarks/progress-announcer.js';
import { readWatermarkControl } from '../../../src/cdc/watermarks/watermark-control.js';
import { FakeProcessorContext } from '../../support/fake-processor-context.js';

const HEARTBEAT_MS = 60_000;
const CONFIRM_MS = 100;

function setup() {
  const context = new FakeProcessorContext<unknown, unknown>(1, 'source');
  context.partitionCount = 4;
  const announcer = new ProgressAnnouncer({ inputTopic: 'dts.sale', resendIntervalMs: HEARTBEAT_MS, confirmCheckIntervalMs: CONFIRM_MS });
  void announcer.init(context);
  const sequences = () => context.controls.map((c) => readWatermarkControl(c as StreamRecord<unknown, unknown>)?.shards[0]?.gtidSequence);
  const advance = (gtidSequence: bigint) => {
    announcer.advance([{ serverId: '7', gtidSequence, timestamp: 1_700_000_000_000 + Number(gtidSequence) }], 5);
    announcer.flush();
  };
  return { context, announcer, sequences, advance };
}

describe('ProgressAnnouncer: what an idle partition writes', () => {
  it('writes nothing on its frequent checks while the progress stays the same', async () => {
    const { context, sequences, advance } = setup();
    advance(10n);
    for (let i = 0; i < 600; i++) await context.punctuateEvery(CONFIRM_MS);
    expect(sequences()).toEqual([10n]);
  });

  it('announces the same progress again once after a group rebalance (a reader may have restarted elsewhere)', async () => {
    const { context, sequences, advance } = setup();
    advance(10n);
    context.rebalances = 1;
    await context.punctuateEvery(CONFIRM_MS);
    await context.punctuateEvery(CONFIRM_MS);
    expect(sequences()).toEqual([10n, 10n]);
    expect(readWatermarkControl(context.controls[1] as StreamRecord<unknown, unknown>)).toMatchObject({ inputTopic: 'dts.sale', inputPartition: 1, partitionCount: 4 });
  });

  it('after a rebalance re-sends only progress a partition count read after it confirmed, with that count (partition growth)', async () => {
    const { context, sequences, advance } = setup();
    context.readsStarted = 5;
    context.countRead = 6;
    advance(10n);
    context.readsStarted = 6;
    advance(11n);
    // 11 waits for read 7; the rebalance repeats 10, the last progress a read confirmed.
    context.rebalances = 1;
    await context.punctuateEvery(CONFIRM_MS);
    expect(sequences()).toEqual([10n, 10n]);
    context.partitionCount = 8;
    context.countRead = 7;
    await context.punctuateEvery(CONFIRM_MS);
    expect(sequences()).toEqual([10n, 10n, 11n]);
    expect(readWatermarkControl(context.controls[2] as StreamRecord<unknown, unknown>)?.partitionCount).toBe(8);
  });

  it('sends the slow heartbeat only when nothing else went out since the last one', async () => {
    const { context, sequences, advance } = setup();
    advance(10n);
    await context.punctuateEvery(HEARTBEAT_MS);
    expect(sequences()).toEqual([10n]);
    await context.punctuateEvery(HEARTBEAT_MS);
    await context.punctuateEvery(HEARTBEAT_MS);
    expect(sequences()).toEqual([10n, 10n, 10n]);
    advance(12n);
    await context.punctuateEvery(HEARTBEAT_MS);
    expect(sequences()).toEqual([10n, 10n, 10n, 12n]);
  });

  it('announces nothing, on a rebalance or a heartbeat, before it has progress to announce', async () => {
    const { context, sequences } = setup();
    context.rebalances = 3;
    await context.punctuateEvery(CONFIRM_MS);
    await context.punctuateEvery(HEARTBEAT_MS);
    expect(sequences()).toEqual([]);
  });
});

describe('ProgressAnnouncer: how soon confirmed progress goes out', () => {
  it('sends progress a read confirmed at the end of the next batch, even one that moved nothing', () => {
    const { context, announcer, sequences, advance } = setup();
    context.readsStarted = 5;
    context.countRead = 5;
    advance(10n);
    // 10 waits for read 6.
    expect(sequences()).toEqual([]);
    context.readsStarted = 6;
    context.countRead = 6;
    announcer.flush();
    expect(sequences()).toEqual([10n]);
    announcer.flush();
    expect(sequences()).toEqual([10n]);
  });
});
