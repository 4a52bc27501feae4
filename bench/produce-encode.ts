/**
 * What kafkajs spends building produce requests, per message, at several send sizes — the cost the
 * runtime's `producerBatchRecords` trades against (patches/kafkajs+2.2.4.patch, docs/benchmarks.md):
 * grouping a send's messages by partition, then encoding the request (records, record batches, CRC).
 * 300-byte values, 10-byte keys, one header, 6 partitions, as in the engine workload's output.
 *
 *     npx tsx bench/produce-encode.ts [messagesPerRound]
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Message = { key: Buffer; value: Buffer; partition: number; timestamp: string; headers: Record<string, string> };
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: ReadonlyArray<{ partitionId: number; leader: number }>;
  messages: readonly Message[];
  partitioner: (options: { message: Message }) => number;
}) => Record<string, Message[]>;
const encodeProduceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (options: object) => Promise<{ encode(): Promise<unknown> }>;

const total = Number(process.argv[2] ?? 400_000);
const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0 }));
const value = Buffer.alloc(300, 1);

console.log('| messages per send | group µs/msg | encode µs/msg | total µs/msg |');
console.log('| ---: | ---: | ---: | ---: |');
for (const size of [500, 2_000, 10_000, 50_000]) {
  const messages: Message[] = Array.from({ length: size }, (_, i) => ({
    key: Buffer.from(`key-${String(i % 10_000).padStart(5, '0')}`),
    value,
    partition: i % 6,
    timestamp: String(1_762_819_200_000 + i),
    headers: { 'cdc-streams.source': 'bench' },
  }));
  const rounds = Math.max(2, Math.round(total / size));
  let groupNs = 0;
  let encodeNs = 0;
  for (let round = 0; round < rounds; round++) {
    let started = process.hrtime.bigint();
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: ({ message }) => message.partition });
    groupNs += Number(process.hrtime.bigint() - started);
    started = process.hrtime.bigint();
    const partitions = Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 0, messages: grouped[p] }));
    const request = await encodeProduceV3({ acks: -1, timeout: 30_000, compression: 0, topicData: [{ topic: 't', partitions }] });
    await request.encode();
    encodeNs += Number(process.hrtime.bigint() - started);
  }
  const per = (ns: number) => (ns / rounds / size / 1000).toFixed(2);
  console.log(`| ${size.toLocaleString('en-US')} | ${per(groupNs)} | ${per(encodeNs)} | ${per(groupNs + encodeNs)} |`);
}
