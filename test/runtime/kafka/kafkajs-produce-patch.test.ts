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
  records: Array<{ timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }>;
}>;

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
});
