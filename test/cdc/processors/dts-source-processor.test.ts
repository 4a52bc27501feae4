import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { chunkEntries, encodeEntries, encodeEnvelope, type DtsEntry } from '../../../src/cdc/dts/index.js';
import { DtsDataType, DtsDmlType } from '../../../src/cdc/dts/dts-model.js';
import { DtsSourceProcessor } from '../../../src/cdc/processors/dts-source-processor.js';
import { DEAD_LETTERS_CHILD } from '../../../src/cdc/processors/cdc-source-processor.js';
import { readWatermarkControl, type WatermarkControl } from '../../../src/cdc/watermarks/watermark-control.js';
import {
  CONTROL_HEADER,
  DLQ_HEADER_ERROR_CLASS,
  DLQ_HEADER_ERROR_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_TOPIC,
} from '../../../src/common/constants.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { FakeKeyValueStore } from '../../support/fake-key-value-store.js';
import { FakeProcessorContext } from '../../support/fake-processor-context.js';
import type { StoredProgress } from '../../../src/cdc/processors/dts-source-processor.js';

const NONE: readonly never[] = [];

function entry(kind: 'begin' | 'dml' | 'commit' | 'rollback' | 'heartbeat', seq: number, timestamp = 1_700_000_000, rows: string[] = []): DtsEntry {
  const header = {
    version: 1,
    sourceType: 0,
    messageType: ({ begin: 0, commit: 1, dml: 2, rollback: 4, heartbeat: 5 } as const)[kind],
    timestamp,
    serverId: '7',
    fileName: 'binlog.000001',
    position: BigInt(seq * 1000 + rows.length),
    gtid: `uuid:${seq}`,
    schemaName: 'sale',
    tableName: 'orders',
    seqId: 0n,
    eventIndex: 0n,
    isLast: false,
    properties: NONE,
  };
  switch (kind) {
    case 'begin':
      return { header, event: { kind, transactionId: 't', threadId: 1n, properties: NONE } };
    case 'commit':
      return { header, event: { kind, transactionId: 't', properties: NONE } };
    case 'rollback':
      return { header, event: { kind, properties: NONE } };
    case 'heartbeat':
      return { header, event: { kind, epoch: BigInt(timestamp), properties: NONE } };
    case 'dml':
      return {
        header,
        event: {
          kind,
          dmlType: DtsDmlType.INSERT,
          columns: [{ name: 'order_id', originalType: 'varchar(20)', isKey: true }],
          rows: rows.map((id) => ({ oldColumns: NONE, newColumns: [{ dataType: DtsDataType.STRING, charset: 'utf8mb4', sv: '', bv: Buffer.from(id) }] })),
          properties: NONE,
        },
      };
  }
}

const message = (...entries: DtsEntry[]): Buffer => encodeEnvelope({ version: 1, total: 1, index: 0, data: encodeEntries(entries), properties: NONE });
const pieces = (total: number, ...entries: DtsEntry[]): Buffer[] => {
  const bytes = encodeEntries(entries);
  return chunkEntries(bytes, Math.ceil(bytes.length / total)).map((envelope) => encodeEnvelope(envelope));
};

function setup() {
  const context = new FakeProcessorContext<null, ChangeEvent>(2, 'dts-source');
  context.partitionCount = 4;
  const deadLetters: Array<StreamRecord<unknown, unknown>> = [];
  const processor = new DtsSourceProcessor({ eventsChild: 'events' });
  processor.init(context);
  let offset = 40;
  const send = (value: Buffer | null) => {
    context.metadata = { topic: 'dts.sale', partition: 2, offset: String(offset++) };
    processor.process({ key: null, value: value as Buffer, timestamp: 5, headers: { origin: 'test' } });
    processor.onBatchEnd();
    // Dead letters go to their own child node; the test keeps them apart from the events.
    for (const f of context.forwarded.splice(0)) {
      if (f.childName === DEAD_LETTERS_CHILD) deadLetters.push(f.record);
      else events.push(f);
    }
  };
  const events: typeof context.forwarded = [];
  const rows = () => events.map((f) => String(f.record.value.row['order_id']));
  return { context, processor, deadLetters, send, rows, events };
}

