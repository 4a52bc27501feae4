import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch, applied by `npm ci` (postinstall: patch-package), speeds up the
// producer's request building. These tests pin what it must not change, and what it fixes.
const require = createRequire(import.meta.url);

interface KafkajsMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
}
type Grouped = Record<string, KafkajsMessage[]>;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: ReadonlyArray<{ partitionId: number; leader: number }>;
  messages: readonly KafkajsMessage[];
  partitioner: (options: { message: KafkajsMessage }) => number;
}) => Grouped;
const encodeProduceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (options: object) => Promise<{ encode(): Promise<{ buffer: Buffer }> }>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => {
  readInt16(): number;
  readInt32(): number;
  readString(): string | null;
  readBytes(): Buffer;
};
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: object) => Promise<{
  firstTimestamp: string;
  maxTimestamp: string;
  records: Array<{ offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }>;
}>;

type RecordEncoder = { readonly buffer: Buffer };
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => RecordEncoder & { writeEncoder(encoder: RecordEncoder): RecordEncoder & { buffer: Buffer } };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  key: unknown;
  value: unknown;
  headers?: Record<string, unknown>;
  offsetDelta: number;
  timestampDelta: number;
}) => RecordEncoder;
const encodeRecords = require('kafkajs/src/protocol/recordBatch/record/v0/encodeRecords.js') as (messages: readonly object[], firstTimestamp: number, dateNow: number) => Buffer;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (options: object) => Promise<{ buffer: Buffer }> };
const Long = require('kafkajs/src/utils/long.js') as { fromValue(value: bigint): object };

const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }));

/** The input the golden request (test/fixtures/kafkajs/produce-v3-request.json) was encoded from by unpatched kafkajs 2.2.4. */
function goldenMessages(): KafkajsMessage[] {
  const messages: KafkajsMessage[] = [];
  for (let i = 0; i < 30; i++) {
    messages.push({
      key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 11 === 0 ? null : Buffer.from(`value ${'x'.repeat(i * 37)}`),
      partition: (i * 5) % 3,
      timestamp: String(1_762_819_200_000 + ((i * 7919) % 1000) * 1000),
      headers: i % 3 === 0 ? {} : { 'cdc-streams.control': 'watermark', n: String(i) },
    });
  }
  return messages;
}

async function encodeRequest(messages: readonly KafkajsMessage[]): Promise<Buffer> {
  const grouped = groupMessagesPerPartition({ topic: 'golden', partitionMetadata, messages, partitioner: ({ message }) => message.partition });
  const partitions = Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 7, messages: grouped[p] }));
  const request = await encodeProduceV3({
    acks: -1,
    timeout: 30000,
    compression: 0,
    transactionalId: 'tx',
    producerId: 42,
    producerEpoch: 3,
    topicData: [{ topic: 'golden', partitions }],
  });
  return Buffer.from((await request.encode()).buffer);
}