describe('DtsSourceProcessor', () => {
  it('forwards a committed transaction at its event time, then the partition progress as a control record', () => {
    const { context, send, rows, events } = setup();
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1', 'o-2']), entry('commit', 3, 1_700_000_001)));
    expect(rows()).toEqual(['o-1', 'o-2']);
    expect(events[0]?.record.timestamp).toBe(1_700_000_000_000);
    expect(context.output.map((o) => o.kind)).toEqual(['data', 'data', 'control']);
    const control = context.controls[0];
    expect(control?.headers[CONTROL_HEADER]).toBe('watermark');
    expect(readWatermarkControl(control as StreamRecord<unknown, unknown>)).toEqual({
      type: 'watermark',
      inputTopic: 'dts.sale',
      inputPartition: 2,
      partitionCount: 4,
      shards: [{ serverId: '7', gtidSequence: 3n, timestamp: 1_700_000_001_000 }],
    } satisfies WatermarkControl);
  });

  it('sends the progress of a whole batch as one control record at the end of the batch, after its data', () => {
    const { context, processor } = setup();
    let offset = 60;
    for (const seq of [3, 4, 5]) {
      context.metadata = { topic: 'dts.sale', partition: 2, offset: String(offset++) };
      processor.process({ key: null, value: message(entry('begin', seq), entry('dml', seq, 1_700_000_000, [`o-${seq}`]), entry('commit', seq)), timestamp: 5, headers: {} });
    }
    expect(context.controls).toEqual([]);
    processor.onBatchEnd();
    expect(context.output.map((o) => o.kind)).toEqual(['data', 'data', 'data', 'control']);
    expect(readWatermarkControl(context.controls[0] as StreamRecord<unknown, unknown>)?.shards[0]?.gtidSequence).toBe(5n);
    processor.onBatchEnd();
    expect(context.controls).toHaveLength(1);
  });

  it('holds the committable offset at the BEGIN of an open transaction and releases it at COMMIT', () => {
    const { context, send, rows } = setup();
    send(message(entry('begin', 3)));
    expect(context.heldOffset).toBe('40');
    send(message(entry('dml', 3, 1_700_000_000, ['o-1'])));
    expect(rows()).toEqual([]);
    send(message(entry('commit', 3)));
    expect(rows()).toEqual(['o-1']);
    expect(context.heldOffset).toBeUndefined();
  });

  it('holds the committable offset at the first piece of an unfinished chunk group', () => {
    const { context, send, rows } = setup();
    const [first, second, third] = pieces(3, entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('commit', 3));
    send(first as Buffer);
    send(second as Buffer);
    expect(context.heldOffset).toBe('40');
    send(third as Buffer);
    expect(rows()).toEqual(['o-1']);
    expect(context.heldOffset).toBeUndefined();
  });

  it('never forwards the rows of a rolled-back transaction', () => {
    const { send, rows, processor } = setup();
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('rollback', 3)));
    expect(rows()).toEqual([]);
    expect(processor.grouper.metrics.rollbacks).toBe(1);
  });

  it('dead-letters bytes that are not an Envelope with headers naming where and why, and carries on', () => {
    const { send, deadLetters, rows } = setup();
    send(Buffer.from([0xff, 0xff, 0xff]));
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('commit', 3)));
    expect(deadLetters).toHaveLength(1);
    const headers = deadLetters[0]?.headers ?? {};
    expect(deadLetters[0]?.value).toEqual(Buffer.from([0xff, 0xff, 0xff]));
    expect([headers['origin'], headers[DLQ_HEADER_TOPIC], headers[DLQ_HEADER_PARTITION], headers[DLQ_HEADER_OFFSET]]).toEqual(['test', 'dts.sale', '2', '40']);
    expect(headers[DLQ_HEADER_ERROR_CLASS]).toBe('UndecodableMessageError');
    expect(String(headers[DLQ_HEADER_ERROR_MESSAGE])).toContain('dts.sale/2@40');
    expect(rows()).toEqual(['o-1']);
  });

  it('names the record once in a dead letter\'s reason', () => {
    const { send, deadLetters } = setup();
    send(Buffer.from('garbage!'));
    const reason = String(deadLetters[0]?.headers[DLQ_HEADER_ERROR_MESSAGE]);
    expect(reason).toMatch(/^not a DTS Envelope at dts\.sale\/2@40: /);
    expect(reason.split('dts.sale/2@40')).toHaveLength(2);
  });

  it('dead-letters a tombstone saying it is one, and carries on', () => {
    const { send, deadLetters, rows } = setup();
    send(null);
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('commit', 3)));
    expect(deadLetters.map((d) => [d.value, d.headers[DLQ_HEADER_ERROR_CLASS], d.headers[DLQ_HEADER_ERROR_MESSAGE]])).toEqual([
      [null, 'TombstoneInputError', 'dts.sale/2@40 has no value (a tombstone), not a DTS Envelope'],
    ]);
    expect(rows()).toEqual(['o-1']);
  });

  it('dead-letters every raw message of an abandoned chunk group and processes the group that broke it', () => {
    const { send, deadLetters, rows, context } = setup();
    const [first, second] = pieces(3, entry('begin', 3), entry('dml', 3, 1_700_000_000, ['lost']), entry('commit', 3));
    send(first as Buffer);
    send(second as Buffer);
    send(message(entry('begin', 4), entry('dml', 4, 1_700_000_000, ['o-4']), entry('commit', 4)));
    expect(deadLetters.map((d) => [d.headers[DLQ_HEADER_OFFSET], d.headers[DLQ_HEADER_ERROR_CLASS]])).toEqual([
      ['40', 'AbandonedChunkGroupError'],
      ['41', 'AbandonedChunkGroupError'],
    ]);
    expect(deadLetters[0]?.value).toEqual(first);
    expect(rows()).toEqual(['o-4']);
    expect(context.heldOffset).toBeUndefined();
  });

  it('turns heartbeats into progress and re-sends the whole progress on its slow heartbeat once nothing else went out', async () => {
    const { context, send } = setup();
    send(message(entry('heartbeat', 9, 1_700_000_050)));
    expect(context.controls).toHaveLength(1);
    expect(context.scheduledIntervals('wall-clock')).toEqual([60_000, 100]);
    await context.punctuateEvery(60_000);
    expect(context.controls).toHaveLength(1);
    await context.punctuateEvery(60_000);
    expect(context.controls).toHaveLength(2);
    expect(readWatermarkControl(context.controls[1] as StreamRecord<unknown, unknown>)?.shards).toEqual([{ serverId: '7', gtidSequence: 9n, timestamp: 1_700_000_050_000 }]);
  });

  it('announces progress only with a partition count read after the progress was observed (partition growth)', async () => {
    const { context, send, rows } = setup();
    context.readsStarted = 3;
    context.countRead = 3;
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('commit', 3, 1_700_000_001)));
    expect(rows()).toEqual(['o-1']);
    expect(context.controls).toEqual([]);
    // A read that began before the progress was seen (still read 3) does not count.
    await context.punctuate('wall-clock');
    expect(context.controls).toEqual([]);
    // The topic grew; the next read, begun after the progress, shows it: the progress goes out with 8.
    context.readsStarted = 4;
    context.countRead = 4;
    context.partitionCount = 8;
    await context.punctuate('wall-clock');
    expect(context.controls.map((c) => readWatermarkControl(c as StreamRecord<unknown, unknown>)?.partitionCount)).toEqual([8]);
  });

  it('on a busy partition announces the newest confirmed progress while newer progress waits', () => {
    const { context, send } = setup();
    context.readsStarted = 10;
    context.countRead = 9;
    send(message(entry('begin', 3), entry('dml', 3, 1_700_000_000, ['o-1']), entry('commit', 3, 1_700_000_001)));
    context.readsStarted = 11;
    context.countRead = 11;
    send(message(entry('begin', 4), entry('dml', 4, 1_700_000_000, ['o-2']), entry('commit', 4, 1_700_000_002)));
    expect(context.controls.map((c) => readWatermarkControl(c as StreamRecord<unknown, unknown>)?.shards[0]?.gtidSequence)).toEqual([3n]);
  });

  it('keeps its progress in a store, so after a restart it announces it with no new input', async () => {
    const store = new FakeKeyValueStore<string, StoredProgress>('progress', (k) => Buffer.from(k));
    const options = { progressStoreName: 'progress', inputTopic: 'dts.sale' };
    const before = new FakeProcessorContext<null, ChangeEvent>(2, 'dts-source').addStore(store);
    const first = new DtsSourceProcessor(options);
    await first.init(before);
    before.metadata = { topic: 'dts.sale', partition: 2, offset: '7' };
    first.process({ key: null, value: message(entry('begin', 12), entry('dml', 12, 1_700_000_000, ['o-1']), entry('commit', 12, 1_700_000_002)), timestamp: 5, headers: {} });
    first.onBatchEnd();

    const after = new FakeProcessorContext<null, ChangeEvent>(2, 'dts-source').addStore(store);
    after.partitionCount = 4;
    const restarted = new DtsSourceProcessor(options);
    await restarted.init(after);
    await after.punctuate('wall-clock');
    expect(after.controls.map((c) => readWatermarkControl(c as StreamRecord<unknown, unknown>))).toEqual([
      { type: 'watermark', inputTopic: 'dts.sale', inputPartition: 2, partitionCount: 4, shards: [{ serverId: '7', gtidSequence: 12n, timestamp: 1_700_000_002_000 }] },
    ]);
  });
});