describe('the kafkajs produce-path patch', () => {
  it('encodes a produce request byte for byte as unpatched kafkajs 2.2.4 did', async () => {
    const golden = JSON.parse(readFileSync('test/fixtures/kafkajs/produce-v3-request.json', 'utf8')) as { request: string };
    expect((await encodeRequest(goldenMessages())).toString('base64')).toBe(golden.request);
  });

  it("groups a send's messages by partition, each partition's in the order they were given", () => {
    const messages = goldenMessages();
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: ({ message }) => message.partition });
    for (const partition of ['0', '1', '2']) {
      expect(grouped[partition]).toEqual(messages.filter((m) => String(m.partition) === partition));
    }
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
  });

  it('gives a batch the numerically smallest and largest timestamps (unpatched, a text sort put 999 after 1000)', async () => {
    const message = (timestamp: string): KafkajsMessage => ({ key: null, value: Buffer.from(timestamp), partition: 0, timestamp, headers: {} });
    const request = await encodeRequest([message('1000'), message('999'), message('20000')]);
    const decoder = new Decoder(request);
    expect(decoder.readString()).toBe('tx');
    decoder.readInt16(); // acks
    decoder.readInt32(); // timeout
    expect(decoder.readInt32()).toBe(1); // topics
    expect(decoder.readString()).toBe('golden');
    expect(decoder.readInt32()).toBe(1); // partitions
    expect(decoder.readInt32()).toBe(0);
    const batch = await decodeRecordBatch(new Decoder(decoder.readBytes()));
    expect([batch.firstTimestamp, batch.maxTimestamp]).toEqual(['999', '20000']);
    expect(batch.records.map((r) => [r.timestamp, r.value?.toString()])).toEqual([
      ['1000', '1000'],
      ['999', '999'],
      ['20000', '20000'],
    ]);
  });

  it("encodes an uncompressed batch's records in one buffer exactly as kafkajs' Record() does, one by one", () => {
    const firstTimestamp = 1_762_819_200_000;
    const dateNow = firstTimestamp + 5_000;
    const messages: Array<{ key: unknown; value: unknown; headers?: Record<string, unknown>; timestamp?: string | number }> = [
      { key: 'plain text key', value: 'välue with ünïcode ✓', headers: { a: 'x', b: ['1', '22', Buffer.from([0, 255])] }, timestamp: firstTimestamp },
      { key: null, value: null, timestamp: String(firstTimestamp + 70_000) },
      { key: Buffer.alloc(0), value: Buffer.alloc(300, 7), headers: {}, timestamp: firstTimestamp + 1 },
      { key: Buffer.from('no timestamp'), value: Buffer.alloc(20_000, 1), headers: { 'cdc-streams.control': 'watermark' } },
      ...Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(i, i), headers: i % 2 === 0 ? { n: String(i) } : {}, timestamp: firstTimestamp + i * 997 })),
    ];
    const expected = new Encoder();
    messages.forEach((message, i) =>
      expected.writeEncoder(
        Record({ key: message.key, value: message.value, headers: message.headers, offsetDelta: i, timestampDelta: Number(message.timestamp || dateNow) - firstTimestamp }),
      ),
    );
    expect(encodeRecords(messages, firstTimestamp, dateNow).equals(expected.buffer)).toBe(true);
  });

  it('falls back to kafkajs for a timestamp delta beyond what doubles encode exactly, with the same bytes', () => {
    const messages = [{ key: 'k', value: 'v', timestamp: 2 ** 52 }];
    const expected = new Encoder().writeEncoder(Record({ key: 'k', value: 'v', offsetDelta: 0, timestampDelta: 2 ** 52 - 1 }));
    expect(encodeRecords(messages, 1, 0).equals(expected.buffer)).toBe(true);
  });

  it('decodes offsets and timestamps above 2^53 exactly, and repeated header names as arrays in order', async () => {
    const firstOffset = 2n ** 53n + 5n;
    const firstTimestamp = 1_762_819_200_000;
    const records = [0, 1, 2].map((i) =>
      Record({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), offsetDelta: i, timestampDelta: i * 1000, headers: i === 2 ? { h: ['a', 'b', 'c'], g: 'x' } : {} }),
    );
    const batch = await RecordBatch({ records, firstOffset: Long.fromValue(firstOffset), firstTimestamp, maxTimestamp: firstTimestamp + 2000, lastOffsetDelta: 2 });
    const decoded = await decodeRecordBatch(new Decoder(batch.buffer));
    expect(decoded.records.map((r) => [r.offset, r.timestamp])).toEqual([0, 1, 2].map((i) => [String(firstOffset + BigInt(i)), String(firstTimestamp + i * 1000)]));
    expect(decoded.records[2]?.headers).toEqual({ h: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')], g: Buffer.from('x') });
    expect(decoded.records[0]?.headers).toEqual({});
  });
});
